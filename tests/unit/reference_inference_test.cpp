// The reference execution (testbench/reference_inference.h): every layer type
// on small cases whose expected values are worked out by hand in the comments,
// the rounding rules of the number format, the deterministic random data, the
// errors, and two zoo models end to end.
#include <catch2/catch.hpp>

#include <map>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/model.h"
#include "hw/isa/number_format.h"
#include "testbench/reference_inference.h"

using namespace planaria;

namespace {

using Values = std::vector<std::int16_t>;

/// A model with the given input lines and layer lines (planaria-model/1 YAML).
Model model_of(const std::string& inputs, const std::string& layers) {
    return parse_model("format: planaria-model/1\nname: T\nkey: t\nsource: test\ninputs:\n" + inputs +
                           "layers:\n" + layers,
                       "test.yaml");
}

/// The last layer's output of a model whose layers take `params` in order.
Tensor run_last(const Model& m, std::vector<LayerParameters> params, const std::vector<Tensor>& inputs) {
    params.resize(m.layers.size());
    const std::vector<Tensor> out = run_reference(m, ModelParameters{params}, inputs);
    REQUIRE(out.size() == m.layers.size());
    return out.back();
}

/// v scaled to Q7.8 (v * 256).
Values real(const std::vector<int>& v) {
    Values out;
    for (int x : v) out.push_back(std::int16_t(x * numerics::kOne));
    return out;
}

bool any_nonzero(const Tensor& t) {
    for (auto v : t.data)
        if (v != 0) return true;
    return false;
}

}  // namespace

TEST_CASE("reference conv: 3x3 kernel with padding 1 and stride 2 on a 4x4 input", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [1, 4, 4]}\n",
                             "  - {name: c, type: conv, out_channels: 1, kernel: 3, stride: 2, padding: 1}\n");
    // Input 1..16 row by row (as reals), weights 1..9 row by row (raw: w/256),
    // so each output is the plain integer sum of in * w over the taps inside.
    const Tensor x{{1, 4, 4}, real({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})};
    const Tensor y = run_last(m, {{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {}}}, {x});
    REQUIRE(y.shape == TensorShape{1, 2, 2});
    // (0,0): rows -1..1, cols -1..1: 1*5 + 2*6 + 5*8 + 6*9 = 111
    // (0,1): rows -1..1, cols 1..3: 2*4 + 3*5 + 4*6 + 6*7 + 7*8 + 8*9 = 217
    // (1,0): rows 1..3, cols -1..1: 5*2 + 6*3 + 9*5 + 10*6 + 13*8 + 14*9 = 363
    // (1,1): rows 1..3, cols 1..3: 6+14+24 + 40+55+72 + 98+120+144 = 573
    CHECK(y.data == Values{111, 217, 363, 573});
}

TEST_CASE("reference conv: same padding pads after the input", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [1, 4, 4]}\n",
                             "  - {name: c, type: conv, out_channels: 1, kernel: 3, stride: 2, padding: same}\n");
    // Output 2x2; total padding (2-1)*2 + 3 - 4 = 1 per axis, TensorFlow puts it
    // after: windows start at rows/cols 0 and 2, row/col 4 is padding.
    const Tensor x{{1, 4, 4}, real({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})};
    const Tensor y = run_last(m, {{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {}}}, {x});
    REQUIRE(y.shape == TensorShape{1, 2, 2});
    // (0,0): 1+4+9 + 20+30+42 + 63+80+99 = 348
    // (0,1): cols 2, 3: 3*1+4*2 + 7*4+8*5 + 11*7+12*8 = 252
    // (1,0): rows 2, 3: 9+20+33 + 52+70+90 = 274
    // (1,1): rows and cols 2, 3: 11*1+12*2 + 15*4+16*5 = 175
    CHECK(y.data == Values{348, 252, 274, 175});
}

TEST_CASE("reference conv: groups select their own input channels", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [4, 1, 2]}\n",
                             "  - {name: c, type: conv, out_channels: 4, kernel: 1, groups: 2}\n");
    // Two groups of two input channels; outputs 0 and 1 read channels 0 and 1,
    // outputs 2 and 3 read channels 2 and 3. Weights [co][ci] raw.
    const Values w = {1, 0, /**/ 0, 1, /**/ 1, 1, /**/ 2, -1};
    // Planar: position 0 holds channels (1, 2, 3, 4), position 1 (10, 20, 30, 40).
    const Tensor x{{4, 1, 2}, real({1, 10, 2, 20, 3, 30, 4, 40})};
    const Tensor y = run_last(m, {{w, {}}}, {x});
    REQUIRE(y.shape == TensorShape{4, 1, 2});
    // Position 0: 1, 2, 3 + 4 = 7, 2*3 - 4 = 2; position 1: 10, 20, 70, 20 (channel by channel).
    CHECK(y.data == Values{1, 10, 2, 20, 7, 70, 2, 20});
}

