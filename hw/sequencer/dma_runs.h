#pragma once
// The DMA engine's address generators: where in the tenant's memory a
// transfer's bytes lie, as runs of consecutive addresses in the order the
// bytes travel. The timed transactions go to these addresses in every run
// (functional or timing only, so both take the same time on any memory);
// in a functional run they carry the data.
//
// So far: a GEMM layer's activation loads (the input pixels of its tiles)
// and stores (its output tiles into the planar output tensor). The SIMD
// layers' transfers still address the compiler's tiled ranges; their data
// moves beside them (hw/sequencer/tile_buffers.h).

#include <cstdint>
#include <optional>
#include <vector>

#include "hw/isa/layer_descriptor.h"

namespace planaria {

/// This subarray's block in its logical array, and the subarray's size.
struct BlockPosition {
    unsigned row = 0, col = 0;    ///< block row and column in the logical array
    unsigned rows = 0, cols = 0;  ///< PE rows and columns of one subarray
};

struct DmaRun {
    std::uint64_t offset = 0;  ///< relative to the data base
    std::uint64_t bytes = 0;
};

/// Whether the layer's activation loads and stores go through the generators
/// below (the GEMM layers computed functionally: conv, depth-wise conv, FC).
bool transfers_generated(const LayerDescriptor& d);

/// `count` consecutive elements of one channel's plane of the input tensor
/// (a flattened FC input is one plane), from element `first` of the plane.
struct PixelSpan {
    std::uint64_t channel = 0;  ///< within the GEMM instance: the activation buffer's plane
    std::uint64_t first = 0, count = 0;
};

/// The tile an activation load's tiled address names.
struct ActivationTile {
    std::uint64_t instance = 0, chunk = 0, k_tile = 0;
};
std::optional<ActivationTile> activation_tile(const LayerDescriptor& d, std::uint64_t tiled);

/// The elements the LoadActivations of tile `t` by the subarray at `at`
/// fetches, in memory order (compiler/activation_fetch.h): per channel, the
/// pixels its windows touch, in runs that read through gaps of at most `gap`
/// pixels (raw: the channels its block row meets first in this k tile, under
/// all taps; else every channel of the tile's rows, under the taps the rows
/// hold of it); an FC layer's rows over the chunk's positions. Appended to
/// `spans`.
void activation_spans(const LayerDescriptor& d, const BlockPosition& at, const ActivationTile& t, std::uint64_t gap,
                      std::vector<PixelSpan>& spans);
/// Where the spans lie in memory, adjacent ones merged.
std::vector<DmaRun> activation_runs(const LayerDescriptor& d, const ActivationTile& t, const std::vector<PixelSpan>& spans);

/// The Store of `bytes` at the tiled output address `tiled` by the subarray
/// at `at`: its output block (vectors x columns) written column by column,
/// each column (one output channel) a run over consecutive positions of the
/// channel's plane; adjacent runs merged. The block's bytes travel column
/// major: element (v, j) at j * vectors + v. Empty when the store is not one
/// of the layer's output blocks of this subarray.
std::vector<DmaRun> store_runs(const LayerDescriptor& d, std::uint64_t tiled, std::uint64_t bytes, const BlockPosition& at);

}  // namespace planaria

namespace planaria {

/// Whether a SIMD layer's loads and stores go through the generators below
/// (every layer without a GEMM the chip computes functionally).
bool simd_generated(const LayerDescriptor& d);

/// This subarray's share of a SIMD layer (`d.position` of `d.subarrays`):
/// elements [first, end) of the flattened output; for softmax, which
/// normalises a position over its channels, positions [first, end) of every
/// channel.
struct SimdShare {
    std::uint64_t first = 0, end = 0;
};
SimdShare simd_share(const LayerDescriptor& d);

/// The operands the share reads, in memory order: spans of input j's
/// flattened elements (PixelSpan::channel = j), joined through gaps of at
/// most `gap` elements. Appended to `spans`.
void simd_operand_spans(const LayerDescriptor& d, std::uint64_t gap, std::vector<PixelSpan>& spans);
/// Where those spans lie in memory, adjacent ones merged.
std::vector<DmaRun> simd_operand_runs(const LayerDescriptor& d, const std::vector<PixelSpan>& spans);
/// Where the share's results go, in the order the SIMD segment produces
/// them (element order; softmax: channel by channel).
std::vector<DmaRun> simd_result_runs(const LayerDescriptor& d);

}  // namespace planaria
