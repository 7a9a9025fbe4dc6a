#include "hw/sequencer/dma_runs.h"

#include "hw/isa/number_format.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {
constexpr std::uint64_t kValue = 2;  // bytes of an int16 element
}

bool stores_generated(const LayerDescriptor& d) {
    const LayerType t = d.layer_type();
    return d.k_tiles > 0 && (t == LayerType::Conv || t == LayerType::DepthwiseConv || t == LayerType::FullyConnected);
}

std::vector<DmaRun> store_runs(const LayerDescriptor& d, std::uint64_t tiled, std::uint64_t bytes, const BlockPosition& at) {
    if (!stores_generated(d) || tiled < d.tiled_outputs || d.max_vectors == 0 || d.tile_cols == 0) return {};
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
        if (!runs.empty() && runs.back().offset + runs.back().bytes == offset) runs.back().bytes += vectors * kValue;
        else runs.push_back({offset, vectors * kValue});
    }
    return runs;
}

}  // namespace planaria
