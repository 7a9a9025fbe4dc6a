#include "hw/sequencer/dma_runs.h"

#include <algorithm>
#include <utility>

#include "hw/isa/number_format.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

constexpr std::uint64_t kValue = 2;  // bytes of an int16 element

/// Appends `bytes` at `offset` to `runs`, as part of the last run where they follow it.
void add_run(std::vector<DmaRun>& runs, std::uint64_t offset, std::uint64_t bytes) {
    if (!runs.empty() && runs.back().offset + runs.back().bytes == offset) runs.back().bytes += bytes;
    else runs.push_back({offset, bytes});
}

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

void activation_spans(const LayerDescriptor& d, const BlockPosition& at, const ActivationTile& t, std::uint64_t gap,
                      std::vector<PixelSpan>& spans) {
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
    std::vector<std::pair<std::uint64_t, TapRange>> wanted;  // channel, taps
    if (d.raw) {
        // The channels this block row meets first in this k tile (it holds
        // the chunk's pixels of the others already).
        std::vector<bool> seen(channels, false);
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
    std::vector<std::pair<TapRange, std::vector<PlaneRun>>> footprints;  // the few tap ranges of a load
    for (const auto& [channel, taps] : wanted) {
        if (t.instance * channels + channel >= in.c) continue;  // beyond the last packed depth-wise channel
        auto it = std::find_if(footprints.begin(), footprints.end(), [&](const auto& f) { return f.first == taps; });
        if (it == footprints.end()) it = footprints.insert(it, {taps, window_runs(w, p0, p1, taps, gap)});
        for (const PlaneRun& r : it->second) spans.push_back({channel, r.first, r.count});
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

bool transfers_generated(const LayerDescriptor& d) {
    const LayerType t = d.layer_type();
    return d.k_tiles > 0 && (t == LayerType::Conv || t == LayerType::DepthwiseConv || t == LayerType::FullyConnected);
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

namespace planaria {

namespace {

/// Appends [first, first + count) of input `input`, joined to the last span
/// of the same input through a gap of at most `gap` elements.
void append(std::vector<PixelSpan>& spans, std::uint64_t input, std::uint64_t first, std::uint64_t count,
            std::uint64_t gap) {
    if (count == 0) return;
    if (!spans.empty()) {
        PixelSpan& last = spans.back();
        const std::uint64_t end = last.first + last.count;
        if (last.channel == input && first >= last.first && first <= end + gap) {
            last.count = std::max(end, first + count) - last.first;
            return;
        }
    }
    spans.push_back({input, first, count});
}

}  // namespace

bool simd_generated(const LayerDescriptor& d) {
    return d.k_tiles == 0 && d.subarrays > 0 && d.position < d.subarrays && d.inputs >= 1 &&
           d.inputs <= LayerDescriptor::kMaxInputs && numerics::supported(d.layer_type());
}

SimdShare simd_share(const LayerDescriptor& d) {
    const TensorShape o = d.out();
    const std::uint64_t total = d.layer_type() == LayerType::Softmax ? o.h * o.w : o.elements();
    return {total * d.position / d.subarrays, total * (d.position + 1) / d.subarrays};
}

void simd_operand_spans(const LayerDescriptor& d, std::uint64_t gap, std::vector<PixelSpan>& spans) {
    const SimdShare s = simd_share(d);
    if (s.end <= s.first) return;
    const TensorShape o = d.out(), i0 = d.in(0);
    const std::uint64_t out_plane = o.h * o.w, in_plane = i0.h * i0.w;
    switch (d.layer_type()) {
        case LayerType::Softmax:
            for (std::uint64_t c = 0; c < i0.c; ++c) append(spans, 0, c * in_plane + s.first, s.end - s.first, gap);
            return;
        case LayerType::GlobalAvgPool:
            // The share's outputs are channels: their whole planes.
            append(spans, 0, s.first * in_plane, (s.end - s.first) * in_plane, gap);
            return;
        case LayerType::Concat: {
            // Along the channels: each input's channels are a contiguous piece of the output.
            std::uint64_t offset = 0;
            for (unsigned j = 0; j < d.inputs; ++j) {
                const std::uint64_t size = d.in(j).elements();
                const std::uint64_t lo = std::max(s.first, offset), hi = std::min(s.end, offset + size);
                if (lo < hi) append(spans, j, lo - offset, hi - lo, gap);
                offset += size;
            }
            return;
        }
        case LayerType::Upsample: {
            // Nearest neighbour: each output row segment reads one input row segment.
            // Output rows that read the same input row join into one segment.
            const std::uint64_t scale = std::max<std::uint32_t>(d.scale, 1);
            std::uint64_t row = ~0ull, lo = 0, hi = 0;  // the input row being gathered, its columns [lo, hi]
            const auto flush = [&] {
                if (row != ~0ull) append(spans, 0, row * i0.w + lo, hi - lo + 1, gap);
            };
            for (std::uint64_t e = s.first; e < s.end;) {
                const std::uint64_t c = e / out_plane, y = e % out_plane / o.w, x0 = e % o.w;
                const std::uint64_t x1 = std::min<std::uint64_t>(o.w, x0 + (s.end - e));  // end of this row's part
                const std::uint64_t input_row = c * i0.h + y / scale;
                if (input_row != row) flush(), row = input_row, lo = x0 / scale, hi = (x1 - 1) / scale;
                else lo = std::min(lo, x0 / scale), hi = std::max(hi, (x1 - 1) / scale);
                e += x1 - x0;
            }
            flush();
            return;
        }
        case LayerType::MaxPool:
        case LayerType::AvgPool: {
            // Per channel, the windows of the share's positions (hw/isa/activation_window.h).
            ActivationWindow w;
            w.present = true;
            w.in_h = i0.h, w.in_w = i0.w, w.out_w = o.w;
            w.kh = d.kh, w.kw = d.kw, w.sh = d.sh, w.sw = d.sw, w.top = d.top, w.left = d.left;
            for (std::uint64_t c = s.first / out_plane; c * out_plane < s.end; ++c) {
                const std::uint64_t p0 = std::max(s.first, c * out_plane) - c * out_plane;
                const std::uint64_t p1 = std::min(s.end, (c + 1) * out_plane) - c * out_plane;
                for (const PlaneRun& r : window_runs(w, p0, p1, {0, w.taps() - 1}, gap))
                    append(spans, 0, c * in_plane + r.first, r.count, gap);
            }
            return;
        }
        default:
            break;
    }
    // Element-wise: the same elements of every input; a broadcast second
    // input of a Mul (one value per channel) is read per channel.
    for (unsigned j = 0; j < d.inputs; ++j) {
        const TensorShape in = d.in(j);
        const bool broadcast = d.layer_type() == LayerType::Mul && j == 1 && in.h == 1 && in.w == 1 &&
                               (i0.h != 1 || i0.w != 1);
        if (broadcast) append(spans, j, s.first / out_plane, (s.end - 1) / out_plane - s.first / out_plane + 1, gap);
        else append(spans, j, s.first, std::min(s.end, in.elements()) - std::min(s.first, in.elements()), gap);
    }
}

std::vector<DmaRun> simd_operand_runs(const LayerDescriptor& d, const std::vector<PixelSpan>& spans) {
    std::vector<DmaRun> runs;
    for (const PixelSpan& s : spans) {
        const std::uint64_t offset = d.input[s.channel] + s.first * kValue;
        add_run(runs, offset, s.count * kValue);
    }
    return runs;
}

std::vector<DmaRun> simd_result_runs(const LayerDescriptor& d) {
    const SimdShare s = simd_share(d);
    if (s.end <= s.first) return {};
    if (d.layer_type() != LayerType::Softmax) return {{d.output + s.first * kValue, (s.end - s.first) * kValue}};
    const TensorShape o = d.out();
    const std::uint64_t plane = o.h * o.w;
    std::vector<DmaRun> runs;
    for (std::uint64_t c = 0; c < o.c; ++c) {
        const std::uint64_t offset = d.output + (c * plane + s.first) * kValue, bytes = (s.end - s.first) * kValue;
        add_run(runs, offset, bytes);
    }
    return runs;
}

}  // namespace planaria
