#include "hw/isa/simd_share.h"

#include <algorithm>

#include "hw/isa/activation_window.h"
#include "hw/isa/number_format.h"

namespace planaria {

namespace {

constexpr std::uint64_t kValue = 2;  // bytes of an int16 element

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
    return {total * d.position / d.subarrays, total * (d.position + 1) / d.subarrays, total};
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

SimdTraffic simd_traffic(const LayerDescriptor& d, std::uint64_t gap, std::uint64_t layer_ops) {
    SimdTraffic t;
    std::vector<PixelSpan> spans;
    simd_operand_spans(d, gap, spans);
    for (const PixelSpan& s : spans) t.operand_bytes += s.count * kValue;
    const SimdShare share = simd_share(d);
    if (share.end <= share.first) return t;
    const std::uint64_t per_channel = d.layer_type() == LayerType::Softmax ? d.out().c : 1;
    t.result_bytes = (share.end - share.first) * per_channel * kValue;
    t.ops = (layer_ops * (share.end - share.first) + share.total - 1) / share.total;
    return t;
}

}  // namespace planaria
