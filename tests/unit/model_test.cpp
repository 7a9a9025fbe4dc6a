// The model loader: shape inference and counts checked against hand
// computations, and every kind of bad input named.
#include <catch2/catch.hpp>

#include "compiler/model.h"

using namespace planaria;

namespace {
const char* kSmall = R"(format: planaria-model/1
name: Small
key: small
source: hand-written for the tests
inputs:
  - {name: image, shape: [3, 8, 8]}
layers:
  - {name: conv1, type: conv, out_channels: 16, kernel: 3, padding: 1}
  - {name: bn1, type: batchnorm}
  - {name: relu1, type: relu}
  - {name: dw, type: depthwise_conv, kernel: 3, stride: 2, padding: 1}
  - {name: pw, type: conv, out_channels: 32, kernel: 1, bias: true}
  - {name: skip, type: conv, input: relu1, out_channels: 32, kernel: 1, stride: 2}
  - {name: sum, type: add, inputs: [pw, skip]}
  - {name: pool, type: maxpool, kernel: 2}
  - {name: cat, type: concat, inputs: [pool, pool]}
  - {name: up, type: upsample}
  - {name: gap, type: global_avgpool}
  - {name: fc, type: fc, out_features: 10}
)";

std::string with_layers(const std::string& layers) {
    return "format: planaria-model/1\nname: T\nkey: t\nsource: test\ninputs:\n  - {name: x, shape: [4, 6, 6]}\n"
           "layers:\n" + layers;
}

void expect_error(const std::string& yaml, const std::string& contains) {
    INFO(yaml);
    try {
        parse_model(yaml, "bad.yaml");
        FAIL("accepted");
    } catch (const ModelError& e) {
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.yaml"));
        CHECK_THAT(std::string(e.what()), Catch::Contains(contains));
    }
}
}  // namespace

TEST_CASE("shapes, parameters and MACs of a small network equal a hand computation", "[model]") {
    const Model m = parse_model(kSmall, "small.yaml");
    REQUIRE(m.layers.size() == 12);
    const auto& conv1 = *m.find("conv1");
    CHECK(conv1.out == TensorShape{16, 8, 8});
    CHECK(conv1.params == 16 * 3 * 3 * 3);
    CHECK(conv1.macs == 16 * 8 * 8 * 27);
    CHECK(m.find("bn1")->params == 32);
    CHECK(m.find("bn1")->simd_ops == 16 * 64);
    const auto& dw = *m.find("dw");
    CHECK(dw.out == TensorShape{16, 4, 4});
    CHECK(dw.params == 16 * 9);
    CHECK(dw.macs == 16 * 16 * 9);
    CHECK(m.find("pw")->params == 32 * 16 + 32);
    CHECK(m.find("pw")->macs == 32 * 16 * 16);
    CHECK(m.find("skip")->out == TensorShape{32, 4, 4});
    CHECK(m.find("skip")->inputs == std::vector<int>{2});  // relu1
    CHECK(m.find("sum")->out == TensorShape{32, 4, 4});
    CHECK(m.find("pool")->out == TensorShape{32, 2, 2});
    CHECK(m.find("pool")->simd_ops == 32 * 4 * 4);
    CHECK(m.find("cat")->out == TensorShape{64, 2, 2});
    CHECK(m.find("up")->out == TensorShape{64, 4, 4});
    CHECK(m.find("gap")->out == TensorShape{64, 1, 1});
    CHECK(m.find("fc")->params == 64 * 10 + 10);
    CHECK(m.find("fc")->macs == 640);
    CHECK(m.params() == 432 + 32 + 144 + 544 + 512 + 650);
    CHECK(m.macs() == 27648 + 2304 + 8192 + 8192 + 640);
}

