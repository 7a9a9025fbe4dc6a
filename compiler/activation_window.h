#pragma once
// How a convolution's activations come from off-chip memory: the raw input
// tile with its halo, once, expanded into im2col rows on chip by the Pod
// Memory's address generators, instead of every im2col row fetched again.
//
// A convolution's GEMM rows are output positions and its reduction index is
// tap-major (k = tap * channels + channel, tap = ky * kw + kx). A block row of
// a logical array holds the same reduction rows in every k tile it takes part
// in, so its activation buffer sees the same few channels under every tap:
// for an M chunk it fetches, the first time a channel appears among its rows,
// the input pixels the chunk's windows touch (in bounds: padding is not in
// memory) for that channel, and later k tiles of the same channel expand the
// pixels already in the buffer. When a block row's channels for the chunk's
// pixels do not fit half of its activation buffer (the other half is the
// next tile's), every k tile fetches its im2col rows as before.
//
// The compiler's program and its cost model both take their activation
// bytes from here, so the chip and the configuration table move the same.

#include <cstdint>
#include <vector>

namespace planaria {

/// The sliding windows whose pixels a GEMM's rows read (conv, depth-wise conv).
struct ActivationWindow {
    bool present = false;       ///< false: the rows are read as they are (FC, LSTM, attention)
    std::uint64_t in_h = 0, in_w = 0;
    std::uint64_t channels = 1; ///< input channels of one GEMM instance (1 for depth-wise)
    std::uint64_t out_w = 1;    ///< output positions per row
    unsigned kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    std::int64_t top = 0, left = 0;  ///< padding before the first row and column
};

/// Distinct in-bounds input pixels the windows of output positions [p0, p1) touch.
std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1);

/// The activation bytes of every load of one GEMM on one array shape.
class ActivationFetch {
public:
    /// `k`: the reduction length; `tile_rows`: rows of a k tile (the array's
    /// PE rows); `rows`: a subarray's PE rows; `block_rows`: subarrays along
    /// the reduction; `m`, `chunks`: positions and their even split into M
    /// chunks; `buffer_bytes`: one activation buffer. `shared`: the block
    /// rows share raw pixels (a channel's pixels are fetched once for the
    /// array, by the first block row that needs them) instead of each
    /// fetching those of its own rows: a what-if, not Planaria's hardware.
    ActivationFetch(const ActivationWindow& window, std::uint64_t k, std::uint64_t tile_rows, unsigned rows,
                    unsigned block_rows, std::uint64_t m, std::uint64_t chunks, std::uint64_t buffer_bytes,
                    bool shared = false);

    /// Bytes block row `r` loads for k tile `kt` of chunk `chunk`.
    std::uint64_t load_bytes(unsigned r, std::uint64_t kt, std::uint64_t chunk) const;
    /// Bytes block row `r` loads for all k tiles of chunk `chunk`.
    std::uint64_t chunk_bytes(unsigned r, std::uint64_t chunk) const;
    /// Whether block row `r` expands its chunk's raw pixels on chip.
    bool raw(unsigned r) const { return raw_.at(r); }
    /// Reduction rows block row `r` holds, over all k tiles.
    std::uint64_t reduction_rows(unsigned r) const { return reduction_rows_.at(r); }
    std::uint64_t chunk_size(std::uint64_t chunk) const { return m_ * (chunk + 1) / chunks_ - m_ * chunk / chunks_; }
    std::uint64_t chunk_pixels(std::uint64_t chunk) const { return pixels_.empty() ? 0 : pixels_.at(chunk); }

private:
    /// Reduction rows of block row `r` in k tile `kt`.
    std::uint64_t rows_of(unsigned r, std::uint64_t kt) const;

    std::uint64_t k_, tile_rows_, m_, chunks_;
    unsigned rows_;
    std::vector<std::uint64_t> pixels_;                  ///< per chunk (windows only)
    std::vector<bool> raw_;                              ///< per block row
    std::vector<std::vector<std::uint64_t>> new_channels_;  ///< [r][kt]: channels first seen there
    std::vector<std::uint64_t> channels_;                ///< per block row: all its channels
    std::vector<std::uint64_t> reduction_rows_;          ///< per block row: its rows over all k tiles
};

}  // namespace planaria
