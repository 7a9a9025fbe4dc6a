// The DMA's address generators for a SIMD layer's share (hw/sequencer/dma_runs.h)
// against the elements each output of the share reads, listed one by one.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "hw/isa/number_format.h"
#include "hw/isa/simd_share.h"

using namespace planaria;

namespace {

LayerDescriptor simd_layer(LayerType type, TensorShape out, std::vector<TensorShape> in) {
    LayerDescriptor d;
    d.type = std::uint32_t(type);
    d.out_shape[0] = out.c, d.out_shape[1] = out.h, d.out_shape[2] = out.w;
    d.inputs = std::uint32_t(in.size());
    for (std::size_t j = 0; j < in.size(); ++j) {
        d.in_shape[j][0] = in[j].c, d.in_shape[j][1] = in[j].h, d.in_shape[j][2] = in[j].w;
        d.input[j] = 0x10000 * (j + 1);
    }
    d.output = 0x80000;
    return d;
}

/// The (input, element) pairs output element `e` reads.
std::vector<std::pair<unsigned, std::uint64_t>> reads(const LayerDescriptor& d, std::uint64_t e) {
    const TensorShape o = d.out(), i0 = d.in(0);
    const numerics::Coordinates at = numerics::coordinates(o, e);
    switch (d.layer_type()) {
        case LayerType::Add: return {{0, e}, {1, e}};
        case LayerType::Mul: return {{0, e}, {1, d.in(1).h == 1 && d.in(1).w == 1 ? at.c : e}};
        case LayerType::Concat: {
            std::uint64_t ch = at.c;
            for (unsigned j = 0; j < d.inputs; ++j) {
                if (ch < d.in(j).c) return {{j, numerics::index(d.in(j), ch, at.h, at.w)}};
                ch -= d.in(j).c;
            }
            return {};
        }
        case LayerType::Upsample: return {{0, numerics::index(i0, at.c, at.h / d.scale, at.w / d.scale)}};
        case LayerType::GlobalAvgPool: {
            std::vector<std::pair<unsigned, std::uint64_t>> r;
            for (std::uint64_t p = 0; p < i0.h * i0.w; ++p) r.push_back({0, at.c * i0.h * i0.w + p});
            return r;
        }
        case LayerType::MaxPool:
        case LayerType::AvgPool: {
            std::vector<std::pair<unsigned, std::uint64_t>> r;
            for (unsigned ky = 0; ky < d.kh; ++ky)
                for (unsigned kx = 0; kx < d.kw; ++kx) {
                    const std::int64_t iy = std::int64_t(at.h * d.sh) - d.top + ky, ix = std::int64_t(at.w * d.sw) - d.left + kx;
                    if (iy < 0 || ix < 0 || iy >= std::int64_t(i0.h) || ix >= std::int64_t(i0.w)) continue;
                    r.push_back({0, numerics::index(i0, at.c, std::uint64_t(iy), std::uint64_t(ix))});
                }
            return r;
        }
        default: return {{0, e}};
    }
}

}  // namespace

