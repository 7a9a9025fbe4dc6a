// The DMA's address generator for a GEMM layer's stores (hw/sequencer/dma_runs.h)
// against the elements each store must write, listed one by one.
#include <catch2/catch.hpp>

#include "hw/isa/number_format.h"
#include "hw/sequencer/dma_runs.h"
#include "support/dma_elements.h"

using namespace planaria;
using planaria::test::flatten;

namespace {

/// A conv (or depth-wise conv) output of `c` channels over 3 x 4 positions,
/// tiled as 2 M chunks of up to 8 vectors, tiles of 4 columns, subarrays 2 columns wide.
LayerDescriptor layer(LayerType type, std::uint32_t c, std::uint32_t n, std::uint32_t instances) {
    LayerDescriptor d;
    d.type = std::uint32_t(type);
    d.out_shape[0] = c, d.out_shape[1] = 3, d.out_shape[2] = 4;
    d.output = 0x1000;
    d.m = 12, d.k = 9, d.n = n, d.instances = instances, d.multiplier = n;
    d.m_chunks = 2, d.max_vectors = 8, d.tile_rows = 9, d.tile_cols = 4, d.k_tiles = 1;
    d.n_tiles = (n + 3) / 4;
    d.tiled_outputs = 0x8000'0000;
    return d;
}

/// The byte offsets the store of tile (inst, n tile, chunk) by block column `col` writes, in the order they travel.
std::vector<std::uint64_t> expected(const LayerDescriptor& d, std::uint64_t inst, std::uint64_t nt, std::uint64_t chunk,
                                    unsigned col, unsigned cols) {
    const std::uint64_t p0 = d.m * chunk / d.m_chunks, p1 = d.m * (chunk + 1) / d.m_chunks;
    std::vector<std::uint64_t> bytes;
    for (std::uint64_t j = 0; j < cols; ++j) {
        const std::uint64_t nn = nt * d.tile_cols + col * 2 + j;
        if (nn >= std::min<std::uint64_t>(d.n, (nt + 1) * d.tile_cols)) break;
        for (std::uint64_t p = p0; p < p1; ++p)
            bytes.push_back(d.output + 2 * numerics::index(d.out(), d.output_channel(inst, nn), p / 4, p % 4));
    }
    return bytes;
}

}  // namespace

TEST_CASE("dma runs: a store writes its block's outputs channel by channel, where the planar tensor holds them",
          "[dma]") {
    const LayerDescriptor conv = layer(LayerType::Conv, 6, 6, 1), grouped = layer(LayerType::Conv, 6, 3, 2),
                          depthwise = layer(LayerType::DepthwiseConv, 6, 2, 3);
    for (const LayerDescriptor* d : {&conv, &grouped, &depthwise})
        for (std::uint64_t inst = 0; inst < d->instances; ++inst)
            for (std::uint64_t nt = 0; nt < d->n_tiles; ++nt)
                for (std::uint64_t chunk = 0; chunk < 2; ++chunk)
                    for (unsigned col = 0; col < 2; ++col) {
                        const std::vector<std::uint64_t> want = expected(*d, inst, nt, chunk, col, 2);
                        INFO("type " << d->type << " instance " << inst << " n tile " << nt << " chunk " << chunk
                                     << " column " << col);
                        const std::uint64_t tiled =
                            d->tiled_outputs + ((inst * d->n_tiles + nt) * d->m_chunks + chunk) * d->max_vectors * d->tile_cols * 2;
                        const std::vector<DmaRun> runs = store_runs(*d, tiled, want.size() * 2, {0, col, 2, 2});
                        if (want.empty()) {
                            CHECK(runs.empty());
                            continue;
                        }
                        CHECK(flatten(runs) == want);
                        // Adjacent columns merge: never two runs that touch.
                        for (std::size_t i = 1; i < runs.size(); ++i)
                            CHECK(runs[i - 1].offset + runs[i - 1].bytes != runs[i].offset);
                    }
}

TEST_CASE("dma runs: a store that is not one of the layer's blocks has no runs", "[dma]") {
    const LayerDescriptor d = layer(LayerType::Conv, 6, 6, 1);
    const std::uint64_t tiled = d.tiled_outputs;
    CHECK_FALSE(store_runs(d, tiled, 6 * 2 * 2, {0, 0, 2, 2}).empty());
    CHECK(store_runs(d, tiled, 6 * 2 * 2 + 2, {0, 0, 2, 2}).empty());  // not whole columns
    CHECK(store_runs(d, tiled, 9 * 2 * 2, {0, 0, 2, 2}).empty());      // more vectors than the chunk has
    CHECK(store_runs(d, tiled - 2, 6 * 2 * 2, {0, 0, 2, 2}).empty());  // below the layer's outputs
    CHECK(store_runs(d, tiled + 4ull * 8 * 4 * 2, 6 * 2 * 2, {0, 0, 2, 2}).empty());  // beyond its instances
    LayerDescriptor simd = d;
    simd.type = std::uint32_t(LayerType::Add);
    CHECK_FALSE(transfers_generated(simd));
    CHECK(store_runs(simd, tiled, 6 * 2 * 2, {0, 0, 2, 2}).empty());
}
