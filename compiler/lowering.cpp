#include "compiler/lowering.h"

#include "compiler/window.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace planaria {

namespace {

constexpr std::uint64_t kValueBytes = 2;  // 16-bit activations and weights

bool is_fusable(LayerType t) {
    switch (t) {
        case LayerType::BatchNorm: case LayerType::Relu: case LayerType::Relu6: case LayerType::LeakyRelu:
        case LayerType::Sigmoid: case LayerType::Swish: case LayerType::Tanh:
            return true;
        default:
            return false;
    }
}

/// The windows a convolution's GEMM rows read from its input.
ActivationWindow window_of(const Layer& l, std::uint64_t channels) {
    const numerics::WindowOrigin o = numerics::window_origin(l);
    ActivationWindow w;
    w.present = true;
    w.in_h = l.in.front().h, w.in_w = l.in.front().w, w.channels = channels, w.out_w = l.out.w;
    w.kh = l.kh, w.kw = l.kw, w.sh = l.sh, w.sw = l.sw, w.dh = l.dh, w.dw = l.dw;
    w.top = o.top, w.left = o.left;
    return w;
}

std::uint64_t input_bytes(const Layer& l) {
    std::uint64_t b = 0;
    for (const auto& s : l.in) b += s.elements() * kValueBytes;
    return b;
}

}  // namespace

const char* to_string(DepthwiseMapping m) { return m == DepthwiseMapping::Column ? "column" : "block-diagonal"; }

DepthwiseMapping parse_depthwise_mapping(const std::string& text) {
    if (text == "column") return DepthwiseMapping::Column;
    if (text == "block-diagonal") return DepthwiseMapping::BlockDiagonal;
    throw std::invalid_argument("depth-wise mapping '" + text + "': expected column or block-diagonal");
}

std::vector<LayerWork> lower(const Model& model, const LoweringOptions& options) {
    std::vector<LayerWork> out;
    out.reserve(model.layers.size());
    // How many layers read each layer's output: a fused layer must be the only reader.
    std::vector<unsigned> readers(model.layers.size(), 0);
    for (const auto& l : model.layers)
        for (int i : l.inputs)
            if (i >= 0) ++readers[std::size_t(i)];

    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        LayerWork w;
        w.layer = i;
        w.simd_ops = l.simd_ops;
        const TensorShape in = l.in.front();
        switch (l.type) {
            case LayerType::Conv:
                w.gemms.push_back({l.out.h * l.out.w, in.c / l.groups * l.kh * l.kw, l.out_channels / l.groups,
                                   l.groups, 1, false, window_of(l, in.c / l.groups)});
                break;
            case LayerType::DepthwiseConv: {
                const std::uint64_t taps = std::uint64_t(l.kh) * l.kw;
                // Channels per pass: one, or as many as the array's rows hold taps and its columns outputs.
                std::uint64_t p = 1;
                if (options.depthwise == DepthwiseMapping::BlockDiagonal && options.array_rows && options.array_cols)
                    p = std::max<std::uint64_t>(1, std::min({in.c, options.array_rows / taps,
                                                             options.array_cols / std::uint64_t(l.multiplier)}));
                GemmWork g{l.out.h * l.out.w, taps * p, std::uint64_t(l.multiplier) * p, (in.c + p - 1) / p, 1, false,
                           window_of(l, p)};
                if (in.c % p) g.window.input_channels = in.c;  // the last pass packs fewer channels
                g.packed = p;
                if (p > 1) g.useful_macs = g.m * taps * l.multiplier * in.c;
                w.gemms.push_back(g);
                break;
            }
            case LayerType::FullyConnected:
                w.gemms.push_back({l.per_position ? in.h * in.w : 1, l.per_position ? in.c : in.elements(),
                                   l.out_channels, 1, 1, false});
                break;
            case LayerType::Lstm: {
                // The input projection W_x x_t does not depend on the recurrence: one GEMM
                // over all steps (M = steps, one instance per direction), as LSTM inference
                // runs on accelerators and in cuDNN, so its weights stream once; only
                // W_h h_(t-1) runs step by step (the directions one after the other).
                const std::uint64_t directions = l.bidirectional ? 2 : 1;
                w.gemms.push_back({in.w, in.c, 4 * l.hidden, directions, 1, false});
                w.gemms.push_back({1, l.hidden, 4 * l.hidden, 1, in.w * directions, false});
                break;
            }
            case LayerType::Attention: {
                const TensorShape q = l.in[0], mem = l.in[1];
                const std::uint64_t units = l.units ? l.units : q.c;
                w.gemms.push_back({mem.w, mem.c, units, 1, 1, false});  // memory projection
                w.gemms.push_back({q.w, q.c, units, 1, 1, false});      // query projection
                w.gemms.push_back({q.w, units, mem.w, 1, 1, true});     // scores
                w.gemms.push_back({q.w, mem.w, mem.c, 1, 1, true});     // context
                break;
            }
            default:
                break;
        }
        // A layer's bias comes with its (first) GEMM's weights; an attention
        // layer's parameters beyond its projections stay with the SIMD segments.
        if (l.bias && l.type != LayerType::Attention && !w.gemms.empty()) w.gemms.front().bias = true;
        // Fusion: element-wise work straight after a GEMM layer (or a chain of
        // fused layers) that nobody else reads.
        if (is_fusable(l.type) && i > 0 && l.inputs.size() == 1 && l.inputs.front() == int(i - 1) &&
            readers[i - 1] == 1 && (out.back().has_gemm() || out.back().fused)) {
            w.fused = true;
        } else {
            w.input_bytes = l.type == LayerType::Embedding ? in.elements() * kValueBytes : input_bytes(l);
            w.output_bytes = l.out.elements() * kValueBytes;
            w.weight_bytes = l.params * kValueBytes;
            // A lookup reads one row of the table per token, not the table.
            if (l.type == LayerType::Embedding) w.weight_bytes = l.out.elements() * kValueBytes;
        }
        // The fused chain writes its output instead of the GEMM layer.
        if (w.fused) {
            LayerWork* producer = &out.back();
            for (std::size_t j = out.size(); j-- > 0 && out[j].fused;) producer = &out[j - 1];
            producer->output_bytes = l.out.elements() * kValueBytes;
            producer->weight_bytes += l.params * kValueBytes;  // batch-norm scale and shift for the SIMD unit
        }
        out.push_back(std::move(w));
    }
    return out;
}

std::uint64_t compulsory_bytes(const LayerWork& work) {
    if (work.fused) return 0;
    std::uint64_t inputs = work.input_bytes;
    bool windows = !work.gemms.empty();
    for (const GemmWork& g : work.gemms) windows = windows && g.window.present;
    if (windows) {
        inputs = 0;
        for (const GemmWork& g : work.gemms)
            inputs += window_pixels(g.window, 0, g.m) * g.window.channels * g.instances * kValueBytes;
    }
    return inputs + work.output_bytes + work.weight_bytes;
}

}  // namespace planaria
