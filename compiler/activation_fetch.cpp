#include "compiler/activation_fetch.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <stdexcept>

#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

/// window_fetch, remembered: the cost model builds an ActivationFetch for
/// every layer on every configuration it weighs, and they ask again and
/// again for the same windows and chunks.
std::uint64_t cached_fetch(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1, TapRange taps, std::uint64_t gap) {
    using Key = std::array<std::int64_t, 16>;
    thread_local std::map<Key, std::uint64_t> cache;
    const Key key{std::int64_t(w.in_h), std::int64_t(w.in_w), std::int64_t(w.out_w), w.kh, w.kw, w.sh, w.sw, w.dh, w.dw,
                  w.top, w.left, std::int64_t(p0), std::int64_t(p1), taps.first, taps.last, std::int64_t(gap)};
    const auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    if (cache.size() > (1u << 20)) cache.clear();  // bounded: a long sweep meets many shapes
    return cache[key] = window_fetch(w, p0, p1, taps, gap);
}

}  // namespace

ActivationFetch::ActivationFetch(const ActivationWindow& window, std::uint64_t k, std::uint64_t tile_rows, unsigned rows,
                                 unsigned block_rows, std::uint64_t m, std::uint64_t chunks, std::uint64_t buffer_bytes,
                                 std::uint64_t gap, bool shared)
    : k_(k), tile_rows_(tile_rows), m_(m), chunks_(chunks), rows_(rows), raw_(block_rows, false), loads_(block_rows),
      chunk_loads_(block_rows), reduction_rows_(block_rows, 0) {
    const std::uint64_t nk = (k + tile_rows - 1) / tile_rows;
    for (unsigned r = 0; r < block_rows; ++r) {
        loads_[r].resize(nk);
        for (std::uint64_t kt = 0; kt < nk; ++kt) reduction_rows_[r] += rows_of(r, kt);
    }
    if (!window.present || chunks == 0) return;
    if (window.channels == 0 || window.out_w == 0 || window.kw == 0 || window.kh == 0)
        throw std::invalid_argument("activation window without channels, width or taps");
    windows_ = true;
    const std::uint64_t channels = window.channels;
    // The last instance of a packed depth-wise layer may hold fewer channels.
    const std::uint64_t tail = window.input_channels % channels;
    if (window.input_channels && tail) last_instance_ = window.input_channels / channels;
    const auto in_last_instance = [&](std::uint64_t channel) { return last_instance_ == ~0ull || channel < tail; };
    // The pixels a load fetches of one channel: the runs the chunk's windows touch under some taps.
    const auto fetched = [&](TapRange taps) {
        std::vector<std::uint64_t>& px = range_pixels_[taps];
        if (px.empty())
            for (std::uint64_t c = 0; c < chunks; ++c)
                px.push_back(cached_fetch(window, m * c / chunks, m * (c + 1) / chunks, taps, gap));
    };
    const TapRange all_taps{0, window.taps() - 1};
    fetched(all_taps);
    const std::uint64_t most = *std::max_element(range_pixels_[all_taps].begin(), range_pixels_[all_taps].end());
    // The channels each block row holds over all k tiles.
    std::vector<std::uint64_t> held(block_rows, 0);
    for (unsigned r = 0; r < block_rows; ++r) {
        std::vector<bool> seen(channels, false);
        for (std::uint64_t kt = 0; kt < nk; ++kt) {
            const std::uint64_t first = kt * tile_rows + std::uint64_t(r) * rows;
            for (std::uint64_t kk = first; kk < first + rows_of(r, kt) && held[r] < channels; ++kk)
                if (!seen[kk % channels]) seen[kk % channels] = true, ++held[r];
        }
    }
    // Raw pixels, expanded on chip, when the block row's channels of the
    // largest chunk fit half its buffer and move fewer bytes than im2col rows
    // (shared: the array's channels, over all its entry subarrays' buffers).
    const auto fits = [&](std::uint64_t held_channels, std::uint64_t reduction, std::uint64_t buffers) {
        const std::uint64_t raw_bytes = held_channels * most * 2;
        const std::uint64_t im2col_bytes = reduction * ((m + chunks - 1) / chunks) * 2;
        return raw_bytes <= buffers * buffer_bytes / 2 && raw_bytes < im2col_bytes;
    };
    // Shared, the array holds each of the reduction's channels once.
    const std::uint64_t all_channels = std::min(k, channels);
    std::uint64_t all_rows = 0;
    for (unsigned r = 0; r < block_rows; ++r) all_rows += reduction_rows_[r];
    for (unsigned r = 0; r < block_rows; ++r)
        raw_[r] = shared ? fits(all_channels, all_rows, block_rows) : fits(held[r], reduction_rows_[r], 1);
    // What each load fetches. Raw: a channel's pixels under all taps, by the
    // first k tile whose rows use it (per block row, or once for the array
    // when the block rows share them). Otherwise: per channel of the k
    // tile's rows, the pixels of the taps the rows hold of it.
    std::vector<std::vector<bool>> seen(shared ? 1 : block_rows, std::vector<bool>(channels, false));
    std::vector<std::uint64_t> known(seen.size(), 0);
    for (std::uint64_t kt = 0; kt < nk; ++kt) {
        if (shared && !raw_[0]) {
            // Shared: the tile's channels under the taps of all its rows, each
            // by the first block row whose rows use it.
            const std::uint64_t first = kt * tile_rows, n = std::min(tile_rows, k - first);
            for (std::uint64_t i = 0; i < std::min(n, channels); ++i) {
                const std::uint64_t channel = (first + i) % channels;
                TapRange taps;
                if (channel_taps(channels, channel, first, n, taps))
                    add(loads_[std::min<std::uint64_t>(i / rows, block_rows - 1)][kt], taps, 1,
                        in_last_instance(channel) ? 1 : 0);
            }
            continue;
        }
        for (unsigned r = 0; r < block_rows; ++r) {
            const std::uint64_t first = kt * tile_rows + std::uint64_t(r) * rows, n = rows_of(r, kt);
            if (raw_[r]) {
                std::vector<bool>& mine = seen[shared ? 0 : r];
                std::uint64_t& count = known[shared ? 0 : r];
                for (std::uint64_t kk = first; kk < first + n && count < channels; ++kk) {
                    const std::uint64_t channel = kk % channels;
                    if (!mine[channel])
                        mine[channel] = true, ++count, add(loads_[r][kt], all_taps, 1, in_last_instance(channel) ? 1 : 0);
                }
                continue;
            }
            if (n == 0) continue;
            // Rows [first, first + n) hold channel c under taps t0..t1: the
            // channels fall into at most three ranges with the same taps.
            const std::uint64_t last = first + n - 1;
            const std::uint64_t ta = first / channels, ca = first % channels, tb = last / channels, cb = last % channels;
            std::uint64_t cuts[] = {0, ca, cb + 1, channels};
            std::sort(std::begin(cuts), std::end(cuts));
            for (unsigned i = 0; i + 1 < 4; ++i) {
                const std::uint64_t lo = cuts[i], hi = cuts[i + 1];
                if (lo >= hi) continue;
                const std::int64_t t0 = std::int64_t(lo >= ca ? ta : ta + 1), t1 = std::int64_t(lo <= cb ? tb : tb - 1);
                if (t1 < t0) continue;  // no row of these channels
                const std::uint64_t in_last = last_instance_ == ~0ull ? hi - lo : (tail > lo ? std::min(hi, tail) - lo : 0);
                add(loads_[r][kt], {unsigned(t0), unsigned(t1)}, hi - lo, in_last);
            }
        }
    }
    for (unsigned r = 0; r < block_rows; ++r)
        for (const std::vector<Group>& load : loads_[r])
            for (const Group& g : load) {
                auto it = std::find_if(chunk_loads_[r].begin(), chunk_loads_[r].end(),
                                       [&](const Group& x) { return x.taps == g.taps; });
                if (it == chunk_loads_[r].end()) it = chunk_loads_[r].insert(it, Group{g.taps, 0, 0});
                it->channels += g.channels, it->last_instance_channels += g.last_instance_channels;
                fetched(g.taps);
            }
}