TEST_CASE("dma runs: a SIMD layer's share reads exactly the operands its outputs need and writes its outputs",
          "[dma]") {
    std::vector<LayerDescriptor> layers = {
        simd_layer(LayerType::Relu, {5, 6, 7}, {{5, 6, 7}}),
        simd_layer(LayerType::Add, {5, 6, 7}, {{5, 6, 7}, {5, 6, 7}}),
        simd_layer(LayerType::Mul, {5, 6, 7}, {{5, 6, 7}, {5, 1, 1}}),
        simd_layer(LayerType::Concat, {7, 4, 5}, {{3, 4, 5}, {4, 4, 5}}),
        simd_layer(LayerType::Upsample, {3, 8, 10}, {{3, 4, 5}}),
        simd_layer(LayerType::GlobalAvgPool, {6, 1, 1}, {{6, 5, 5}}),
        simd_layer(LayerType::MaxPool, {4, 5, 5}, {{4, 11, 11}}),
        simd_layer(LayerType::AvgPool, {4, 6, 6}, {{4, 6, 6}}),
    };
    layers[4].scale = 2;
    layers[6].kh = layers[6].kw = 3, layers[6].sh = layers[6].sw = 2;  // 3x3 stride 2, valid
    layers[7].kh = layers[7].kw = 3, layers[7].top = layers[7].left = 1;  // 3x3 "same"
    for (LayerDescriptor& d : layers)
        for (std::uint32_t k : {1u, 3u, 7u})
            for (std::uint32_t pos = 0; pos < k; ++pos) {
                d.subarrays = k, d.position = pos;
                INFO(to_string(d.layer_type()) << " share " << pos << " of " << k);
                REQUIRE(simd_generated(d));
                const SimdShare s = simd_share(d);
                std::map<unsigned, std::set<std::uint64_t>> needed;
                for (std::uint64_t e = s.first; e < s.end; ++e)
                    for (const auto& [j, x] : reads(d, e)) needed[j].insert(x);
                // Exact without read-through: every operand once, nothing else.
                std::vector<PixelSpan> spans;
                simd_operand_spans(d, 0, spans);
                std::map<unsigned, std::vector<std::uint64_t>> got;
                for (const PixelSpan& sp : spans)
                    for (std::uint64_t x = sp.first; x < sp.first + sp.count; ++x) got[unsigned(sp.channel)].push_back(x);
                for (unsigned j = 0; j < d.inputs; ++j)
                    CHECK(got[j] == std::vector<std::uint64_t>(needed[j].begin(), needed[j].end()));
                // Read-through covers them, in memory order, with gaps of at most 3.
                std::vector<PixelSpan> through;
                simd_operand_spans(d, 3, through);
                std::map<unsigned, std::set<std::uint64_t>> covered;
                for (std::size_t i = 0; i < through.size(); ++i) {
                    for (std::uint64_t x = through[i].first; x < through[i].first + through[i].count; ++x)
                        covered[unsigned(through[i].channel)].insert(x);
                    if (i && through[i].channel == through[i - 1].channel)
                        CHECK(through[i].first > through[i - 1].first + through[i - 1].count + 3);
                }
                for (unsigned j = 0; j < d.inputs; ++j)
                    for (std::uint64_t x : needed[j]) CHECK(covered[j].count(x));
                const std::vector<DmaRun> runs = simd_operand_runs(d, spans);
                std::uint64_t bytes = 0;
                for (const DmaRun& r : runs) bytes += r.bytes;
                std::uint64_t elements = 0;
                for (const auto& [j, set] : needed) elements += set.size();
                CHECK(bytes == elements * 2);
                // The results: the share's outputs, where the output tensor holds them.
                std::uint64_t written = 0;
                for (const DmaRun& r : simd_result_runs(d)) {
                    CHECK(r.offset >= d.output + s.first * 2);
                    CHECK(r.offset + r.bytes <= d.output + d.out().elements() * 2);
                    written += r.bytes;
                }
                CHECK(written == (s.end - s.first) * 2);
            }
}

TEST_CASE("dma runs: a SIMD share's traffic is what its runs move, its operations in proportion to its outputs",
          "[dma]") {
    // Softmax over 10 channels of a 1x3 map: shares are positions, each
    // with all its channels; an Add over 5x6x7: shares are elements.
    LayerDescriptor softmax = simd_layer(LayerType::Softmax, {10, 1, 3}, {{10, 1, 3}});
    LayerDescriptor add = simd_layer(LayerType::Add, {5, 6, 7}, {{5, 6, 7}, {5, 6, 7}});
    const std::uint64_t softmax_ops = 30, add_ops = 210;
    for (std::uint32_t k : {1u, 2u, 4u}) {
        std::uint64_t ops = 0, results = 0;
        for (std::uint32_t pos = 0; pos < k; ++pos) {
            softmax.subarrays = k, softmax.position = pos;
            const SimdShare s = simd_share(softmax);
            const SimdTraffic t = simd_traffic(softmax, 0, softmax_ops);
            INFO("softmax share " << pos << " of " << k);
            CHECK(t.operand_bytes == (s.end - s.first) * 10 * 2);
            CHECK(t.result_bytes == (s.end - s.first) * 10 * 2);
            CHECK(t.ops == (s.end - s.first) * 10);  // ten operations per position
            ops += t.ops, results += t.result_bytes;
        }
        CHECK(ops == softmax_ops);
        CHECK(results == 30 * 2);
        ops = 0;
        for (std::uint32_t pos = 0; pos < k; ++pos) {
            add.subarrays = k, add.position = pos;
            const SimdShare s = simd_share(add);
            const SimdTraffic t = simd_traffic(add, 0, add_ops);
            CHECK(t.operand_bytes == 2 * (s.end - s.first) * 2);  // both inputs
            CHECK(t.result_bytes == (s.end - s.first) * 2);
            ops += t.ops;
        }
        CHECK(ops == add_ops);
    }
    // Four subarrays on three positions: one share is empty and does nothing.
    softmax.subarrays = 4, softmax.position = 0;
    const SimdTraffic none = simd_traffic(softmax, 0, softmax_ops);
    CHECK(none.operand_bytes + none.result_bytes + none.ops == 0);
}
