#include "hw/sequencer/tile_buffers.h"

#include <algorithm>

#include "hw/isa/number_format.h"
#include "hw/isa/weight_layout.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

void PixelStore::reset(std::uint64_t instance, std::uint64_t chunk) {
    valid_ = true, instance_ = instance, chunk_ = chunk;
    for (Plane& p : planes_) p.values.clear(), p.held.clear();
}

void PixelStore::put(const PixelSpan& span, const std::int16_t* values) {
    if (span.count == 0) return;
    if (planes_.size() <= span.channel) planes_.resize(span.channel + 1);
    Plane& p = planes_[span.channel];
    if (p.values.empty()) p.first = span.first;
    if (span.first < p.first) {  // grow downwards
        const std::size_t grow = std::size_t(p.first - span.first);
        p.values.insert(p.values.begin(), grow, 0);
        p.held.insert(p.held.begin(), grow, 0);
        p.first = span.first;
    }
    const std::size_t at = std::size_t(span.first - p.first), end = at + std::size_t(span.count);
    if (p.values.size() < end) p.values.resize(end, 0), p.held.resize(end, 0);
    std::copy(values, values + span.count, p.values.begin() + std::ptrdiff_t(at));
    std::fill(p.held.begin() + std::ptrdiff_t(at), p.held.begin() + std::ptrdiff_t(end), std::uint8_t(1));
}

bool PixelStore::get(std::uint64_t channel, std::uint64_t index, std::int16_t& value) const {
    if (channel >= planes_.size()) return false;
    const Plane& p = planes_[channel];
    if (index < p.first || index - p.first >= p.held.size() || !p.held[std::size_t(index - p.first)]) return false;
    value = p.values[std::size_t(index - p.first)];
    return true;
}

}  // namespace planaria

