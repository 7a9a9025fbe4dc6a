#include "testbench/reference_inference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "compiler/window.h"
#include "hw/isa/number_format.h"

namespace planaria {

namespace {

using numerics::index;

// ---------------------------------------------------------------------------
// Errors and the parameter counts every layer expects.
// ---------------------------------------------------------------------------

[[noreturn]] void refuse(const Layer& l, const std::string& what) {
    throw std::invalid_argument("layer '" + l.name + "' (" + to_string(l.type) + "): " + what);
}

bool has_weights(LayerType t) {
    return t == LayerType::Conv || t == LayerType::DepthwiseConv || t == LayerType::FullyConnected;
}

std::uint64_t weight_count(const Layer& l) {
    const TensorShape in = l.in.front();
    switch (l.type) {
        case LayerType::Conv: return l.out_channels * (in.c / l.groups) * l.kh * l.kw;
        case LayerType::DepthwiseConv: return in.c * l.multiplier * l.kh * l.kw;
        case LayerType::FullyConnected: return l.out_channels * (l.per_position ? in.c : in.elements());
        default: return 0;
    }
}

// One bias per output channel, for conv, depthwise conv and fc alike.
std::uint64_t bias_count(const Layer& l) { return has_weights(l.type) && l.bias ? l.out.c : 0; }

// ---------------------------------------------------------------------------
// Randomness: raw mt19937_64 draws mapped by hand, because
// std::uniform_int_distribution differs between standard libraries. The
// modulo's bias is negligible for these small ranges.
// ---------------------------------------------------------------------------

class Draws {
public:
    explicit Draws(std::uint64_t seed) : engine_(seed) {}
    std::int16_t uniform(std::int64_t lo, std::int64_t hi) {
        return std::int16_t(lo + std::int64_t(engine_() % std::uint64_t(hi - lo + 1)));
    }
    std::vector<std::int16_t> uniform(std::uint64_t n, std::int64_t lo, std::int64_t hi) {
        std::vector<std::int16_t> v(n);
        for (auto& x : v) x = uniform(lo, hi);
        return v;
    }

private:
    std::mt19937_64 engine_;
};

// Independent streams per layer and per input: the seed mixed with the index
// by different odd constants, so that layer k and input k do not share values.
std::uint64_t layer_seed(std::uint64_t seed, std::size_t i) { return seed ^ ((i + 1) * 0x9E3779B97F4A7C15ull); }
std::uint64_t input_seed(std::uint64_t seed, std::size_t k) { return seed ^ ((k + 1) * 0xC2B2AE3D27D4EB4Full); }

// ---------------------------------------------------------------------------
// Checks, all before any work: a wrong call fails at once, not after minutes.
// ---------------------------------------------------------------------------

void check_inputs(const Model& m, const std::vector<Tensor>& inputs) {
    if (inputs.size() != m.inputs.size())
        throw std::invalid_argument(std::to_string(inputs.size()) + " input tensors given, model '" + m.name +
                                    "' has " + std::to_string(m.inputs.size()) + " inputs");
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const Tensor& t = inputs[k];
        const ModelInput& expected = m.inputs[k];
        if (!(t.shape == expected.shape) || t.data.size() != expected.shape.elements())
            throw std::invalid_argument("input '" + expected.name + "': tensor " + t.shape.str() + " with " +
                                        std::to_string(t.data.size()) + " values given, expects " +
                                        expected.shape.str());
    }
}

void check_layer(const Model& m, std::size_t i, const LayerParameters& p) {
    const Layer& l = m.layers[i];
    if (!numerics::supported(l.type)) refuse(l, "not supported by the reference execution");
    if (l.inputs.empty() || l.inputs.size() != l.in.size()) refuse(l, "shapes not inferred (call infer)");
    for (const int source : l.inputs)
        if (source >= int(i) || (source < 0 && std::size_t(-1 - source) >= m.inputs.size()))
            refuse(l, "input " + std::to_string(source) + " is neither an earlier layer nor a model input");
    if (p.weights.size() != weight_count(l))
        refuse(l, std::to_string(p.weights.size()) + " weights given, expects " + std::to_string(weight_count(l)));
    if (p.bias.size() != bias_count(l))
        refuse(l, std::to_string(p.bias.size()) + " biases given, expects " + std::to_string(bias_count(l)));
}

// ---------------------------------------------------------------------------
// The layers. Each takes its operands (shapes as inferred) and returns its output.
// ---------------------------------------------------------------------------

Tensor zeros(const TensorShape& shape) { return {shape, std::vector<std::int16_t>(shape.elements(), 0)}; }

// Input coordinate of window tap k at output coordinate o; may fall in the padding.
std::int64_t tap(std::uint64_t o, unsigned stride, std::int64_t before, unsigned k, unsigned dilation) {
    return std::int64_t(o * stride) - before + std::int64_t(k) * dilation;
}
bool inside(std::int64_t v, std::uint64_t extent) { return v >= 0 && std::uint64_t(v) < extent; }

// Accumulator start: the bias at the accumulator's scale (a multiplication,
// since shifting a negative value left is undefined before C++20).
std::int64_t bias_start(const Layer& l, const LayerParameters& p, std::uint64_t o) {
    return l.bias ? std::int64_t(p.bias[o]) * numerics::kOne : 0;
}

// Grouped convolution. A depthwise conv is the case groups = in.c: one input
// channel per group, and its weight layout ((c * multiplier + j) * kh + ky) * kw + kx
// is the conv layout with co = c * multiplier + j and cin_per_group = 1.
Tensor convolve(const numerics::NumberFormat& f, const Layer& l, const Tensor& in, const LayerParameters& p, std::uint64_t groups) {
    Tensor out = zeros(l.out);
    const numerics::WindowOrigin origin = numerics::window_origin(l);
    const std::uint64_t cin = in.shape.c / groups, cout = l.out.c / groups;
    for (std::uint64_t oy = 0; oy < l.out.h; ++oy)
        for (std::uint64_t ox = 0; ox < l.out.w; ++ox)
            for (std::uint64_t co = 0; co < l.out.c; ++co) {
                const std::uint64_t first = co / cout * cin;  // first input channel of co's group
                const std::int16_t* w = &p.weights[co * cin * l.kh * l.kw];
                std::int64_t acc = bias_start(l, p, co);
                for (std::uint64_t ci = 0; ci < cin; ++ci)
                    for (unsigned ky = 0; ky < l.kh; ++ky) {
                        const std::int64_t iy = tap(oy, l.sh, origin.top, ky, l.dh);
                        if (!inside(iy, in.shape.h)) continue;
                        for (unsigned kx = 0; kx < l.kw; ++kx) {
                            const std::int64_t ix = tap(ox, l.sw, origin.left, kx, l.dw);
                            if (!inside(ix, in.shape.w)) continue;
                            acc += std::int64_t(in.data[index(in.shape, first + ci, iy, ix)]) *
                                   w[(ci * l.kh + ky) * l.kw + kx];
                        }
                    }
                out.data[index(l.out, co, oy, ox)] = f.requantize(acc);
            }
    return out;
}

// Flattened: one matrix-vector product over the whole tensor in memory order
// (CHW, as PyTorch flattens NCHW). Per position: over the C values of every
// position, into the C outputs of that position.
Tensor fully_connected(const numerics::NumberFormat& f, const Layer& l, const Tensor& in, const LayerParameters& p) {
    Tensor out = zeros(l.out);
    const std::uint64_t k = l.per_position ? in.shape.c : in.shape.elements();
    const std::uint64_t positions = in.shape.elements() / k;
    std::vector<std::int16_t> x(k);
    for (std::uint64_t pos = 0; pos < positions; ++pos) {
        const std::uint64_t y = l.per_position ? pos / in.shape.w : 0, xw = l.per_position ? pos % in.shape.w : 0;
        for (std::uint64_t i = 0; i < k; ++i) x[i] = l.per_position ? in.data[index(in.shape, i, y, xw)] : in.data[i];
        for (std::uint64_t o = 0; o < l.out_channels; ++o) {
            const std::int16_t* w = &p.weights[o * k];
            std::int64_t acc = bias_start(l, p, o);
            for (std::uint64_t i = 0; i < k; ++i) acc += std::int64_t(x[i]) * w[i];
            out.data[l.per_position ? index(l.out, o, y, xw) : o] = f.requantize(acc);
        }
    }
    return out;
}

// Max or average over the window taps inside the input: padding is neither a
// candidate for the maximum nor counted in the average.
Tensor pool(const numerics::NumberFormat& f, const Layer& l, const Tensor& in) {
    Tensor out = zeros(l.out);
    const numerics::WindowOrigin origin = numerics::window_origin(l);
    for (std::uint64_t oy = 0; oy < l.out.h; ++oy)
        for (std::uint64_t ox = 0; ox < l.out.w; ++ox)
            for (std::uint64_t c = 0; c < l.out.c; ++c) {
                std::int64_t sum = 0, count = 0;
                std::int16_t top = std::numeric_limits<std::int16_t>::min();
                for (unsigned ky = 0; ky < l.kh; ++ky)
                    for (unsigned kx = 0; kx < l.kw; ++kx) {
                        const std::int64_t iy = tap(oy, l.sh, origin.top, ky, 1), ix = tap(ox, l.sw, origin.left, kx, 1);
                        if (!inside(iy, in.shape.h) || !inside(ix, in.shape.w)) continue;
                        const std::int16_t v = in.data[index(in.shape, c, iy, ix)];
                        sum += v;
                        top = std::max(top, v);
                        ++count;
                    }
                // Shape inference drops windows wholly in the padding; 0 should one remain.
                if (count == 0) continue;
                out.data[index(l.out, c, oy, ox)] =
                    l.type == LayerType::MaxPool ? top : f.average(sum, count);
            }
    return out;
}

Tensor global_average(const numerics::NumberFormat& f, const Layer& l, const Tensor& in) {
    Tensor out = zeros(l.out);
    const std::uint64_t positions = in.shape.h * in.shape.w;
    for (std::uint64_t c = 0; c < in.shape.c; ++c) {
        std::int64_t sum = 0;
        for (std::uint64_t pos = 0; pos < positions; ++pos)
            sum += in.data[index(in.shape, c, pos / in.shape.w, pos % in.shape.w)];
        out.data[c] = f.average(sum, std::int64_t(positions));
    }
    return out;
}

Tensor add(const numerics::NumberFormat& f, const Layer& l, const Tensor& a, const Tensor& b) {
    Tensor out = zeros(l.out);
    for (std::size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = f.saturate(std::int64_t(a.data[i]) + b.data[i]);
    return out;
}

// b is a's shape or [C, 1, 1] (squeeze-and-excitation): the broadcast reads
// b at the channel of element i.
Tensor multiply(const numerics::NumberFormat& f, const Layer& l, const Tensor& a, const Tensor& b) {
    Tensor out = zeros(l.out);
    const bool broadcast = !(b.shape == a.shape);
    for (std::size_t i = 0; i < out.data.size(); ++i) {
        const std::int16_t y = b.data[broadcast ? numerics::coordinates(a.shape, i).c : i];
        out.data[i] = f.requantize(std::int64_t(a.data[i]) * y);
    }
    return out;
}

// Along channels: the operands' channels one after another.
Tensor concat(const Layer& l, const std::vector<const Tensor*>& parts) {
    Tensor out = zeros(l.out);
    std::uint64_t first = 0;
    for (const Tensor* t : parts) {
        for (std::uint64_t c = 0; c < t->shape.c; ++c)
            for (std::uint64_t y = 0; y < l.out.h; ++y)
                for (std::uint64_t x = 0; x < l.out.w; ++x)
                    out.data[index(l.out, first + c, y, x)] = t->data[index(t->shape, c, y, x)];
        first += t->shape.c;
    }
    return out;
}

Tensor upsample(const Layer& l, const Tensor& in) {
    Tensor out = zeros(l.out);
    for (std::uint64_t y = 0; y < l.out.h; ++y)
        for (std::uint64_t x = 0; x < l.out.w; ++x)
            for (std::uint64_t c = 0; c < l.out.c; ++c)
                out.data[index(l.out, c, y, x)] = in.data[index(in.shape, c, y / l.scale, x / l.scale)];
    return out;
}

// Over the C channel values of every position (a plane apart in memory).
Tensor softmax(const numerics::NumberFormat& f, const Layer& l, const Tensor& in) {
    Tensor out = zeros(l.out);
    const std::uint64_t plane = in.shape.h * in.shape.w;
    for (std::uint64_t pos = 0; pos < plane; ++pos) f.softmax(&in.data[pos], &out.data[pos], in.shape.c, plane);
    return out;
}

Tensor elementwise(const numerics::NumberFormat& f, const Layer& l, const Tensor& in) {
    Tensor out = zeros(l.out);
    for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = f.elementwise(l.type, in.data[i]);
    return out;
}

Tensor run_layer(const numerics::NumberFormat& f, const Layer& l, const std::vector<const Tensor*>& x, const LayerParameters& p) {
    const Tensor& in = *x.front();
    switch (l.type) {
        case LayerType::Conv: return convolve(f, l, in, p, l.groups);
        case LayerType::DepthwiseConv: return convolve(f, l, in, p, in.shape.c);
        case LayerType::FullyConnected: return fully_connected(f, l, in, p);
        case LayerType::MaxPool: case LayerType::AvgPool: return pool(f, l, in);
        case LayerType::GlobalAvgPool: return global_average(f, l, in);
        case LayerType::Add: return add(f, l, in, *x[1]);
        case LayerType::Mul: return multiply(f, l, in, *x[1]);
        case LayerType::Concat: return concat(l, x);
        case LayerType::Upsample: return upsample(l, in);
        case LayerType::Flatten: return {l.out, in.data};  // HWC memory order is the flattened order
        case LayerType::Softmax: return softmax(f, l, in);
        case LayerType::BatchNorm: case LayerType::Relu: case LayerType::Relu6: case LayerType::LeakyRelu:
        case LayerType::Sigmoid: case LayerType::Swish: case LayerType::Tanh:
            return elementwise(f, l, in);
        default: refuse(l, "not supported by the reference execution");
    }
}

}  // namespace

ModelParameters random_parameters(const Model& model, std::uint64_t seed) {
    ModelParameters params;
    params.layers.resize(model.layers.size());
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        if (!has_weights(l.type) || l.in.empty()) continue;
        Draws draws(layer_seed(seed, i));
        // Variance-preserving range (fan-in scaled): the signal neither dies out
        // nor saturates through deep models, so the comparison sees real values.
        const std::int64_t fan_in = std::int64_t(weight_count(l) / std::max<std::uint64_t>(l.out.c, 1));
        const std::int64_t range =
            std::max<std::int64_t>(1, std::llround(numerics::kOne * std::sqrt(3.0 / double(std::max<std::int64_t>(fan_in, 1)))));
        params.layers[i].weights = draws.uniform(weight_count(l), -range, range);
        params.layers[i].bias = draws.uniform(bias_count(l), -256, 256);
    }
    return params;
}

