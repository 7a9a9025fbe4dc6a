#pragma once
// The DMA engine's address generators: where in the tenant's memory a
// transfer's bytes lie, as runs of consecutive addresses in the order the
// bytes travel. The timed transactions go to these addresses in every run
// (functional or timing only, so both take the same time on any memory);
// in a functional run they carry the data.
//
// A GEMM layer's activation loads fetch the input pixels of its tiles and
// its stores put its output tiles into the planar output tensor; a SIMD
// layer's share loads the operands its outputs read and stores its results
// where the output tensor holds them. Only the layers the chip does not
// compute functionally (LSTM, attention, embedding, detection) still address
// the compiler's tiled ranges, which only time their traffic.

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "hw/isa/dma_run.h"
#include "hw/isa/layer_descriptor.h"
#include "hw/isa/simd_share.h"

namespace planaria {

/// This subarray's block in its logical array, and the subarray's size.
struct BlockPosition {
    unsigned row = 0, col = 0;    ///< block row and column in the logical array
    unsigned rows = 0, cols = 0;  ///< PE rows and columns of one subarray
};

/// The tile an activation load's tiled address names.
struct ActivationTile {
    std::uint64_t instance = 0, chunk = 0, k_tile = 0;
};
std::optional<ActivationTile> activation_tile(const LayerDescriptor& d, std::uint64_t tiled);

/// The window footprints (window_runs) one layer's loads read, kept while
/// the layer runs: its chunks' k tiles meet the same few tap ranges again
/// and again. Cleared when the layer's descriptor changes.
class FootprintCache {
public:
    const std::vector<PlaneRun>& runs(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps,
                                      std::uint64_t gap);
    void clear() { runs_.clear(); }

private:
    using Key = std::tuple<std::uint64_t, std::uint64_t, unsigned, unsigned, std::uint64_t>;
    std::map<Key, std::vector<PlaneRun>> runs_;
};

/// The elements the LoadActivations of tile `t` by the subarray at `at`
/// fetches, in memory order (compiler/activation_fetch.h): per channel, the
/// pixels its windows touch, in runs that read through gaps of at most `gap`
/// pixels (raw: the channels its block row meets first in this k tile, under
/// all taps; else every channel of the tile's rows, under the taps the rows
/// hold of it); an FC layer's rows over the chunk's positions. Appended to
/// `spans`. `cache`: the layer's footprints computed so far (or none).
void activation_spans(const LayerDescriptor& d, const BlockPosition& at, const ActivationTile& t, std::uint64_t gap,
                      std::vector<PixelSpan>& spans, FootprintCache* cache = nullptr);
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
