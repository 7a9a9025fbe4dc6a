#pragma once
// The descriptor of one layer for a subarray's address generators: what the
// tile-level hardware needs, beyond the timed transfers of its instruction
// stream, to move real data (functional mode): where the layer's tensors and
// weights sit in the tenant's memory and in which order (hw/isa/number_format.h:
// int16, planar CHW), the window geometry of the im2col gather, the GEMM's tiling
// (to map the tiled addresses of loads and stores back to tensor elements)
// and the element-wise work fused into the write-back.
//
// It travels in the instruction stream (a Describe instruction followed by
// Data instructions), so it is fetched like any instruction and costs the
// same in functional and timing-only runs; a timing-only sequencer skips it.

#include <cstdint>
#include <vector>

#include "hw/isa/activation_window.h"
#include "hw/isa/instruction.h"
#include "hw/isa/layer_type.h"

namespace planaria {

struct LayerDescriptor {
    std::uint32_t layer = 0;
    std::uint32_t type = 0;                 ///< LayerType
    std::uint32_t position = 0, subarrays = 0;  ///< this subarray's place among the tenant's k
    std::uint32_t fused[4] = {0, 0, 0, 0};  ///< LayerType + 1 of the fused element-wise chain, 0: none
    // Tensors, relative to the tenant's data base; the weights of this GEMM,
    // relative to its weights base, in the blocked layout of
    // hw/isa/weight_layout.h, with a bias per output channel where `bias` is
    // non-zero.
    std::uint64_t input[4] = {0, 0, 0, 0}, output = 0, weights = 0, bias = 0;
    /// Non-zero: this subarray's block row fetches each channel's raw pixels
    /// once per M chunk and expands them for every k tile
    /// (compiler/activation_fetch.h); zero: every k tile fetches its own.
    std::uint32_t raw = 0;
    std::uint32_t inputs = 1;  ///< layer inputs (only the first four are described)
    static constexpr unsigned kMaxInputs = 4;
    std::uint32_t in_shape[4][3] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}};  ///< C, H, W
    std::uint32_t out_shape[3] = {1, 1, 1};
    // Window geometry (conv, depth-wise conv, pooling); upsampling scale.
    std::uint32_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    std::int32_t top = 0, left = 0;
    std::uint32_t groups = 1, multiplier = 1, per_position = 0, scale = 1;
    // The GEMM and its tiling. The activation and output transfers name their
    // tiles by tiled address: a coordinate from which the address generators
    // find the tile's data, or, for a layer the chip only times, where in the
    // scratch its traffic goes.
    std::uint64_t tiled_activations = 0, tiled_outputs = 0;
    std::uint32_t m = 0, k = 0, n = 0, instances = 0;
    std::uint32_t m_chunks = 0, n_tiles = 0, k_tiles = 0, max_vectors = 0, tile_rows = 0, tile_cols = 0;

    LayerType layer_type() const { return static_cast<LayerType>(type); }
    TensorShape in(unsigned i) const { return {in_shape[i][0], in_shape[i][1], in_shape[i][2]}; }
    TensorShape out() const { return {out_shape[0], out_shape[1], out_shape[2]}; }
    /// The windows a conv or depth-wise conv GEMM's rows read (not present for other layers).
    ActivationWindow window() const;
    /// The output channel of GEMM column `nn` of instance `inst` (a depth-wise
    /// channel's multiplier outputs; a group's output channels).
    std::uint64_t output_channel(std::uint64_t inst, std::uint64_t nn) const {
        return layer_type() == LayerType::DepthwiseConv ? inst * multiplier + nn : inst * n + nn;
    }

    /// A Describe instruction and the Data instructions carrying the bytes.
    std::vector<Instruction> encode() const;
    /// From the Data instructions that followed a Describe of `bytes` bytes;
    /// throws std::invalid_argument when they do not hold a descriptor.
    static LayerDescriptor decode(const std::vector<Instruction>& data, std::uint32_t bytes);

    template <typename F>
    void visit(F&& f) {
        f(layer), f(type), f(position), f(subarrays);
        for (auto& x : fused) f(x);
        for (auto& x : input) f(x);
        f(output), f(weights), f(bias), f(raw), f(inputs);
        for (auto& s : in_shape)
            for (auto& x : s) f(x);
        for (auto& x : out_shape) f(x);
        f(kh), f(kw), f(sh), f(sw), f(dh), f(dw), f(top), f(left), f(groups), f(multiplier), f(per_position), f(scale);
        f(tiled_activations), f(tiled_outputs);
        f(m), f(k), f(n), f(instances), f(m_chunks), f(n_tiles), f(k_tiles), f(max_vectors), f(tile_rows), f(tile_cols);
    }
};

constexpr unsigned kDataPayloadBytes = 15;

/// Whether a GEMM layer's activation loads and stores go where its tensors
/// lie (hw/sequencer/dma_runs.h: the layers computed functionally: conv,
/// depth-wise conv, FC); else they only time its traffic in the scratch.
bool transfers_generated(const LayerDescriptor& d);

}  // namespace planaria