std::vector<Tensor> random_inputs(const Model& model, std::uint64_t seed) {
    std::vector<Tensor> inputs;
    for (std::size_t k = 0; k < model.inputs.size(); ++k) {
        const TensorShape shape = model.inputs[k].shape;
        Draws draws(input_seed(seed, k));
        inputs.push_back({shape, draws.uniform(shape.elements(), -256, 256)});
    }
    return inputs;
}

std::vector<Tensor> run_reference(const Model& model, const ModelParameters& params,
                                  const std::vector<Tensor>& inputs, const numerics::NumberFormat& format) {
    if (params.layers.size() != model.layers.size())
        throw std::invalid_argument("parameters for " + std::to_string(params.layers.size()) + " layers given, model '" +
                                    model.name + "' has " + std::to_string(model.layers.size()));
    check_inputs(model, inputs);
    for (std::size_t i = 0; i < model.layers.size(); ++i) check_layer(model, i, params.layers[i]);

    std::vector<Tensor> outputs;
    outputs.reserve(model.layers.size());
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        std::vector<const Tensor*> operands;
        for (std::size_t j = 0; j < l.inputs.size(); ++j) {
            const int source = l.inputs[j];
            const Tensor* t = source >= 0 ? &outputs[std::size_t(source)] : &inputs[std::size_t(-1 - source)];
            // The kernels index by the inferred shapes; a model edited after infer() would overrun.
            if (!(t->shape == l.in[j])) refuse(l, "operand " + t->shape.str() + " is not the inferred " + l.in[j].str());
            operands.push_back(t);
        }
        outputs.push_back(run_layer(format, l, operands, params.layers[i]));
    }
    return outputs;
}

}  // namespace planaria
