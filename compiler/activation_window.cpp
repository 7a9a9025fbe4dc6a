#include "compiler/activation_window.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

using Intervals = std::vector<std::pair<std::int64_t, std::int64_t>>;  // closed, sorted, disjoint

Intervals merged(Intervals v) {
    std::sort(v.begin(), v.end());
    Intervals out;
    for (const auto& i : v) {
        if (!out.empty() && i.first <= out.back().second + 1) out.back().second = std::max(out.back().second, i.second);
        else out.push_back(i);
    }
    return out;
}

std::uint64_t count(const Intervals& v) {
    std::uint64_t n = 0;
    for (const auto& i : v) n += std::uint64_t(i.second - i.first + 1);
    return n;
}

/// Input columns the windows of output columns [a, b] touch, in bounds.
Intervals columns(const ActivationWindow& w, std::int64_t a, std::int64_t b) {
    const std::int64_t width = std::int64_t(w.in_w), sw = w.sw, dw = w.dw;
    Intervals v;
    const auto add = [&](std::int64_t lo, std::int64_t hi) {
        lo = std::max<std::int64_t>(lo, 0), hi = std::min(hi, width - 1);
        if (lo <= hi) v.emplace_back(lo, hi);
    };
    if (dw == 1 && std::int64_t(w.kw) >= sw) {
        add(a * sw - w.left, b * sw - w.left + std::int64_t(w.kw) - 1);  // the windows overlap or abut
    } else {
        for (std::int64_t kx = 0; kx < std::int64_t(w.kw); ++kx) {
            if (sw == 1) add(a - w.left + kx * dw, b - w.left + kx * dw);
            else
                for (std::int64_t ox = a; ox <= b; ++ox) add(ox * sw - w.left + kx * dw, ox * sw - w.left + kx * dw);
        }
    }
    return merged(std::move(v));
}

}  // namespace

std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1) {
    if (p1 <= p0) return 0;
    // The positions form at most three row segments: a partial first row,
    // whole rows, a partial last row.
    struct Segment {
        std::int64_t oy_lo, oy_hi, a, b;
    };
    const std::int64_t out_w = std::int64_t(w.out_w);
    const std::int64_t y0 = std::int64_t(p0) / out_w, x0 = std::int64_t(p0) % out_w;
    const std::int64_t y1 = std::int64_t(p1 - 1) / out_w, x1 = std::int64_t(p1 - 1) % out_w;
    std::vector<Segment> segments;
    if (y0 == y1) {
        segments.push_back({y0, y0, x0, x1});
    } else {
        segments.push_back({y0, y0, x0, out_w - 1});
        if (y1 > y0 + 1) segments.push_back({y0 + 1, y1 - 1, 0, out_w - 1});
        segments.push_back({y1, y1, 0, x1});
    }
    // Which segments touch each input row.
    std::map<std::int64_t, unsigned> touched;
    for (std::size_t s = 0; s < segments.size(); ++s)
        for (std::int64_t oy = segments[s].oy_lo; oy <= segments[s].oy_hi; ++oy)
            for (std::int64_t ky = 0; ky < std::int64_t(w.kh); ++ky) {
                const std::int64_t iy = oy * std::int64_t(w.sh) - w.top + ky * std::int64_t(w.dh);
                if (iy >= 0 && iy < std::int64_t(w.in_h)) touched[iy] |= 1u << s;
            }
    std::vector<Intervals> cols;
    for (const Segment& s : segments) cols.push_back(columns(w, s.a, s.b));
    std::uint64_t by_mask[8] = {};
    bool known[8] = {};
    std::uint64_t pixels = 0;
    for (const auto& [iy, mask] : touched) {
        if (!known[mask]) {
            Intervals u;
            for (std::size_t s = 0; s < segments.size(); ++s)
                if (mask >> s & 1) u.insert(u.end(), cols[s].begin(), cols[s].end());
            by_mask[mask] = count(merged(std::move(u)));
            known[mask] = true;
        }
        pixels += by_mask[mask];
    }
    return pixels;
}

