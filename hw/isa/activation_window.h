#pragma once
// The sliding windows a convolution's GEMM rows read, and the input pixels
// they touch: the hw/sw contract of activation loads. The compiler counts a
// load's bytes from here (compiler/activation_fetch.h), and the DMA engine's
// address generator turns the same pixels into the load's transactions
// (hw/sequencer/dma_runs.h), so the program, the configuration tables and
// the bus move the same bytes.
//
// A convolution's GEMM rows are output positions and its reduction index is
// tap-major (k = tap * channels + channel, tap = ky * kw + kx). The pixels a
// set of positions and taps touch are, per input row, a few intervals of
// columns: in bounds only (padding is not in memory), and each pixel once.
// In a planar tensor a channel's rows follow each other, so the DMA fetches
// them as runs of consecutive pixels, reading through a gap of a few pixels
// (between the column segments of a row, or from the end of one row to the
// start of the next) rather than starting a new transaction: a load is then
// about one transaction per channel, not one per row segment.

#include <cstdint>
#include <utility>
#include <vector>

namespace planaria {

/// The sliding windows whose pixels a GEMM's rows read (conv, depth-wise conv).
struct ActivationWindow {
    bool present = false;       ///< false: the rows are read as they are (FC, LSTM, attention)
    std::uint64_t in_h = 0, in_w = 0;
    std::uint64_t channels = 1; ///< input channels of one GEMM instance (1 for depth-wise)
    std::uint64_t out_w = 1;    ///< output positions per row
    /// The input's channels where the last instance holds fewer than
    /// `channels` (depth-wise channels packed block-diagonally), else 0.
    std::uint64_t input_channels = 0;
    unsigned kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    std::int64_t top = 0, left = 0;  ///< padding before the first row and column

    unsigned taps() const { return kh * kw; }
};

/// Taps [first, last] of a window, in tap-major order (tap = ky * kw + kx).
struct TapRange {
    unsigned first = 0, last = 0;
    bool operator==(const TapRange& o) const { return first == o.first && last == o.last; }
    bool operator<(const TapRange& o) const { return first != o.first ? first < o.first : last < o.last; }
};

/// Closed intervals of input columns, sorted and disjoint.
using ColumnIntervals = std::vector<std::pair<std::int64_t, std::int64_t>>;

/// One input row a set of windows touches, with the columns it touches there.
struct FootprintRow {
    std::int64_t iy = 0;
    ColumnIntervals columns;
};

/// The input pixels the windows of output positions [p0, p1) touch under
/// taps `taps`, in bounds, row by row in memory order.
std::vector<FootprintRow> window_footprint(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps);

/// A run of consecutive pixels of one channel's plane (index iy * in_w + ix).
struct PlaneRun {
    std::uint64_t first = 0, count = 0;
};
/// The runs in which the DMA fetches the pixels the windows of output
/// positions [p0, p1) touch under taps `taps`, in memory order: the
/// footprint's segments, joined where at most `gap` pixels lie between them.
std::vector<PlaneRun> window_runs(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps,
                                  std::uint64_t gap);
/// The pixels those runs hold.
std::uint64_t window_fetch(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps, std::uint64_t gap);

/// Distinct in-bounds input pixels the windows of output positions [p0, p1)
/// touch (all taps): what a layer reads at the least.
std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1);
/// The same under taps `taps` only.
std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps);

/// The taps of reduction rows [k0, k0 + rows) that read channel `channel` of
/// `channels` (tap-major rows); false when none does.
bool channel_taps(std::uint64_t channels, std::uint64_t channel, std::uint64_t k0, std::uint64_t rows, TapRange& taps);

}  // namespace planaria