TEST_CASE("reference conv: dilation 2 with rounding of the accumulator", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [1, 4, 4]}\n",
                             "  - {name: c, type: conv, out_channels: 1, kernel: 2, dilation: 2}\n");
    // Input raw 64 * (1..16); a 2x2 kernel dilated to span 3, output 2x2.
    Values in;
    for (int v = 1; v <= 16; ++v) in.push_back(std::int16_t(64 * v));
    const Tensor y = run_last(m, {{{100, -50, 30, 7}, {}}}, {Tensor{{1, 4, 4}, in}});
    REQUIRE(y.shape == TensorShape{1, 2, 2});
    // (0,0) taps v(0,0)=1 v(0,2)=3 v(2,0)=9 v(2,2)=11: 100 - 150 + 270 + 77 = 297; 297*64/256 = 74.25 -> 74
    // (0,1) taps 2 4 10 12: 200 - 200 + 300 + 84 = 384 -> 96
    // (1,0) taps 5 7 13 15: 500 - 350 + 390 + 105 = 645; 645/4 = 161.25 -> 161
    // (1,1) taps 6 8 14 16: 600 - 400 + 420 + 112 = 732 -> 183
    CHECK(y.data == Values{74, 96, 161, 183});
}

TEST_CASE("reference depthwise conv with multiplier 2", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [2, 1, 3]}\n",
                             "  - {name: d, type: depthwise_conv, kernel: [1, 2], multiplier: 2}\n");
    // Weights [c][j][kx]: channel 0 -> (1, 2) and (3, -1); channel 1 -> (0, 1) and (2, 2).
    const Values w = {1, 2, 3, -1, 0, 1, 2, 2};
    // Channel 0 along w: 1 2 3; channel 1: 10 20 30 (planar: one channel after the other).
    const Tensor x{{2, 1, 3}, real({1, 2, 3, 10, 20, 30})};
    const Tensor y = run_last(m, {{w, {}}}, {x});
    REQUIRE(y.shape == TensorShape{4, 1, 2});
    // Output channel 2c + j. Position 0: 1+4 = 5, 3-2 = 1, 20, 20+40 = 60.
    // Position 1: 2+6 = 8, 6-3 = 3, 30, 40+60 = 100.
    CHECK(y.data == Values{5, 8, 1, 3, 20, 30, 60, 100});
}

TEST_CASE("reference fc with bias reads the input in planar memory order, as PyTorch flattens", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [2, 1, 2]}\n", "  - {name: f, type: fc, out_features: 2}\n");
    // Memory order (c0w0, c0w1, c1w0, c1w1) = (1, 2, 3, 4) as reals.
    const Tensor x{{2, 1, 2}, real({1, 2, 3, 4})};
    const Values w = {0, 256, 0, 128, /**/ 10, 20, 30, 40};
    const Tensor y = run_last(m, {{w, {-100, 5}}}, {x});
    REQUIRE(y.shape == TensorShape{2, 1, 1});
    // Output 0: 2 * 1.0 + 4 * 0.5 = 4.0 = 1024 raw, bias -100 -> 924.
    // Output 1: (1*10 + 2*20 + 3*30 + 4*40) = 300 raw, bias 5 -> 305.
    CHECK(y.data == Values{924, 305});
}

TEST_CASE("reference per-position fc applies one matrix at every position", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [2, 1, 2]}\n",
                             "  - {name: f, type: fc, out_features: 3, per_position: true, bias: false}\n");
    const Tensor x{{2, 1, 2}, real({1, 3, 2, 4})};  // position 0: (1, 2), position 1: (3, 4)
    const Values w = {1, 0, /**/ 0, 1, /**/ 2, -1};
    const Tensor y = run_last(m, {{w, {}}}, {x});
    REQUIRE(y.shape == TensorShape{3, 1, 2});
    // Position 0: 1, 2, 2 - 2 = 0; position 1: 3, 4, 6 - 4 = 2 (channel by channel).
    CHECK(y.data == Values{1, 3, 2, 4, 0, 2});
}

