#include "hw/timing/tile_timing.h"

#include <stdexcept>
#include <string>

namespace planaria {

TileCycles tile_cycles(const ArchConfig& cfg, ArrayShape a, TileShape t, bool simd_active) {
    const std::uint64_t rows = cfg.subarray.rows, cols = cfg.subarray.cols;
    if (a.block_rows == 0 || a.block_cols == 0) throw std::invalid_argument("tile_cycles: empty array");
    if (t.vectors == 0 || t.rows == 0 || t.cols == 0) throw std::invalid_argument("tile_cycles: empty tile");
    if (t.rows > a.block_rows * rows || t.cols > a.block_cols * cols)
        throw std::invalid_argument("tile_cycles: a " + std::to_string(t.rows) + "x" + std::to_string(t.cols) +
                                    " tile does not fit a " + std::to_string(a.block_rows * rows) + "x" +
                                    std::to_string(a.block_cols * cols) + " array");
    const std::uint64_t S = cfg.ring_bus.pipeline_stages, L = cfg.pod.crossbar_latency_cycles;
    const std::uint64_t P = simd_active ? cfg.simd.pipeline_stages : 0;
    const std::uint64_t col_blocks_used = (t.cols + cols - 1) / cols;
    TileCycles c;
    c.latch = 1;
    c.stream = t.vectors;
    c.fill = a.block_rows * rows - 1 + L;
    c.drain = t.cols - 1;
    c.ring_bus = S * ((a.block_rows - 1) + (col_blocks_used - 1));
    c.write_back = L + P;
    return c;
}

}  // namespace planaria