TEST_CASE("sequence layers: embedding, LSTM, attention, per-position fc", "[model]") {
    const Model m = parse_model(R"(format: planaria-model/1
name: Seq
key: seq
source: test
inputs:
  - {name: src, shape: [1, 1, 5]}
  - {name: tgt, shape: [1, 1, 3]}
layers:
  - {name: src_emb, type: embedding, vocabulary: 100, dim: 8}
  - {name: enc, type: lstm, hidden: 6, bidirectional: true}
  - {name: tgt_emb, type: embedding, input: tgt, vocabulary: 100, dim: 8}
  - {name: dec, type: lstm, hidden: 12}
  - {name: att, type: attention, inputs: [dec, enc], units: 4}
  - {name: proj, type: fc, out_features: 100, per_position: true}
  - {name: prob, type: softmax}
)", "seq.yaml");
    CHECK(m.find("src_emb")->out == TensorShape{8, 1, 5});
    CHECK(m.find("src_emb")->params == 800);
    CHECK(m.find("enc")->out == TensorShape{12, 1, 5});
    CHECK(m.find("enc")->params == 2 * (4 * 6 * (8 + 6) + 4 * 6));
    CHECK(m.find("enc")->macs == 2 * 5 * 4 * 6 * (8 + 6));
    CHECK(m.find("dec")->macs == 3 * 4 * 12 * (8 + 12));
    const auto& att = *m.find("att");
    CHECK(att.out == TensorShape{12, 1, 3});
    CHECK(att.params == 4 * (12 + 12) + 8);
    CHECK(att.macs == 5 * 12 * 4 + 3 * 12 * 4 + 3 * 5 * 4 + 3 * 5 * 12);
    CHECK(m.find("proj")->out == TensorShape{100, 1, 3});
    CHECK(m.find("proj")->macs == 100 * 12 * 3);
}

TEST_CASE("windows: same padding, dilation, ceil mode, rectangular kernels", "[model]") {
    const Model m = parse_model(with_layers(R"(  - {name: a, type: conv, out_channels: 2, kernel: 3, stride: 2, padding: same}
  - {name: b, type: conv, input: x, out_channels: 2, kernel: 3, dilation: 2, padding: 2}
  - {name: c, type: maxpool, input: x, kernel: 3, stride: 2, ceil_mode: true}
  - {name: d, type: conv, input: x, out_channels: 2, kernel: [1, 3], padding: [0, 1]}
  - {name: e, type: maxpool, input: x, kernel: 2, stride: 1, padding: same}
)"), "w.yaml");
    CHECK(m.find("a")->out == TensorShape{2, 3, 3});  // ceil(6 / 2)
    CHECK(m.find("b")->out == TensorShape{2, 6, 6});  // (6 + 4 - 4 - 1) / 1 + 1
    CHECK(m.find("c")->out == TensorShape{4, 3, 3});  // ceil((6 - 3) / 2) + 1
    CHECK(m.find("d")->out == TensorShape{2, 6, 6});
    CHECK(m.find("d")->params == 2 * 4 * 3);
    CHECK(m.find("e")->out == TensorShape{4, 6, 6});
}

TEST_CASE("an input shape can be overridden", "[model]") {
    const Model m = parse_model(kSmall, "small.yaml", {InputOverride::parse("image=3x16x16")});
    CHECK(m.find("conv1")->out == TensorShape{16, 16, 16});
    CHECK(m.find("conv1")->macs == 16 * 16 * 16 * 27);
    CHECK_THROWS_AS(parse_model(kSmall, "small.yaml", {InputOverride::parse("pixels=3x16x16")}), ModelError);
    CHECK_THROWS_AS(InputOverride::parse("image=3x16"), ModelError);
    CHECK_THROWS_AS(InputOverride::parse("image=3x0x4"), ModelError);
    CHECK_THROWS_AS(InputOverride::parse("3x4x4"), ModelError);
}

TEST_CASE("bad models are refused naming the file, the layer and the field", "[model][validation]") {
    expect_error("layers: [\n", "malformed YAML");
    expect_error("format: planaria-model/2\nname: a\nkey: a\nsource: s\ninputs: []\nlayers: []\n", "format: must be planaria-model/1");
    expect_error(with_layers("  - {name: a, type: convolution, out_channels: 2, kernel: 3}\n"),
                 "unknown layer type 'convolution'");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: 2, kernel: 3, colour: red}\n"),
                 "layer 'a': colour: not a key of a conv layer");
    expect_error(with_layers("  - {name: a, type: conv, kernel: 3}\n"), "layer 'a': out_channels: missing");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: 2}\n"), "layer 'a': kernel: missing");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: -2, kernel: 3}\n"), "non-negative whole number");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: 2, kernel: 9}\n"), "layer 'a' (conv): a 9-wide window does not fit");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: 3, kernel: 1, groups: 2}\n"), "groups: 2 must divide");
    expect_error(with_layers("  - {name: a, type: relu, input: nowhere}\n"), "input: 'nowhere' is neither");
    expect_error(with_layers("  - {name: a, type: relu}\n  - {name: a, type: relu}\n"), "name: used twice");
    expect_error(with_layers("  - {name: a, type: conv, out_channels: 2, kernel: 1}\n  - {name: b, type: add, inputs: [a, x]}\n"),
                 "layer 'b' (add): inputs have different shapes");
    expect_error(with_layers("  - {name: a, type: lstm, hidden: 4}\n"), "is not a sequence");
    expect_error(with_layers("  - {type: relu}\n"), "layers[0]: name: missing");
    expect_error(with_layers("  - {name: a, type: relu, bias: maybe}\n"), "bias: not a key of a relu layer");
    expect_error(with_layers("  - {name: a, type: fc, out_features: 3, bias: maybe}\n"), "must be true or false");
    expect_error("format: planaria-model/1\nname: a\nkey: a\nsource: s\ninputs:\n  - {name: x, shape: [1, 2]}\nlayers: [{name: r, type: relu}]\n",
                 "inputs.shape: must be [C, H, W]");
    expect_error("format: planaria-model/1\nname: a\nkey: a\nsource: s\ninputs:\n  - {name: x, shape: [1, 2, 2]}\nlayers: []\n",
                 "layers: must list at least one layer");
    CHECK_THROWS_WITH(load_model_file("/nonexistent/model.yaml"), Catch::Contains("cannot open"));
}