TEST_CASE("reference max and average pooling exclude the padding", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [1, 3, 3]}\n",
                             "  - {name: mp, type: maxpool, kernel: 2, stride: 2, padding: 1}\n"
                             "  - {name: ap, type: avgpool, kernel: 2, stride: 2, padding: 1, input: x}\n");
    const Tensor x{{1, 3, 3}, {-1, 2, -3, /**/ 4, -5, 6, /**/ -7, 8, 9}};
    const std::vector<Tensor> y = run_reference(m, ModelParameters{{{}, {}}}, {x});
    REQUIRE(y[0].shape == TensorShape{1, 2, 2});
    // Windows: (0,0) = {-1}; (0,1) = {2, -3}; (1,0) = {4, -7}; (1,1) = {-5, 6, 8, 9}.
    // Max: a padded zero would win in (0,0); it does not count.
    CHECK(y[0].data == Values{-1, 2, 4, 9});
    // Average: -1/1 = -1; -1/2 = -0.5 -> 0; -3/2 = -1.5 -> -1; 18/4 = 4.5 -> 5 (half up).
    CHECK(y[1].data == Values{-1, 0, -1, 5});
}

TEST_CASE("reference global average pooling rounds half up for negative sums", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [3, 2, 2]}\n", "  - {name: g, type: global_avgpool}\n");
    // Channel 0: -1 -1 -1 -3 (sum -6); channel 1: 1 2 3 4 (10); channel 2: -1 -2 -2 -2 (-7).
    const Tensor x{{3, 2, 2}, {-1, -1, -1, -3, /**/ 1, 2, 3, 4, /**/ -1, -2, -2, -2}};
    const Tensor y = run_last(m, {}, {x});
    REQUIRE(y.shape == TensorShape{3, 1, 1});
    // -1.5 -> -1 (not -2: half up, not away from zero); 2.5 -> 3 (not truncated); -1.75 -> -2.
    CHECK(y.data == Values{-1, 3, -2});
}

TEST_CASE("reference add saturates and mul broadcasts a channel vector", "[reference]") {
    const Model m = model_of("  - {name: a, shape: [3, 1, 1]}\n  - {name: b, shape: [3, 1, 1]}\n",
                             "  - {name: s, type: add, inputs: [a, b]}\n");
    const Tensor y = run_last(m, {}, {Tensor{{3, 1, 1}, {30000, -30000, 100}}, Tensor{{3, 1, 1}, {5000, -5000, -300}}});
    CHECK(y.data == Values{32767, -32768, -200});

    const Model se = model_of("  - {name: a, shape: [2, 1, 2]}\n  - {name: b, shape: [2, 1, 1]}\n",
                              "  - {name: p, type: mul, inputs: [a, b]}\n");
    // a: channel 0 (1.0, -1.0), channel 1 (2.0, 100 raw); b: (0.5, 2.0), one per channel.
    const Tensor z = run_last(se, {}, {Tensor{{2, 1, 2}, {256, -256, 512, 100}}, Tensor{{2, 1, 1}, {128, 512}}});
    REQUIRE(z.shape == TensorShape{2, 1, 2});
    // 1.0*0.5 = 128; -1.0*0.5 = -128; 2.0*2.0 = 1024; 100 raw * 2.0 = 200.
    CHECK(z.data == Values{128, -128, 1024, 200});
}

TEST_CASE("reference concat joins channels at every position", "[reference]") {
    const Model m = model_of("  - {name: a, shape: [1, 1, 2]}\n  - {name: b, shape: [2, 1, 2]}\n",
                             "  - {name: c, type: concat, inputs: [a, b]}\n");
    // b: channel 0 (10, 30), channel 1 (20, 40).
    const Tensor y = run_last(m, {}, {Tensor{{1, 1, 2}, {1, 2}}, Tensor{{2, 1, 2}, {10, 30, 20, 40}}});
    REQUIRE(y.shape == TensorShape{3, 1, 2});
    // Position 0: (1, 10, 20), position 1: (2, 30, 40); planes one after the other.
    CHECK(y.data == Values{1, 2, 10, 30, 20, 40});
}