bool ActivationFetch::same_loads(std::uint64_t a, std::uint64_t b) const {
    if (chunk_size(a) != chunk_size(b)) return false;
    for (const auto& [taps, pixels] : range_pixels_)
        if (pixels.at(a) != pixels.at(b)) return false;
    return true;
}

void ActivationFetch::add(std::vector<Group>& groups, TapRange taps, std::uint64_t channels,
                          std::uint64_t last_instance_channels) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.taps == taps; });
    if (it == groups.end()) it = groups.insert(it, Group{taps, 0, 0});
    it->channels += channels;
    it->last_instance_channels += last_instance_channels;
}

std::uint64_t ActivationFetch::rows_of(unsigned r, std::uint64_t kt) const {
    return block_extent(std::min(tile_rows_, k_ - kt * tile_rows_), r, rows_);
}

std::uint64_t ActivationFetch::bytes_of(const std::vector<Group>& groups, std::uint64_t chunk, std::uint64_t instance) const {
    std::uint64_t pixels = 0;
    for (const Group& g : groups)
        pixels += (instance == last_instance_ ? g.last_instance_channels : g.channels) * range_pixels_.at(g.taps).at(chunk);
    return pixels * 2;
}

std::uint64_t ActivationFetch::load_bytes(unsigned r, std::uint64_t kt, std::uint64_t chunk, std::uint64_t instance) const {
    if (!windows_) return chunk_size(chunk) * rows_of(r, kt) * 2;
    return bytes_of(loads_.at(r).at(kt), chunk, instance);
}

std::uint64_t ActivationFetch::chunk_bytes(unsigned r, std::uint64_t chunk, std::uint64_t instance) const {
    if (!windows_) return chunk_size(chunk) * reduction_rows_.at(r) * 2;
    return bytes_of(chunk_loads_.at(r), chunk, instance);
}

}  // namespace planaria
