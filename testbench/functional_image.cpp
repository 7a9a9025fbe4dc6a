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

}  // namespace

FunctionalImage functional_image(const Model& model, const ModelParameters& params, const std::vector<Tensor>& inputs) {
    const std::vector<LayerWork> work = lower(model);
    FunctionalImage image;
    image.layout = layout_data(model, work);
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
        image.blocks.push_back({image.layout.weights[i], gemm_weights(l, g, p.weights)});
        if (image.layout.bias[i]) {
            if (p.bias.size() != l.out.c)
                throw std::invalid_argument(model.key + ": layer '" + l.name + "' has the wrong number of biases");
            image.blocks.push_back({image.layout.bias[i], p.bias});
        }
    }
    return image;
}

}  // namespace planaria
