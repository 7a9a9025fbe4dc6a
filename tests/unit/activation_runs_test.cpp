// The DMA's address generator for a GEMM layer's activation loads
// (hw/sequencer/dma_runs.h) against the elements each load must bring,
// listed one by one from the im2col definition (a window's pixels, and the
// small gaps between them the DMA reads through); the bytes it moves against
// the compiler's count (compiler/activation_fetch.h); and the activation
// buffer's expansion of the pixels into a tile's vectors against im2col.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/activation_fetch.h"
#include "hw/isa/number_format.h"
#include "hw/sequencer/dma_runs.h"
#include "hw/sequencer/tile_buffers.h"
#include "hw/timing/tile_timing.h"
#include "support/dma_elements.h"

using namespace planaria;
using planaria::test::flatten;

namespace {

struct Geometry {
    const char* name;
    LayerType type;
    std::uint32_t c, h, w;          ///< input
    unsigned k, stride, dilation;
    std::int32_t pad;
    std::uint32_t groups = 1;       ///< conv: groups; depth-wise: channels packed per instance
    std::uint32_t per_position = 0; ///< FC
};

/// One GEMM layer tiled for an array of `block_rows` subarrays of `rows` PE rows.
struct Layer {
    LayerDescriptor d;
    ActivationWindow window;