ActivationFetch::ActivationFetch(const ActivationWindow& window, std::uint64_t k, std::uint64_t tile_rows, unsigned rows,
                                 unsigned block_rows, std::uint64_t m, std::uint64_t chunks, std::uint64_t buffer_bytes,
                                 bool shared)
    : k_(k), tile_rows_(tile_rows), m_(m), chunks_(chunks), rows_(rows), raw_(block_rows, false),
      new_channels_(block_rows), channels_(block_rows, 0), reduction_rows_(block_rows, 0) {
    const std::uint64_t nk = (k + tile_rows - 1) / tile_rows;
    for (unsigned r = 0; r < block_rows; ++r)
        for (std::uint64_t kt = 0; kt < nk; ++kt) reduction_rows_[r] += rows_of(r, kt);
    if (!window.present || chunks == 0) return;
    if (window.channels == 0 || window.out_w == 0) throw std::invalid_argument("activation window without channels or width");
    std::uint64_t most = 0;
    for (std::uint64_t c = 0; c < chunks; ++c) {
        pixels_.push_back(window_pixels(window, m * c / chunks, m * (c + 1) / chunks));
        most = std::max(most, pixels_.back());
    }
    // A channel's pixels are fetched by the first k tile whose rows use it:
    // per block row, or once for the array when the block rows share them.
    std::vector<std::vector<bool>> seen(shared ? 1 : block_rows, std::vector<bool>(window.channels, false));
    for (unsigned r = 0; r < block_rows; ++r) new_channels_[r].assign(nk, 0);
    for (std::uint64_t kt = 0; kt < nk; ++kt)
        for (unsigned r = 0; r < block_rows; ++r) {
            std::vector<bool>& mine = seen[shared ? 0 : r];
            const std::uint64_t first = kt * tile_rows + std::uint64_t(r) * rows;
            for (std::uint64_t kk = first; kk < first + rows_of(r, kt); ++kk) {
                const std::uint64_t channel = kk % window.channels;
                if (!mine[channel]) mine[channel] = true, ++new_channels_[r][kt], ++channels_[r];
            }
        }
    // Raw pixels, expanded on chip, when the block row's channels of the
    // largest chunk fit half its buffer and move fewer bytes than im2col rows
    // (shared: the array's channels, over all its entry subarrays' buffers).
    const auto fits = [&](std::uint64_t channels, std::uint64_t rows, std::uint64_t buffers) {
        const std::uint64_t raw_bytes = channels * most * 2;
        const std::uint64_t im2col_bytes = rows * ((m + chunks - 1) / chunks) * 2;
        return raw_bytes <= buffers * buffer_bytes / 2 && raw_bytes < im2col_bytes;
    };
    std::uint64_t all_channels = 0, all_rows = 0;
    for (unsigned r = 0; r < block_rows; ++r) all_channels += channels_[r], all_rows += reduction_rows_[r];
    for (unsigned r = 0; r < block_rows; ++r)
        raw_[r] = shared ? fits(all_channels, all_rows, block_rows) : fits(channels_[r], reduction_rows_[r], 1);
}

std::uint64_t ActivationFetch::rows_of(unsigned r, std::uint64_t kt) const {
    return block_extent(std::min(tile_rows_, k_ - kt * tile_rows_), r, rows_);
}

std::uint64_t ActivationFetch::load_bytes(unsigned r, std::uint64_t kt, std::uint64_t chunk) const {
    if (raw_.at(r)) return new_channels_[r].at(kt) * pixels_.at(chunk) * 2;
    return chunk_size(chunk) * rows_of(r, kt) * 2;
}

std::uint64_t ActivationFetch::chunk_bytes(unsigned r, std::uint64_t chunk) const {
    if (raw_.at(r)) return channels_[r] * pixels_.at(chunk) * 2;
    return chunk_size(chunk) * reduction_rows_.at(r) * 2;
}

}  // namespace planaria