namespace planaria::functional {

namespace {

constexpr std::uint64_t kValue = 2;  // bytes of an int16 element

std::uint64_t min_u(std::uint64_t a, std::uint64_t b) { return a < b ? a : b; }

/// Rows of M (output positions) in chunk `chunk`: the compiler's even split.
std::uint64_t chunk_begin(const LayerDescriptor& d, std::uint64_t chunk) { return std::uint64_t(d.m) * chunk / d.m_chunks; }

/// The activation buffer's element feeding GEMM row `p`, column `kk` of
/// instance `inst`: its plane and index there (dma_runs.h). False for
/// padding (and the missing channels of a packed depth-wise layer's last instance).
bool element_of(const LayerDescriptor& d, const ActivationWindow& w, std::uint64_t inst, std::uint64_t p,
                std::uint64_t kk, std::uint64_t& channel, std::uint64_t& index) {
    const TensorShape in = d.in(0), out = d.out();
    if (d.layer_type() == LayerType::FullyConnected) {
        // Per position: the C values of input position p; else the whole tensor, flattened.
        if (d.per_position) channel = kk, index = p;
        else channel = 0, index = kk;
        return true;
    }
    const std::uint64_t tap = kk / w.channels;
    const std::int64_t oy = std::int64_t(p / out.w), ox = std::int64_t(p % out.w);
    const std::int64_t iy = oy * d.sh - d.top + std::int64_t(tap / d.kw) * d.dh;
    const std::int64_t ix = ox * d.sw - d.left + std::int64_t(tap % d.kw) * d.dw;
    if (iy < 0 || ix < 0 || iy >= std::int64_t(in.h) || ix >= std::int64_t(in.w)) return false;
    if (inst * w.channels + kk % w.channels >= in.c) return false;  // beyond the last packed depth-wise channel
    channel = kk % w.channels, index = std::uint64_t(iy) * in.w + std::uint64_t(ix);
    return true;
}

bool is_gemm(const LayerDescriptor& d) {
    const LayerType t = d.layer_type();
    return t == LayerType::Conv || t == LayerType::DepthwiseConv || t == LayerType::FullyConnected;
}

}  // namespace

bool load_weights(TileBuffers& b, const unsigned char* bytes, std::uint64_t offset, std::uint64_t length, unsigned slot,
                  const BlockPosition& at) {
    const LayerDescriptor& d = b.layer;
    if (!b.described || !is_gemm(d)) return false;
    TileBuffers::WeightBlock w;
    if (length) {
        // The transfer must be exactly the load of this subarray's block in some tile.
        const WeightLayout layout(d.k, d.n, d.instances, at.rows, at.cols, d.bias != 0);
        if (offset < d.weights) return false;
        const auto block = layout.locate(offset - d.weights, length);
        if (!block || block->k0 % d.tile_rows != std::uint64_t(at.row) * at.rows ||
            block->n0 % d.tile_cols != std::uint64_t(at.col) * at.cols)
            return false;
        w.instance = std::uint32_t(block->instance);
        w.k_tile = std::uint32_t(block->k0 / d.tile_rows), w.n_tile = std::uint32_t(block->n0 / d.tile_cols);
        w.rows = unsigned(block->rows), w.cols = unsigned(block->cols);
        const std::int16_t* values = reinterpret_cast<const std::int16_t*>(bytes);
        if (block->with_bias) {
            // The column block's bias came first: it starts the accumulators of a new output tile.
            w.bias.assign(values, values + w.cols);
            values += w.cols;
        }
        w.values.assign(values, values + std::size_t(w.rows) * w.cols);
    }
    if (b.slots.size() <= slot) b.slots.resize(slot + 1);
    b.slots[slot] = std::move(w);
    return true;
}

bool load_activations(TileBuffers& b, const LayerDescriptor& d, const ActivationTile& t,
                      const std::vector<PixelSpan>& spans, const unsigned char* bytes, unsigned vectors,
                      const BlockPosition& at) {
    if (!is_gemm(d) || d.m_chunks == 0) return false;
    // A chunk's first k tile starts the buffer afresh; without raw pixels every tile does.
    if (!d.raw || t.k_tile == 0 || !b.pixels.holds(t.instance, t.chunk)) b.pixels.reset(t.instance, t.chunk);
    const std::int16_t* values = reinterpret_cast<const std::int16_t*>(bytes);
    for (const PixelSpan& s : spans) {
        b.pixels.put(s, values);
        values += s.count;
    }
    b.act_instance = std::uint32_t(t.instance), b.act_chunk = std::uint32_t(t.chunk), b.act_k_tile = std::uint32_t(t.k_tile);
    const std::uint64_t p0 = chunk_begin(d, t.chunk);
    const std::uint64_t kt = min_u(d.tile_rows, d.k - t.k_tile * d.tile_rows);
    const std::uint64_t k0 = t.k_tile * d.tile_rows + std::uint64_t(at.row) * at.rows;
    b.act_vectors = vectors;
    b.act_rows = block_extent(kt, at.row, at.rows);
    b.activations.assign(std::size_t(vectors) * b.act_rows, 0);
    // The Pod Memory's address generator expands the pixels into the tile's im2col vectors.
    const ActivationWindow w = d.window();
    for (unsigned v = 0; v < vectors; ++v)
        for (unsigned i = 0; i < b.act_rows; ++i) {
            std::uint64_t channel = 0, index = 0;
            if (!element_of(d, w, t.instance, p0 + v, k0 + i, channel, index)) continue;  // padding
            if (!b.pixels.get(channel, index, b.activations[std::size_t(v) * b.act_rows + i])) return false;
        }
    return true;
}

const std::vector<std::int16_t>& column_bias(const TileBuffers& top) {
    static const std::vector<std::int16_t> none;
    if (!top.pending.valid || top.pending.slot >= top.slots.size()) return none;
    return top.slots[top.pending.slot].bias;
}

void compute(const LogicalArray& array, const std::vector<TileBuffers*>& members, const numerics::NumberFormat& format) {
    for (unsigned c = 0; c < array.block_cols; ++c) {
        TileBuffers& last = *members[(array.block_rows - 1) * array.block_cols + c];
        // The column's top subarray always holds weights of the tile (its k
        // tile, its width, the bias of a first k tile); the rows below may
        // have none where the reduction is short.
        const TileBuffers& top = *members[c];
        if (!last.pending.valid || !top.pending.valid || top.pending.slot >= top.slots.size()) continue;
        const TileBuffers::WeightBlock& head = top.slots[top.pending.slot];
        const unsigned vectors = last.pending.vectors, cols = head.cols;
        if (!last.pending.accumulate) {
            // A new output tile: the accumulators start at the bias, at accumulator scale.
            const std::vector<std::int16_t>& bias = column_bias(top);
            last.out_vectors = vectors, last.out_cols = cols;
            last.outputs.assign(std::size_t(vectors) * cols, 0);
            for (unsigned v = 0; v < vectors; ++v)
                for (unsigned j = 0; j < std::min<std::size_t>(cols, bias.size()); ++j)
                    last.outputs[std::size_t(v) * cols + j] = std::int64_t(bias[j]) * numerics::kOne;
        }
        for (unsigned r = 0; r < array.block_rows; ++r) {
            const TileBuffers& feeder = *members[r * array.block_cols];  // its activations flow along the row
            const TileBuffers& pe = *members[r * array.block_cols + c];
            if (!pe.pending.valid || pe.pending.slot >= pe.slots.size()) continue;
            const TileBuffers::WeightBlock& w = pe.slots[pe.pending.slot];
            const unsigned rows = std::min(w.rows, feeder.act_rows), n = std::min(w.cols, cols);
            for (unsigned v = 0; v < std::min(vectors, feeder.act_vectors); ++v) {
                const std::int16_t* a = feeder.activations.data() + std::size_t(v) * feeder.act_rows;
                std::int64_t* out = last.outputs.data() + std::size_t(v) * cols;
                for (unsigned i = 0; i < rows; ++i) {
                    const std::int64_t x = a[i];
                    const std::int16_t* wr = w.values.data() + std::size_t(i) * w.cols;
                    for (unsigned j = 0; j < n; ++j) out[j] += x * wr[j];
                }
            }
        }
        // After the last k tile the SIMD segment requantises and applies the fused chain.
        if (head.k_tile + 1 == last.layer.k_tiles) {
            for (auto& v : last.outputs) v = format.write_back(v, last.layer.fused);
        }
    }
    for (TileBuffers* m : members) m->pending.valid = false;
}

namespace {

/// The operands a SIMD share's load brought, by input and flattened index;
/// reading one it did not bring marks the share failed.
class Operands {
public:
    explicit Operands(const PixelStore& store) : store_(store) {}
    std::int16_t operator()(unsigned input, std::uint64_t index) {
        std::int16_t v = 0;
        if (!store_.get(input, index, v)) missing_ = true;
        return v;
    }
    bool missing() const { return missing_; }

private:
    const PixelStore& store_;
    bool missing_ = false;
};

/// Output element `e` (memory index) of a one- or two-input element-wise or window layer.
std::int16_t element(const numerics::NumberFormat& format, const LayerDescriptor& d, Operands& in, std::uint64_t e) {
    const TensorShape o = d.out(), i0 = d.in(0);
    const numerics::Coordinates at = numerics::coordinates(o, e);
    const std::uint64_t c = at.c, y = at.h, x = at.w;
    switch (d.layer_type()) {
        case LayerType::Add: return format.saturate(std::int64_t(in(0, e)) + in(1, e));
        case LayerType::Mul: {
            const bool broadcast = d.in(1).h == 1 && d.in(1).w == 1 && (i0.h != 1 || i0.w != 1);
            return format.requantize(std::int64_t(in(0, e)) * in(1, broadcast ? c : e));
        }
        case LayerType::Concat: {
            std::uint64_t ch = c;
            for (unsigned j = 0; j < d.inputs; ++j) {
                const TensorShape s = d.in(j);
                if (ch < s.c) return in(j, numerics::index(s, ch, y, x));
                ch -= s.c;
            }
            return 0;
        }
        case LayerType::Upsample: return in(0, numerics::index(i0, c, y / d.scale, x / d.scale));
        case LayerType::GlobalAvgPool: {
            std::int64_t sum = 0;
            for (std::uint64_t p = 0; p < i0.h * i0.w; ++p) sum += in(0, numerics::index(i0, c, p / i0.w, p % i0.w));
            return format.average(sum, std::int64_t(i0.h * i0.w));
        }
        case LayerType::MaxPool:
        case LayerType::AvgPool: {
            std::int64_t sum = 0, count = 0;
            std::int16_t top = 0;
            for (unsigned ky = 0; ky < d.kh; ++ky)
                for (unsigned kx = 0; kx < d.kw; ++kx) {
                    const std::int64_t iy = std::int64_t(y * d.sh) - d.top + ky, ix = std::int64_t(x * d.sw) - d.left + kx;
                    if (iy < 0 || ix < 0 || iy >= std::int64_t(i0.h) || ix >= std::int64_t(i0.w)) continue;
                    const std::int16_t v = in(0, numerics::index(i0, c, std::uint64_t(iy), std::uint64_t(ix)));
                    top = count == 0 ? v : std::max(top, v);
                    sum += v, ++count;
                }
            if (d.layer_type() == LayerType::MaxPool) return top;
            return count ? format.average(sum, count) : 0;
        }
        default: return format.elementwise(d.layer_type(), in(0, e));
    }
}

}  // namespace

void load_operands(TileBuffers& b, const std::vector<PixelSpan>& spans, const unsigned char* bytes) {
    b.pixels.reset(~0ull, ~0ull);
    const std::int16_t* values = reinterpret_cast<const std::int16_t*>(bytes);
    for (const PixelSpan& s : spans) {
        b.pixels.put(s, values);
        values += s.count;
    }
}

bool simd(TileBuffers& b, const numerics::NumberFormat& format) {
    const LayerDescriptor& d = b.layer;
    b.results.clear();
    if (!b.described || !simd_generated(d)) return false;
    const SimdShare share = simd_share(d);
    if (share.end <= share.first) return true;
    Operands in(b.pixels);
    const TensorShape o = d.out();
    if (d.layer_type() == LayerType::Softmax) {
        // Softmax normalises over the channels of a position (a plane apart):
        // the share's results go out channel by channel.
        const std::uint64_t plane = o.h * o.w, count = share.end - share.first;
        b.results.assign(count * o.c, 0);
        std::vector<std::int16_t> position(o.c), normalised(o.c);
        for (std::uint64_t p = share.first; p < share.end; ++p) {
            for (std::uint64_t c = 0; c < o.c; ++c) position[c] = in(0, c * plane + p);
            format.softmax(position.data(), normalised.data(), o.c, 1);
            for (std::uint64_t c = 0; c < o.c; ++c) b.results[c * count + (p - share.first)] = normalised[c];
        }
    } else {
        b.results.resize(share.end - share.first);
        for (std::uint64_t e = share.first; e < share.end; ++e) b.results[e - share.first] = element(format, d, in, e);
    }
    return !in.missing();
}

}  // namespace planaria::functional