    Layer(const Geometry& g, unsigned rows, unsigned block_rows, std::uint32_t max_vectors) {
        d.type = std::uint32_t(g.type);
        d.in_shape[0][0] = g.c, d.in_shape[0][1] = g.h, d.in_shape[0][2] = g.w;
        d.input[0] = 0x2000;
        d.kh = d.kw = g.k, d.sh = d.sw = g.stride, d.dh = d.dw = g.dilation, d.top = d.left = g.pad;
        d.per_position = g.per_position;
        const std::int64_t span = std::int64_t(g.dilation) * (g.k - 1) + 1;
        const std::uint32_t oh = std::uint32_t((std::int64_t(g.h) + 2 * g.pad - span) / g.stride + 1);
        const std::uint32_t ow = std::uint32_t((std::int64_t(g.w) + 2 * g.pad - span) / g.stride + 1);
        if (g.type == LayerType::FullyConnected) {
            d.m = g.per_position ? g.h * g.w : 1, d.k = g.per_position ? g.c : g.c * g.h * g.w, d.instances = 1;
            d.out_shape[0] = 8, d.out_shape[1] = g.per_position ? g.h : 1, d.out_shape[2] = g.per_position ? g.w : 1;
        } else {
            d.out_shape[0] = g.c, d.out_shape[1] = oh, d.out_shape[2] = ow;
            d.m = oh * ow;
            const std::uint32_t cin = g.type == LayerType::Conv ? g.c / g.groups : g.groups;
            d.k = cin * g.k * g.k;
            d.groups = g.type == LayerType::Conv ? g.groups : 1;
            d.instances = g.type == LayerType::Conv ? g.groups : (g.c + cin - 1) / cin;
        }
        d.n = 4, d.n_tiles = 1, d.tile_cols = 4;
        d.tile_rows = rows * block_rows, d.max_vectors = max_vectors;
        d.k_tiles = (d.k + d.tile_rows - 1) / d.tile_rows;
        d.m_chunks = (d.m + max_vectors - 1) / max_vectors;
        d.tiled_activations = 0x8000'0000;
        window = d.window();
    }
    std::uint64_t tiled(std::uint64_t inst, std::uint64_t chunk, std::uint64_t kt) const {
        return d.tiled_activations + ((inst * d.m_chunks + chunk) * d.k_tiles + kt) * d.max_vectors * d.tile_rows * 2;
    }
    std::uint64_t p0(std::uint64_t chunk) const { return std::uint64_t(d.m) * chunk / d.m_chunks; }
    std::uint64_t p1(std::uint64_t chunk) const { return std::uint64_t(d.m) * (chunk + 1) / d.m_chunks; }
    /// Byte offset of the input element feeding GEMM row p, column kk of `inst`; false for padding.
    bool element(std::uint64_t inst, std::uint64_t p, std::uint64_t kk, std::uint64_t& offset) const {
        const TensorShape in = d.in(0);
        if (d.layer_type() == LayerType::FullyConnected) {
            offset = d.input[0] + 2 * (d.per_position ? numerics::index(in, kk, p / in.w, p % in.w) : kk);
            return true;
        }
        const std::uint64_t cin = window.channels, tap = kk / cin, channel = inst * cin + kk % cin;
        const std::int64_t oy = std::int64_t(p / d.out_shape[2]), ox = std::int64_t(p % d.out_shape[2]);
        const std::int64_t iy = oy * d.sh - d.top + std::int64_t(tap / d.kw) * d.dh;
        const std::int64_t ix = ox * d.sw - d.left + std::int64_t(tap % d.kw) * d.dw;
        if (channel >= in.c || iy < 0 || ix < 0 || iy >= std::int64_t(in.h) || ix >= std::int64_t(in.w)) return false;
        offset = d.input[0] + 2 * numerics::index(in, channel, std::uint64_t(iy), std::uint64_t(ix));
        return true;
    }
};

std::uint64_t rows_in(const LayerDescriptor& d, std::uint64_t kt, unsigned r, unsigned rows) {
    return block_extent(std::min<std::uint64_t>(d.tile_rows, d.k - kt * d.tile_rows), r, rows);
}

/// Every element the load of (inst, chunk, kt) by block row r must bring, in
/// memory order: a window's pixels in runs through gaps of at most `gap` pixels.
std::vector<std::uint64_t> expected(const Layer& l, std::uint64_t inst, std::uint64_t chunk, std::uint64_t kt, unsigned r,
                                    unsigned rows, std::uint64_t gap) {
    const LayerDescriptor& d = l.d;
    const auto first_row = [&](std::uint64_t t) { return t * d.tile_rows + std::uint64_t(r) * rows; };
    const bool conv = d.layer_type() != LayerType::FullyConnected;
    const std::uint64_t channels = conv ? l.window.channels : 0;
    // Raw: the channels first met in this k tile, under every tap.
    std::set<std::uint64_t> before;
    for (std::uint64_t t = 0; conv && t < kt; ++t)
        for (std::uint64_t kk = first_row(t); kk < first_row(t) + rows_in(d, t, r, rows); ++kk) before.insert(kk % channels);
    std::set<std::uint64_t> wanted;
    for (std::uint64_t kk = first_row(kt); kk < first_row(kt) + rows_in(d, kt, r, rows); ++kk) {
        std::vector<std::uint64_t> columns{kk};
        if (d.raw) {
            if (before.count(kk % channels)) continue;
            columns.clear();
            for (std::uint64_t tap = 0; tap < l.window.taps(); ++tap) columns.push_back(tap * channels + kk % channels);
        }
        for (std::uint64_t col : columns)
            for (std::uint64_t p = l.p0(chunk); p < l.p1(chunk); ++p) {
                std::uint64_t offset = 0;
                if (l.element(inst, p, col, offset)) wanted.insert(offset);
            }
    }
    std::vector<std::uint64_t> out(wanted.begin(), wanted.end());
    if (!conv) return out;
    // The gaps within a channel's plane the DMA reads through.
    const std::uint64_t plane = std::uint64_t(d.in(0).h) * d.in(0).w * 2;
    std::vector<std::uint64_t> through;
    for (std::uint64_t offset : out) {
        if (!through.empty() && (offset - d.input[0]) / plane == (through.back() - d.input[0]) / plane &&
            offset - through.back() <= 2 * (gap + 1))
            for (std::uint64_t b = through.back() + 2; b < offset; b += 2) through.push_back(b);
        through.push_back(offset);
    }
    return through;
}

std::int16_t value_at(std::uint64_t offset) { return std::int16_t((offset * 7 + 3) & 0x7FFF); }

const Geometry kGeometries[] = {
    {"3x3 same, 48 channels", LayerType::Conv, 48, 10, 10, 3, 1, 1, 1},
    {"7x7 stride 2, 3 channels", LayerType::Conv, 3, 23, 17, 7, 2, 1, 3},
    {"1x1 stride 2, 40 channels", LayerType::Conv, 40, 16, 16, 1, 2, 1, 0},
    {"3x3 dilated, 2 groups", LayerType::Conv, 8, 12, 12, 3, 1, 2, 2, 2},
    {"depth-wise 3x3 stride 2", LayerType::DepthwiseConv, 6, 11, 11, 3, 2, 1, 1, 1},
    {"depth-wise 3x3 packed 4 of 6", LayerType::DepthwiseConv, 6, 9, 9, 3, 1, 1, 1, 4},
    {"FC per position", LayerType::FullyConnected, 40, 4, 5, 1, 1, 1, 0, 1, 1},
    {"FC flattened", LayerType::FullyConnected, 10, 3, 3, 1, 1, 1, 0, 1, 0},
};

}  // namespace