TEST_CASE("reference upsample repeats each pixel scale by scale", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [2, 1, 2]}\n", "  - {name: u, type: upsample, scale: 2}\n");
    // Channel 0 (1, 2), channel 1 (3, 4) along w.
    const Tensor y = run_last(m, {}, {Tensor{{2, 1, 2}, {1, 2, 3, 4}}});
    REQUIRE(y.shape == TensorShape{2, 2, 4});
    // Each channel's plane: two rows of (p p q q).
    CHECK(y.data == Values{1, 1, 2, 2, 1, 1, 2, 2, /**/ 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST_CASE("reference element-wise layers flatten and softmax", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [2, 1, 2]}\n",
                             "  - {name: r, type: relu}\n"
                             "  - {name: r6, type: relu6, input: x}\n"
                             "  - {name: bn, type: batchnorm, input: x}\n"
                             "  - {name: f, type: flatten, input: x}\n"
                             "  - {name: s, type: softmax, input: x}\n");
    // Position 0: channels (-5, 2000); position 1: (7, 7). Planar: channel 0 (-5, 7), channel 1 (2000, 7).
    const Tensor x{{2, 1, 2}, {-5, 7, 2000, 7}};
    const std::vector<Tensor> y = run_reference(m, ModelParameters{std::vector<LayerParameters>(5)}, {x});
    CHECK(y[0].data == Values{0, 7, 2000, 7});
    CHECK(y[1].data == Values{0, 7, 1536, 7});  // 6.0 = 1536
    CHECK(y[2].data == x.data);                 // batch norm is folded: passes through
    CHECK(y[3].shape == TensorShape{4, 1, 1});
    CHECK(y[3].data == x.data);
    // Position 1 has two equal values: 0.5 each = 128. Position 0: exp(-5/256 - 2000/256)
    // relative weight ~ 4e-4 -> 0 raw, the other 1.0 = 256.
    CHECK(y[4].data == Values{0, 128, 256, 128});
}

TEST_CASE("numerics rounding: requantize and average round half up and saturate", "[reference]") {
    CHECK(numerics::NumberFormat{}.average(-3, 2) == -1);
    CHECK(numerics::NumberFormat{}.average(3, 2) == 2);
    CHECK(numerics::NumberFormat{}.average(-5, 2) == -2);
    CHECK(numerics::NumberFormat{}.average(-7, 4) == -2);
    CHECK(numerics::NumberFormat{}.average(10, 4) == 3);
    CHECK(numerics::NumberFormat{}.average(40000 * 3, 3) == 32767);
    CHECK(numerics::NumberFormat{}.requantize(-128) == 0);
    CHECK(numerics::NumberFormat{}.requantize(-129) == -1);
    CHECK(numerics::NumberFormat{}.requantize(127) == 0);
    CHECK(numerics::NumberFormat{}.requantize(128) == 1);
    CHECK(numerics::NumberFormat{}.requantize(-384) == -1);  // -1.5 -> -1
    CHECK(numerics::NumberFormat{}.requantize(std::int64_t(32767) * 256 + 127) == 32767);
    CHECK(numerics::NumberFormat{}.requantize(std::int64_t(32767) * 256 + 128) == 32767);  // would be 32768: saturates
    CHECK(numerics::NumberFormat{}.requantize(std::int64_t(-32768) * 256) == -32768);
    CHECK(numerics::NumberFormat{}.requantize(std::int64_t(-32768) * 256 - 129) == -32768);
    CHECK(numerics::NumberFormat{}.requantize(std::int64_t(1) << 40) == 32767);
    CHECK(numerics::NumberFormat{}.requantize(-(std::int64_t(1) << 40)) == -32768);
    CHECK(numerics::NumberFormat{}.saturate(40000) == 32767);
    CHECK(numerics::NumberFormat{}.saturate(-40000) == -32768);
}

