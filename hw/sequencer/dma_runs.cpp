#include "hw/sequencer/dma_runs.h"

#include <algorithm>
#include <utility>

#include "hw/isa/number_format.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

constexpr std::uint64_t kValue = 2;  // bytes of an int16 element

/// Offset of element `first` of plane `channel` of GEMM instance `instance`'s input.
std::uint64_t plane_offset(const LayerDescriptor& d, std::uint64_t instance, std::uint64_t channel, std::uint64_t first) {
    const TensorShape in = d.in(0);
    if (d.layer_type() == LayerType::FullyConnected) {
        // Per position: a plane per input channel; else the flattened tensor is the plane.
        return d.input[0] + ((d.per_position ? channel * in.h * in.w : 0) + first) * kValue;
    }
    const std::uint64_t global = instance * d.window().channels + channel;
    return d.input[0] + (global * in.h * in.w + first) * kValue;
}

}  // namespace

std::optional<ActivationTile> activation_tile(const LayerDescriptor& d, std::uint64_t tiled) {
    if (!transfers_generated(d) || tiled < d.tiled_activations || d.max_vectors == 0 || d.tile_rows == 0 ||
        d.m_chunks == 0)
        return std::nullopt;
    const std::uint64_t unit = std::uint64_t(d.max_vectors) * d.tile_rows * kValue;
    if ((tiled - d.tiled_activations) % unit) return std::nullopt;
    std::uint64_t tile = (tiled - d.tiled_activations) / unit;
    ActivationTile t;
    t.k_tile = tile % d.k_tiles, tile /= d.k_tiles;
    t.chunk = tile % d.m_chunks, t.instance = tile / d.m_chunks;
    if (t.instance >= d.instances) return std::nullopt;
    return t;
}

const std::vector<PlaneRun>& FootprintCache::runs(const ActivationWindow& w, std::uint64_t p0, std::uint64_t p1,
                                                  TapRange taps, std::uint64_t gap) {
    const Key key{p0, p1, taps.first, taps.last, gap};
    const auto it = runs_.find(key);
    if (it != runs_.end()) return it->second;
    return runs_.emplace(key, window_runs(w, p0, p1, taps, gap)).first->second;
}

void activation_spans(const LayerDescriptor& d, const BlockPosition& at, const ActivationTile& t, std::uint64_t gap,
                      std::vector<PixelSpan>& spans, FootprintCache* cache) {
    const std::uint64_t R = d.tile_rows;
    const auto rows_in = [&](std::uint64_t kt) {
        return std::uint64_t(block_extent(std::min<std::uint64_t>(R, d.k - kt * R), at.row, at.rows));
    };
    const std::uint64_t k0 = t.k_tile * R + std::uint64_t(at.row) * at.rows, n = rows_in(t.k_tile);
    if (n == 0) return;
    const std::uint64_t p0 = std::uint64_t(d.m) * t.chunk / d.m_chunks, p1 = std::uint64_t(d.m) * (t.chunk + 1) / d.m_chunks;
    if (d.layer_type() == LayerType::FullyConnected) {
        // Per position: each row is an input channel, read over the chunk's
        // positions; else the rows are consecutive elements of the flattened input.
        if (d.per_position)
            for (std::uint64_t kk = k0; kk < k0 + n; ++kk) spans.push_back({kk, p0, p1 - p0});
        else
            spans.push_back({0, k0, n});
        return;
    }
    const ActivationWindow w = d.window();
    const std::uint64_t channels = w.channels;
    if (!w.present || channels == 0) return;
    const TapRange all{0, w.taps() - 1};
    // Scratch kept between calls (a load's few entries were most of its
    // allocations); the function does not yield, so one set per thread serves.
    static thread_local std::vector<std::pair<std::uint64_t, TapRange>> wanted;  // channel, taps
    static thread_local std::vector<bool> seen;
    wanted.clear();
    if (d.raw) {
        // The channels this block row meets first in this k tile (it holds
        // the chunk's pixels of the others already).
        seen.assign(channels, false);
        std::uint64_t known = 0;
        for (std::uint64_t kt = 0; kt < t.k_tile && known < channels; ++kt) {
            const std::uint64_t first = kt * R + std::uint64_t(at.row) * at.rows;
            for (std::uint64_t kk = first; kk < first + std::min(rows_in(kt), channels); ++kk)
                if (!seen[kk % channels]) seen[kk % channels] = true, ++known;
        }
        for (std::uint64_t kk = k0; kk < k0 + std::min(n, channels); ++kk)
            if (!seen[kk % channels]) seen[kk % channels] = true, wanted.emplace_back(kk % channels, all);
    } else {
        for (std::uint64_t i = 0; i < std::min(n, channels); ++i) {
            const std::uint64_t channel = (k0 + i) % channels;
            TapRange taps;
            if (channel_taps(channels, channel, k0, n, taps)) wanted.emplace_back(channel, taps);
        }
    }
    std::sort(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const TensorShape in = d.in(0);
    FootprintCache this_load;  // without the layer's cache, the few tap ranges of this load
    FootprintCache& footprints = cache ? *cache : this_load;
    for (const auto& [channel, taps] : wanted) {
        if (t.instance * channels + channel >= in.c) continue;  // beyond the last packed depth-wise channel
        for (const PlaneRun& r : footprints.runs(w, p0, p1, taps, gap)) spans.push_back({channel, r.first, r.count});
    }
}

std::vector<DmaRun> activation_runs(const LayerDescriptor& d, const ActivationTile& t, const std::vector<PixelSpan>& spans) {
    std::vector<DmaRun> runs;
    for (const PixelSpan& s : spans) {
        const std::uint64_t offset = plane_offset(d, t.instance, s.channel, s.first);
        add_run(runs, offset, s.count * kValue);
    }
    return runs;
}

std::vector<DmaRun> store_runs(const LayerDescriptor& d, std::uint64_t tiled, std::uint64_t bytes, const BlockPosition& at) {
    if (!transfers_generated(d) || tiled < d.tiled_outputs || d.max_vectors == 0 || d.tile_cols == 0) return {};
    std::uint64_t tile = (tiled - d.tiled_outputs) / (std::uint64_t(d.max_vectors) * d.tile_cols * kValue);
    const std::uint64_t chunk = tile % d.m_chunks;
    tile /= d.m_chunks;
    const std::uint64_t n_tile = tile % d.n_tiles, inst = tile / d.n_tiles;
    if (inst >= d.instances) return {};
    const std::uint64_t n_in_tile = std::min<std::uint64_t>(d.tile_cols, d.n - n_tile * d.tile_cols);
    const std::uint64_t cols = block_extent(n_in_tile, at.col, at.cols);
    if (cols == 0 || bytes % (cols * kValue)) return {};
    const std::uint64_t vectors = bytes / (cols * kValue);
    const std::uint64_t p0 = std::uint64_t(d.m) * chunk / d.m_chunks, p1 = std::uint64_t(d.m) * (chunk + 1) / d.m_chunks;
    const TensorShape out = d.out();
    if (vectors > p1 - p0 || p0 + vectors > out.h * out.w) return {};
    const std::uint64_t n0 = n_tile * d.tile_cols + std::uint64_t(at.col) * at.cols;
    std::vector<DmaRun> runs;
    for (std::uint64_t j = 0; j < cols; ++j) {
        const std::uint64_t channel = d.output_channel(inst, n0 + j);
        if (channel >= out.c) return {};
        const std::uint64_t offset = d.output + numerics::index(out, channel, p0 / out.w, p0 % out.w) * kValue;
        add_run(runs, offset, vectors * kValue);
    }
    return runs;
}

}  // namespace planaria