TEST_CASE("errors name the line of the bad layer", "[model][validation]") {
    try {
        parse_model(with_layers("  - {name: a, type: relu}\n  - {name: b, type: conv, out_channels: 2, kernel: 3, pad: 1}\n"),
                    "lines.yaml");
        FAIL("accepted");
    } catch (const ModelError& e) {
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("lines.yaml:9: layer 'b': pad: not a key of a conv layer"));
    }
}

TEST_CASE("model sizes are checked in 64 bits and against the layer limits", "[model][reliability]") {
    const auto model = [](const std::string& input, const std::string& layer) {
        return "format: planaria-model/1\nname: big\nkey: big\nsource: test\ninputs:\n  - {name: x, shape: " + input +
               "}\nlayers:\n  - " + layer + "\n";
    };
    // 2^62 output channels: the parameter count wraps in 64 bits.
    CHECK_THROWS_WITH(parse_model(model("[64, 8, 8]", "{name: conv, type: conv, out_channels: 4611686018427387904, kernel: 3}"),
                                  "big.yaml"),
                      Catch::Contains("layer 'conv'") && Catch::Contains("overflows 64 bits"));
    // Within 64 bits but beyond the limits.
    CHECK_THROWS_WITH(parse_model(model("[65536, 1, 1]", "{name: fc, type: fc, out_features: 1048576}"), "big.yaml"),
                      Catch::Contains("parameters 68720525312 exceed the limit of 17179869184"));  // 2^36 weights + 2^20 biases
    CHECK_THROWS_WITH(parse_model(model("[4, 65536, 65536]", "{name: up, type: upsample, scale: 2}"), "big.yaml"),
                      Catch::Contains("input 'x'") && Catch::Contains("more than 1073741824 elements"));
    CHECK_THROWS_WITH(parse_model(model("[4, 16384, 16384]", "{name: up, type: upsample, scale: 2}"), "big.yaml"),
                      Catch::Contains("output elements 4294967296 exceed the limit"));
    // The largest that pass are computed exactly.
    const Model ok = parse_model(model("[1024, 1, 1]", "{name: fc, type: fc, out_features: 1000000}"), "ok.yaml");
    CHECK(ok.layers.front().params == 1024ull * 1000000 + 1000000);
}