TEST_CASE("dma runs: an activation load brings exactly the pixels its tile needs, in memory order, once", "[dma]") {
    for (const Geometry& g : kGeometries)
        for (unsigned block_rows : {1u, 2u})
            for (std::uint64_t buffer : {std::uint64_t(1) << 20, std::uint64_t(256)})
            for (std::uint64_t gap : {0u, 2u}) {
                const unsigned rows = 16;
                Layer l(g, rows, block_rows, 24);
                const ActivationFetch fetch(l.window, l.d.k, l.d.tile_rows, rows, block_rows, l.d.m, l.d.m_chunks, buffer,
                                            gap);
                for (unsigned r = 0; r < block_rows; ++r) {
                    l.d.raw = fetch.raw(r) ? 1 : 0;
                    for (std::uint64_t inst = 0; inst < l.d.instances; ++inst)
                        for (std::uint64_t chunk = 0; chunk < l.d.m_chunks; ++chunk)
                            for (std::uint64_t kt = 0; kt < l.d.k_tiles; ++kt) {
                                INFO(g.name << ", " << block_rows << " block rows, buffer " << buffer << ", gap " << gap
                                            << ", raw " << l.d.raw
                                            << ": block row " << r << " instance " << inst << " chunk " << chunk
                                            << " k tile " << kt);
                                const auto tile = activation_tile(l.d, l.tiled(inst, chunk, kt));
                                REQUIRE(tile);
                                CHECK((tile->instance == inst && tile->chunk == chunk && tile->k_tile == kt));
                                std::vector<PixelSpan> spans;
                                activation_spans(l.d, {r, 0, rows, 4}, *tile, gap, spans);
                                const std::vector<DmaRun> runs = activation_runs(l.d, *tile, spans);
                                CHECK(flatten(runs) == expected(l, inst, chunk, kt, r, rows, gap));
                                // The compiler's count is what the bus carries.
                                CHECK(flatten(runs).size() * 2 == fetch.load_bytes(r, kt, chunk, inst));
                                for (std::size_t i = 1; i < runs.size(); ++i)
                                    CHECK(runs[i - 1].offset + runs[i - 1].bytes < runs[i].offset);
                            }
                }
            }
}

TEST_CASE("dma runs: the activation buffer expands the loaded pixels into the tile's im2col vectors", "[dma]") {
    for (const Geometry& g : kGeometries)
        for (std::uint64_t buffer : {std::uint64_t(1) << 20, std::uint64_t(256)}) {
            const unsigned rows = 16, block_rows = 2;
            Layer l(g, rows, block_rows, 24);
            const ActivationFetch fetch(l.window, l.d.k, l.d.tile_rows, rows, block_rows, l.d.m, l.d.m_chunks, buffer,
                                        2);
            for (unsigned r = 0; r < block_rows; ++r) {
                l.d.raw = fetch.raw(r) ? 1 : 0;
                const BlockPosition at{r, 0, rows, 4};
                TileBuffers b;
                for (std::uint64_t inst = 0; inst < l.d.instances; ++inst)
                    for (std::uint64_t chunk = 0; chunk < l.d.m_chunks; ++chunk)
                        for (std::uint64_t kt = 0; kt < l.d.k_tiles; ++kt) {
                            INFO(g.name << ", buffer " << buffer << ", block row " << r << " instance " << inst
                                        << " chunk " << chunk << " k tile " << kt);
                            const ActivationTile tile{inst, chunk, kt};
                            std::vector<PixelSpan> spans;
                            activation_spans(l.d, at, tile, 2, spans);
                            std::vector<std::int16_t> carried;
                            for (std::uint64_t offset : flatten(activation_runs(l.d, tile, spans)))
                                carried.push_back(value_at(offset));
                            const unsigned vectors = unsigned(l.p1(chunk) - l.p0(chunk));
                            REQUIRE(functional::load_activations(b, l.d, tile, spans,
                                                                 reinterpret_cast<const unsigned char*>(carried.data()),
                                                                 vectors, at));
                            const std::uint64_t n = rows_in(l.d, kt, r, rows), k0 = kt * l.d.tile_rows + r * rows;
                            REQUIRE(b.act_rows == n);
                            bool same = true;
                            for (unsigned v = 0; v < vectors; ++v)
                                for (std::uint64_t i = 0; i < n; ++i) {
                                    std::uint64_t offset = 0;
                                    const std::int16_t want = l.element(inst, l.p0(chunk) + v, k0 + i, offset) ? value_at(offset) : 0;
                                    same = same && b.activations[v * n + i] == want;
                                }
                            CHECK(same);
                        }
            }
        }
}

TEST_CASE("dma runs: a tile whose pixels no load brought is refused", "[dma]") {
    const Geometry g{"3x3 same, 48 channels", LayerType::Conv, 48, 10, 10, 3, 1, 1, 1};
    Layer l(g, 16, 1, 24);
    l.d.raw = 1;
    TileBuffers b;
    // k tile 3 (tap 1 of channels 0..15) of a raw chunk expands pixels k
    // tile 0 brought: alone it has nothing to expand.
    std::vector<PixelSpan> spans;
    const ActivationTile second{0, 0, 3};
    activation_spans(l.d, {0, 0, 16, 4}, second, 2, spans);
    CHECK(spans.empty());
    const std::vector<std::int16_t> carried(flatten(activation_runs(l.d, second, spans)).size(), 1);
    CHECK_FALSE(functional::load_activations(b, l.d, second, spans, reinterpret_cast<const unsigned char*>(carried.data()),
                                             24, {0, 0, 16, 4}));
    // An address that names no tile.
    CHECK_FALSE(activation_tile(l.d, l.tiled(0, 0, 0) + 2));
    CHECK_FALSE(activation_tile(l.d, l.tiled(l.d.instances, 0, 0)));
    CHECK_FALSE(activation_tile(l.d, l.d.tiled_activations - 2));
}
