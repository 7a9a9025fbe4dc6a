#include "hw/isa/activation_window.h"

#include <algorithm>
#include <map>
#include <utility>

namespace planaria {

namespace {

using Intervals = ColumnIntervals;

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

/// Input columns the windows of output columns [a, b] touch under column
/// taps [lo, hi], in bounds.
Intervals columns(const ActivationWindow& w, std::int64_t a, std::int64_t b, std::int64_t lo, std::int64_t hi) {
    const std::int64_t width = std::int64_t(w.in_w), sw = w.sw, dw = w.dw;
    Intervals v;
    const auto add = [&](std::int64_t first, std::int64_t last) {
        first = std::max<std::int64_t>(first, 0), last = std::min(last, width - 1);
        if (first <= last) v.emplace_back(first, last);
    };
    if (dw == 1 && hi - lo + 1 >= sw) {
        add(a * sw - w.left + lo, b * sw - w.left + hi);  // the windows overlap or abut
    } else {
        for (std::int64_t kx = lo; kx <= hi; ++kx) {
            if (sw == 1) add(a - w.left + kx * dw, b - w.left + kx * dw);
            else
                for (std::int64_t ox = a; ox <= b; ++ox) add(ox * sw - w.left + kx * dw, ox * sw - w.left + kx * dw);
        }
    }
    return merged(std::move(v));
}

Intervals columns(const ActivationWindow& w, std::int64_t a, std::int64_t b) { return columns(w, a, b, 0, std::int64_t(w.kw) - 1); }

/// Output positions [p0, p1) as at most three row segments: a partial first
/// row, whole rows, a partial last row.
struct Segment {
    std::int64_t oy_lo, oy_hi, a, b;
};

std::vector<Segment> segments_of(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1) {
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
    return segments;
}

}  // namespace

std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1) {
    if (p1 <= p0) return 0;
    const std::vector<Segment> segments = segments_of(w, p0, p1);
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

std::vector<FootprintRow> window_footprint(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps) {
    std::vector<FootprintRow> out;
    if (p1 <= p0 || w.kw == 0 || taps.last < taps.first || taps.last >= w.taps()) return out;
    const std::vector<Segment> segments = segments_of(w, p0, p1);
    const unsigned ky0 = taps.first / w.kw, ky1 = taps.last / w.kw;
    std::map<std::int64_t, Intervals> rows;
    for (unsigned ky = ky0; ky <= ky1; ++ky) {
        const std::int64_t lo = ky == ky0 ? taps.first % w.kw : 0;
        const std::int64_t hi = ky == ky1 ? taps.last % w.kw : std::int64_t(w.kw) - 1;
        for (const Segment& s : segments) {
            const Intervals cols = columns(w, s.a, s.b, lo, hi);
            if (cols.empty()) continue;
            for (std::int64_t oy = s.oy_lo; oy <= s.oy_hi; ++oy) {
                const std::int64_t iy = oy * std::int64_t(w.sh) - w.top + std::int64_t(ky) * std::int64_t(w.dh);
                if (iy < 0 || iy >= std::int64_t(w.in_h)) continue;
                Intervals& row = rows[iy];
                row.insert(row.end(), cols.begin(), cols.end());
            }
        }
    }
    out.reserve(rows.size());
    for (auto& [iy, cols] : rows) out.push_back({iy, merged(std::move(cols))});
    return out;
}

std::uint64_t window_pixels(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps) {
    std::uint64_t n = 0;
    for (const FootprintRow& r : window_footprint(w, p0, p1, taps)) n += count(r.columns);
    return n;
}

std::vector<PlaneRun> window_runs(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps,
                                  std::uint64_t gap) {
    std::vector<PlaneRun> runs;
    for (const FootprintRow& r : window_footprint(w, p0, p1, taps))
        for (const auto& [x0, x1] : r.columns) {
            const std::uint64_t first = std::uint64_t(r.iy) * w.in_w + std::uint64_t(x0), end = first + std::uint64_t(x1 - x0 + 1);
            if (!runs.empty() && first <= runs.back().first + runs.back().count + gap) runs.back().count = end - runs.back().first;
            else runs.push_back({first, end - first});
        }
    return runs;
}

std::uint64_t window_fetch(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps, std::uint64_t gap) {
    std::uint64_t n = 0;
    for (const PlaneRun& r : window_runs(w, p0, p1, taps, gap)) n += r.count;
    return n;
}

bool channel_taps(std::uint64_t channels, std::uint64_t channel, std::uint64_t k0, std::uint64_t rows, TapRange& taps) {
    if (channels == 0 || rows == 0 || channel >= channels) return false;
    const std::uint64_t first = k0 + (channel + channels - k0 % channels) % channels;
    const std::uint64_t end = k0 + rows - 1;
    if (first > end) return false;
    const std::uint64_t last = end - (end % channels + channels - channel) % channels;
    taps = {unsigned(first / channels), unsigned(last / channels)};
    return true;
}

}  // namespace planaria