TEST_CASE("reference random parameters and inputs are deterministic and in range", "[reference]") {
    const std::string layers = "  - {name: c, type: conv, out_channels: 8, kernel: 3, bias: true}\n"
                               "  - {name: r, type: relu}\n";
    const Model m = model_of("  - {name: x, shape: [3, 6, 6]}\n", layers + "  - {name: f, type: fc, out_features: 5}\n");
    const ModelParameters a = random_parameters(m, 1), b = random_parameters(m, 1), c = random_parameters(m, 2);
    REQUIRE(a.layers.size() == 3);
    CHECK(a.layers[0].weights.size() == 8 * 3 * 9);
    CHECK(a.layers[0].bias.size() == 8);
    CHECK(a.layers[1].weights.empty());
    CHECK(a.layers[2].weights.size() == 5 * 8 * 4 * 4);
    CHECK(a.layers[2].bias.size() == 5);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(a.layers[i].weights == b.layers[i].weights);
        CHECK(a.layers[i].bias == b.layers[i].bias);
    }
    CHECK(a.layers[0].weights != c.layers[0].weights);
    CHECK(a.layers[2].weights != c.layers[2].weights);
    // Fan-in scaled ranges: 256 * sqrt(3 / 27) = 85.3 for the conv, 256 * sqrt(3 / 128) = 39.2 for the fc.
    const std::map<std::size_t, int> range = {{0, 85}, {2, 39}};
    for (const auto& [layer, r] : range) {
        int widest = 0;
        for (auto w : a.layers[layer].weights) {
            CHECK((w >= -r && w <= r));
            widest = std::max(widest, std::abs(int(w)));
        }
        CHECK(widest > r / 2);
        for (auto v : a.layers[layer].bias) CHECK((v >= -256 && v <= 256));
    }
    // A layer's values do not depend on the other layers: a different fc leaves the conv as it was.
    const Model other = model_of("  - {name: x, shape: [3, 6, 6]}\n", layers + "  - {name: f, type: fc, out_features: 7}\n");
    CHECK(random_parameters(other, 1).layers[0].weights == a.layers[0].weights);

    const std::vector<Tensor> x = random_inputs(m, 5), x2 = random_inputs(m, 5), x3 = random_inputs(m, 6);
    REQUIRE(x.size() == 1);
    CHECK(x[0].shape == TensorShape{3, 6, 6});
    CHECK(x[0].data.size() == 108);
    CHECK(x[0].data == x2[0].data);
    CHECK(x[0].data != x3[0].data);
    for (auto v : x[0].data) CHECK((v >= -256 && v <= 256));
    // The same inputs and parameters give the same outputs.
    CHECK(run_reference(m, a, x).back().data == run_reference(m, b, x2).back().data);
}

TEST_CASE("reference refuses an lstm layer naming it", "[reference]") {
    const Model m = model_of("  - {name: seq, shape: [8, 1, 5]}\n", "  - {name: encoder, type: lstm, hidden: 4}\n");
    try {
        run_reference(m, random_parameters(m, 1), random_inputs(m, 1));
        FAIL("accepted an lstm");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("'encoder'") && Catch::Contains("lstm"));
    }
}

TEST_CASE("reference refuses parameters and inputs of the wrong size", "[reference]") {
    const Model m = model_of("  - {name: x, shape: [1, 4, 4]}\n",
                             "  - {name: c, type: conv, out_channels: 2, kernel: 3, bias: true}\n");
    const ModelParameters good = random_parameters(m, 3);
    const std::vector<Tensor> in = random_inputs(m, 3);
    CHECK_NOTHROW(run_reference(m, good, in));

    ModelParameters short_weights = good;
    short_weights.layers[0].weights.pop_back();
    CHECK_THROWS_WITH(run_reference(m, short_weights, in), Catch::Contains("'c' (conv)") && Catch::Contains("weights"));
    ModelParameters no_bias = good;
    no_bias.layers[0].bias.clear();
    CHECK_THROWS_WITH(run_reference(m, no_bias, in), Catch::Contains("'c' (conv)") && Catch::Contains("biases"));
    CHECK_THROWS_AS(run_reference(m, ModelParameters{}, in), std::invalid_argument);

    std::vector<Tensor> wrong = in;
    wrong[0].shape = {1, 2, 8};
    CHECK_THROWS_WITH(run_reference(m, good, wrong), Catch::Contains("'x'"));
    wrong = in;
    wrong[0].data.pop_back();
    CHECK_THROWS_AS(run_reference(m, good, wrong), std::invalid_argument);
    CHECK_THROWS_AS(run_reference(m, good, {}), std::invalid_argument);
}

TEST_CASE("reference runs MobileNet-v1 and ResNet-50 at 3x32x32 end to end", "[reference]") {
    for (const std::string key : {"mobilenet_v1", "resnet50"}) {
        INFO(key);
        const Model m = load_model_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/" + key + ".yaml",
                                        {InputOverride::parse("image=3x32x32")});
        const std::vector<Tensor> out = run_reference(m, random_parameters(m, 42), random_inputs(m, 42));
        REQUIRE(out.size() == m.layers.size());
        bool all_zero = true;
        for (std::size_t i = 0; i < out.size(); ++i) {
            INFO(m.layers[i].name);
            CHECK(out[i].shape == m.layers[i].out);
            CHECK(out[i].data.size() == m.layers[i].out.elements());
            all_zero = all_zero && !any_nonzero(out[i]);
        }
        CHECK_FALSE(all_zero);
        // The classifier's logits and the softmax after them carry signal.
        CHECK(any_nonzero(out.back()));
    }
}
