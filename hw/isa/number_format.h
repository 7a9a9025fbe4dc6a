#pragma once
// The project's number format and the element-wise functions of the SIMD
// unit, defined once: the tile-level model in functional mode and the plain
// reference execution (testbench/reference_inference.h) both follow it, so an
// inference's outputs can be compared bit for bit.
//
//  - activations and weights are 16-bit fixed point with kFractionBits
//    fractional bits (Q7.8): 1.0 is 256;
//  - a GEMM accumulates exact products in a wide accumulator (bias first, at
//    the accumulator's scale, 2^kFractionBits times the activation scale) and
//    requantises once at the end: round half up, shift by kFractionBits,
//    saturate to the activation width (NumberFormat; hw/simd/simd_segment.h,
//    SimdOp::Requantize);
//  - batch normalisation is folded into the preceding layer's weights at
//    inference, so as a layer it passes values through;
//  - transcendental functions (sigmoid, tanh, swish, softmax) are evaluated in
//    double precision and rounded to nearest: deterministic on one platform.
//
// Tensors live in memory as int16 in HWC order (channel fastest):
// element (c, h, w) of a [C, H, W] tensor is at index (h * W + w) * C + c.

#include <cstdint>

#include "hw/isa/layer_type.h"

namespace planaria::numerics {

constexpr unsigned kFractionBits = 8;
constexpr std::int32_t kOne = 1 << kFractionBits;

/// Whether functional execution knows `t` (throws nothing; the others are
/// refused with a clear error by whoever runs the model functionally).
bool supported(LayerType t);

/// The number format of one chip: signed values of `activation_bits` bits
/// (data.activation_bits of the architecture, at most 16, held in int16
/// words) with kFractionBits fractional bits. Every saturation of the
/// project goes through it: the SIMD segments, the functional tile level and
/// the reference execution, so the three agree at any width.
struct NumberFormat {
    unsigned activation_bits = 16;

    std::int64_t max() const { return (std::int64_t(1) << (activation_bits - 1)) - 1; }
    std::int64_t min() const { return -max() - 1; }
    std::int16_t saturate(std::int64_t v) const;
    /// Round half up, arithmetic shift right by `shift`, saturate.
    std::int16_t requantize(std::int64_t accumulator, unsigned shift = kFractionBits) const;
    /// sum / count rounded half up (count > 0), saturated.
    std::int16_t average(std::int64_t sum, std::int64_t count) const;
    /// A one-input element-wise layer (relu, relu6, leaky relu, sigmoid,
    /// swish, tanh, batch norm) on one value.
    std::int16_t elementwise(LayerType t, std::int16_t x) const;
    /// A GEMM's write-back after its last k tile: requantise `accumulator`,
    /// then apply the fused element-wise chain (`fused`: LayerType + 1 each, 0: none).
    std::int16_t write_back(std::int64_t accumulator, const std::uint32_t (&fused)[4]) const;
    /// The fused chain alone, on an activation.
    std::int16_t fused_chain(std::int16_t x, const std::uint32_t (&fused)[4]) const;
    /// Softmax over `n` values at `in` (stride `stride`), written to `out` at the same stride.
    void softmax(const std::int16_t* in, std::int16_t* out, std::uint64_t n, std::uint64_t stride) const;
};

/// Index of element (c, h, w) in a tensor of `shape`. Tensors are planar
/// (CHW, as PyTorch and ONNX hold NCHW data): each channel's H x W plane is
/// contiguous, so a channel's pixels along a row, a row after another, and a
/// channel after another are runs of consecutive addresses for the DMA.
inline std::uint64_t index(const TensorShape& shape, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
    return (c * shape.h + h) * shape.w + w;
}

/// The element at memory index `e` of a tensor of `shape`: the inverse of index().
struct Coordinates {
    std::uint64_t c, h, w;
};
inline Coordinates coordinates(const TensorShape& shape, std::uint64_t e) {
    const std::uint64_t plane = shape.h * shape.w;
    return {e / plane, e % plane / shape.w, e % shape.w};
}


}  // namespace planaria::numerics
