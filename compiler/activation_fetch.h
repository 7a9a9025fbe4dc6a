#pragma once
// How a convolution's activations come from off-chip memory: the raw input
// tile with its halo, once, expanded into im2col rows on chip by the Pod
// Memory's address generators, instead of every im2col row fetched again.
//
// A block row of a logical array holds the same reduction rows in every k
// tile it takes part in, so its activation buffer sees the same few channels
// under every tap: for an M chunk it fetches, the first time a channel
// appears among its rows, the input pixels the chunk's windows touch for
// that channel (hw/isa/activation_window.h: in runs that read through small
// gaps), and later k tiles of the same channel expand the pixels already in
// the buffer. When a block row's channels for the chunk's pixels do not fit
// half of its activation buffer (the other half is the next tile's), every
// k tile fetches the pixels its own reduction rows touch: per channel, those
// of the taps the tile holds of it. Either way a pixel is fetched at most
// once per load, and padding never.
//
// The compiler's program and its cost model both take their activation
// bytes from here; the DMA engine's address generator (hw/sequencer/dma_runs.h)
// moves exactly these bytes (a test checks both against each other).

#include <cstdint>
#include <map>
#include <vector>

#include "hw/isa/activation_window.h"

namespace planaria {

/// The activation bytes of every load of one GEMM on one array shape.
class ActivationFetch {
public:
    /// `k`: the reduction length; `tile_rows`: rows of a k tile (the array's
    /// PE rows); `rows`: a subarray's PE rows; `block_rows`: subarrays along
    /// the reduction; `m`, `chunks`: positions and their even split into M
    /// chunks; `buffer_bytes`: one activation buffer; `gap`: the pixels the DMA
    /// reads through between two row segments (window_runs). `shared`: the block rows share
    /// raw pixels (a channel's pixels are fetched once for the array, by the
    /// first block row that needs them) instead of each fetching those of its
    /// own rows: a what-if of the configuration tables, not Planaria's
    /// hardware (the chip does not run it).
    ActivationFetch(const ActivationWindow& window, std::uint64_t k, std::uint64_t tile_rows, unsigned rows,
                    unsigned block_rows, std::uint64_t m, std::uint64_t chunks, std::uint64_t buffer_bytes,
                    std::uint64_t gap, bool shared = false);

    /// Bytes block row `r` loads for k tile `kt` of chunk `chunk` of GEMM instance `instance`.
    std::uint64_t load_bytes(unsigned r, std::uint64_t kt, std::uint64_t chunk, std::uint64_t instance = 0) const;
    /// Bytes block row `r` loads for all k tiles of chunk `chunk`.
    std::uint64_t chunk_bytes(unsigned r, std::uint64_t chunk, std::uint64_t instance = 0) const;
    /// Whether block row `r` expands its chunk's raw pixels on chip.
    bool raw(unsigned r) const { return raw_.at(r); }
    /// Reduction rows block row `r` holds, over all k tiles.
    std::uint64_t reduction_rows(unsigned r) const { return reduction_rows_.at(r); }
    std::uint64_t chunk_size(std::uint64_t chunk) const { return m_ * (chunk + 1) / chunks_ - m_ * chunk / chunks_; }
    /// Whether every block row's loads of chunks `a` and `b` move the same
    /// bytes (the same for every block row, so that the members of an array
    /// cut their loops over chunks alike).
    bool same_loads(std::uint64_t a, std::uint64_t b) const;

private:
    /// Channels a load fetches under the same taps: all instances', and the
    /// last instance's where it has fewer channels.
    struct Group {
        TapRange taps;
        std::uint64_t channels = 0, last_instance_channels = 0;
    };
    /// Reduction rows of block row `r` in k tile `kt`.
    std::uint64_t rows_of(unsigned r, std::uint64_t kt) const;
    std::uint64_t bytes_of(const std::vector<Group>& groups, std::uint64_t chunk, std::uint64_t instance) const;
    static void add(std::vector<Group>& groups, TapRange taps, std::uint64_t channels, std::uint64_t last_instance_channels);

    std::uint64_t k_, tile_rows_, m_, chunks_;
    unsigned rows_;
    bool windows_ = false;
    std::uint64_t last_instance_ = ~0ull;                ///< the instance with fewer channels, if any
    std::map<TapRange, std::vector<std::uint64_t>> range_pixels_;  ///< pixels fetched per channel: per tap range, per chunk
    std::vector<bool> raw_;                              ///< per block row
    std::vector<std::vector<std::vector<Group>>> loads_; ///< [r][kt]: what the load fetches
    std::vector<std::vector<Group>> chunk_loads_;        ///< [r]: over all k tiles
    std::vector<std::uint64_t> reduction_rows_;          ///< per block row: its rows over all k tiles
};

}  // namespace planaria
