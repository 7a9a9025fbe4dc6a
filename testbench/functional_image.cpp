#include "testbench/functional_image.h"

#include <stdexcept>

#include "compiler/lowering.h"
#include "hw/isa/layer_descriptor.h"
#include "hw/isa/number_format.h"

namespace planaria {

namespace {

/// W[inst][k][n] of one GEMM layer from its conceptual weights.
std::vector<std::int16_t> gemm_weights(const Layer& l, const GemmWork& g, const std::vector<std::int16_t>& w) {
    std::vector<std::int16_t> m(g.instances * g.k * g.n, 0);
    const auto at = [&](std::uint64_t inst, std::uint64_t k, std::uint64_t n) -> std::int16_t& {
        return m[(inst * g.k + k) * g.n + n];
    };
    const std::uint64_t taps = std::uint64_t(l.kh) * l.kw;
    for (std::uint64_t inst = 0; inst < g.instances; ++inst)
        for (std::uint64_t k = 0; k < g.k; ++k)
            for (std::uint64_t n = 0; n < g.n; ++n) {
                switch (l.type) {
                    case LayerType::Conv: {
                        const std::uint64_t cin = g.k / taps, tap = k / cin, ci = k % cin, co = inst * g.n + n;
                        at(inst, k, n) = w[(co * cin + ci) * taps + tap];
                        break;
                    }
                    case LayerType::DepthwiseConv:
                        at(inst, k, n) = w[(inst * l.multiplier + n) * taps + k];
                        break;
                    default:  // fully connected: weights[o * K + i]
                        at(inst, k, n) = w[n * g.k + k];
                        break;
                }
            }
    return m;
}

/// The layer's weights (W[inst][k][n]) and bias in the blocked layout the weight loads read.
std::vector<std::int16_t> blocked(const Layer& l, const GemmWork& g, const WeightLayout& layout,
                                  const std::vector<std::int16_t>& w, const std::vector<std::int16_t>& bias) {
    std::vector<std::int16_t> out(layout.bytes() / 2, 0);
    const std::uint64_t rows = layout.block_rows(0), cols = layout.block_cols(0);
    for (std::uint64_t inst = 0; inst < g.instances; ++inst)
        for (std::uint64_t n0 = 0; n0 < g.n; n0 += cols) {
            const std::uint64_t nc = layout.block_cols(n0);
            if (g.bias)
                for (std::uint64_t j = 0; j < nc; ++j) {
                    // Output channel of GEMM column n0 + j (depth-wise: a channel's multiplier outputs).
                    const std::uint64_t co = l.type == LayerType::DepthwiseConv ? inst * l.multiplier + n0 + j
                                                                                 : inst * g.n + n0 + j;
                    out[layout.bias(inst, n0) / 2 + j] = bias.at(co);
                }
            for (std::uint64_t k0 = 0; k0 < g.k; k0 += rows) {
                const std::uint64_t at = layout.block(inst, k0, n0) / 2;
                for (std::uint64_t r = 0; r < layout.block_rows(k0); ++r)
                    for (std::uint64_t j = 0; j < nc; ++j) out[at + r * nc + j] = w[(inst * g.k + k0 + r) * g.n + n0 + j];
            }
        }
    return out;
}

}  // namespace

FunctionalImage functional_image(const Model& model, const ModelParameters& params, const std::vector<Tensor>& inputs,
                                 const ArchConfig& cfg) {
    const unsigned rows = cfg.subarray.rows, cols = cfg.subarray.cols;
    const std::vector<LayerWork> work = lower(model);
    FunctionalImage image;
    image.layout = layout_data(model, work, rows, cols);
    if (params.layers.size() != model.layers.size())
        throw std::invalid_argument(model.key + ": parameters for " + std::to_string(params.layers.size()) +
                                    " layers, the model has " + std::to_string(model.layers.size()));
    if (inputs.size() != model.inputs.size())
        throw std::invalid_argument(model.key + ": " + std::to_string(inputs.size()) + " inputs given, the model takes " +
                                    std::to_string(model.inputs.size()));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].data.size() != model.inputs[i].shape.elements())
            throw std::invalid_argument(model.key + ": input '" + model.inputs[i].name + "' has the wrong size");
        image.blocks.push_back({image.layout.inputs[i], inputs[i].data});
    }
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        if (!numerics::supported(l.type) || (l.type == LayerType::Concat && l.inputs.size() > LayerDescriptor::kMaxInputs))
            throw std::invalid_argument(model.key + ": layer '" + l.name + "' (" + to_string(l.type) +
                                        ") cannot run functionally");
        if (work[i].gemms.empty()) continue;
        const GemmWork& g = work[i].gemms.front();
        const LayerParameters& p = params.layers[i];
        if (p.weights.size() != g.k * g.n * g.instances)
            throw std::invalid_argument(model.key + ": layer '" + l.name + "' has " + std::to_string(p.weights.size()) +
                                        " weights, expected " + std::to_string(g.k * g.n * g.instances));
        if (g.bias && p.bias.size() != l.out.c)
            throw std::invalid_argument(model.key + ": layer '" + l.name + "' has the wrong number of biases");
        image.blocks.push_back({image.layout.weights[i],
                                blocked(l, g, weight_layout(work[i], 0, rows, cols), gemm_weights(l, g, p.weights), p.bias),
                                MemoryBlock::Region::Weights});
    }
    return image;
}

}  // namespace planaria
