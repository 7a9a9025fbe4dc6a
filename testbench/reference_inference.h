#pragma once
// A plain C++ execution of a Model on int16 data: the golden reference the
// tile-level hardware model is compared against bit for bit. It knows nothing
// of the accelerator (no GEMM lowering, no tiling): direct nested loops over
// the layer definitions, with the number format of hw/isa/number_format.h.
//
// Also deterministic random parameters and inputs, portable across standard
// libraries (raw std::mt19937_64 draws mapped to ranges by hand).

#include <cstdint>
#include <vector>

#include "compiler/model.h"
#include "hw/isa/number_format.h"

namespace planaria {

/// A tensor in memory: int16, planar CHW order (numerics::index(shape, c, h, w)).
struct Tensor {
    TensorShape shape;
    std::vector<std::int16_t> data;
};

/// The parameters of one layer. Weight layouts (PyTorch-like, independent of
/// any GEMM lowering):
///  - Conv: weights[((co * cin_per_group + ci) * kh + ky) * kw + kx], with
///    cin_per_group = in.c / groups; output channel co belongs to group
///    co / (out_channels / groups) and reads input channels group * cin_per_group + ci.
///  - DepthwiseConv: weights[((c * multiplier + j) * kh + ky) * kw + kx]; output
///    channel c * multiplier + j reads input channel c.
///  - FullyConnected: weights[o * K + i], K = in.elements() and i the (CHW)
///    memory index of the input element, as PyTorch flattens; per_position:
///    K = in.c, the same matrix at every position.
///  - bias[co] (only if layer.bias) enters the accumulator at its scale:
///    the accumulator starts at bias << kFractionBits.
/// Both are empty for layers without weights (batch norm is folded into the
/// preceding layer at inference, so it has none here either).
struct LayerParameters {
    std::vector<std::int16_t> weights, bias;
};

/// One LayerParameters per model layer, in layer order.
struct ModelParameters {
    std::vector<LayerParameters> layers;
};

/// Weights uniform in [-r, r] with r = 256 * sqrt(3 / fan-in) (variance preserving,
/// at least 1), biases in [-256, 256]. Layer i's values depend
/// only on the seed, i and the layer itself, not on the other layers.
ModelParameters random_parameters(const Model& model, std::uint64_t seed);

/// One tensor per model input, values uniform in [-256, 256].
std::vector<Tensor> random_inputs(const Model& model, std::uint64_t seed);

/// Every layer's output, in layer order. Throws std::invalid_argument naming
/// the layer (name and type) for a layer type numerics::supported() refuses,
/// or for inputs/parameters of the wrong size (checked before any work).
/// Values saturate to `format` (give the chip's, numerics::NumberFormat{cfg.data.activation_bits},
/// to compare with a chip whose activations are narrower than 16 bits).
std::vector<Tensor> run_reference(const Model& model, const ModelParameters& params,
                                  const std::vector<Tensor>& inputs, const numerics::NumberFormat& format = {});

}  // namespace planaria
