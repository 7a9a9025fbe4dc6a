#include "hw/timing/tile_timing.h"

#include <stdexcept>
#include <string>

namespace planaria {

TileCycles tile_cycles(const ArchConfig& cfg, ArrayShape a, TileShape t, bool simd_active, const OutputStripe* stripe) {
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
    if (!stripe || !stripe->remote()) return c;

    // The latest write: for each exit block and buffer, its last vector,
    // entering when the pace lets it, arriving hops later.
    const StreamPace pace = stream_pace(cfg, stripe, t);
    const std::uint64_t X = cfg.inter_pod_link.latency_cycles, n = stripe->buffers;
    const std::uint64_t before_stream = c.latch + c.fill + S * (a.block_rows - 1) + c.write_back;
    std::uint64_t last = 0;
    for (std::uint64_t b = 0; b < col_blocks_used; ++b) {
        const std::uint64_t j = b * cols + block_extent(t.cols, unsigned(b), unsigned(cols)) - 1;
        for (std::uint64_t slot = 0; slot < n && slot < t.vectors; ++slot) {
            const std::uint64_t m = slot + n * ((t.vectors - 1 - slot) / n);
            last = std::max(last, before_stream + pace.at(m) + 1 + j + S * b + X * stripe->hops.at(b).at(slot));
        }
    }
    c.inter_pod = last - c.total();
    return c;
}

StreamPace stream_pace(const ArchConfig& cfg, const OutputStripe* stripe, TileShape t) {
    StreamPace pace;
    if (!stripe || !stripe->remote()) return pace;
    const double link_bytes = cfg.inter_pod_link.bandwidth_gbps * 1e3 / cfg.clock_mhz;  // per cycle
    const double value_bytes = cfg.pod.output_buffer.bank_width_bits / 8.0;
    for (const OutputStripe::Link& l : stripe->links) {
        double bytes = 0;  // per vector, averaged over the stripe
        for (const auto& [col, buffers] : l.users)
            bytes += double(block_extent(t.cols, col, cfg.subarray.cols)) * value_bytes * buffers / stripe->buffers;
        pace.cycles_per_vector = std::max(pace.cycles_per_vector, bytes / link_bytes);
    }
    return pace;
}

}  // namespace planaria
