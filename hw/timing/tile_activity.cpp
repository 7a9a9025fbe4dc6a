#include "hw/timing/tile_activity.h"

#include <algorithm>

namespace planaria {

const std::array<Activity::Counter, Activity::kCounters>& Activity::counters() {
    static const std::array<Counter, kCounters> list = {
        &Activity::macs,          &Activity::pe_cycles,         &Activity::weight_buffer_bits,
        &Activity::activation_buffer_bits, &Activity::output_buffer_bits, &Activity::ring_bus_bit_hops,
        &Activity::crossbar_bits, &Activity::inter_pod_bit_hops, &Activity::simd_ops,
        &Activity::instruction_bits};
    return list;
}

Activity& Activity::operator+=(const Activity& o) { return add(o, 1); }

Activity& Activity::add(const Activity& o, std::uint64_t times) {
    for (Counter c : counters()) this->*c += o.*c * times;
    return *this;
}

Activity tile_activity(const ArchConfig& cfg, ArrayShape array, unsigned block_row, unsigned block_col, TileShape tile,
                       std::uint64_t cycles, bool accumulate, const OutputStripe* stripe) {
    const unsigned rows = cfg.subarray.rows, cols = cfg.subarray.cols;
    const std::uint64_t m = tile.vectors, my_rows = block_extent(tile.rows, block_row, rows),
                        my_cols = block_extent(tile.cols, block_col, cols);
    const std::uint64_t value_bits = cfg.data.activation_bits, weight_bits = cfg.data.weight_bits,
                        acc_bits = cfg.pod.output_buffer.bank_width_bits;
    const bool crossbars = has_crossbars(cfg);
    Activity a;
    a.macs = m * my_rows * my_cols;
    a.pe_cycles = std::uint64_t(rows) * cols * cycles;
    a.weight_buffer_bits = my_rows * my_cols * weight_bits;  // each PE latches its weight
    if (block_col == 0) {  // the block row's activations leave its entry subarray's buffer and cross the others
        const std::uint64_t bits = m * my_rows * value_bits;
        a.activation_buffer_bits = bits;
        a.crossbar_bits += crossbars ? bits : 0;
        a.ring_bus_bit_hops += bits * (array.block_cols - 1);
    }
    if (block_row + 1 == array.block_rows) {  // the partial sums come down to the exit subarrays' buffers
        const std::uint64_t passes = accumulate ? 2 : 1;  // an accumulating tile reads the old sum back
        const std::uint64_t bits = m * my_cols * acc_bits;
        a.output_buffer_bits = bits * passes;
        a.crossbar_bits += crossbars ? bits * passes : 0;
        a.ring_bus_bit_hops += bits * (array.block_rows - 1);
        if (stripe && block_col < stripe->hops.size()) {
            // Vector v goes to buffer v mod n, so buffer s holds m / n vectors, one more for s < m mod n.
            const std::vector<unsigned>& hops = stripe->hops[block_col];
            const std::uint64_t n = hops.size();
            std::uint64_t vector_hops = 0;
            for (std::uint64_t s = 0; s < n; ++s) vector_hops += (m / n + (s < m % n ? 1 : 0)) * hops[s];
            a.inter_pod_bit_hops = vector_hops * my_cols * acc_bits * passes;
        }
    }
    return a;
}

bool has_crossbars(const ArchConfig& cfg) { return crossbar_levels(cfg) > 0; }

unsigned crossbar_levels(const ArchConfig& cfg) {
    unsigned levels = 0;
    for (unsigned ports = 1; ports < cfg.subarrays_per_pod(); ports *= 2) ++levels;
    return levels;
}

EnergyBreakdown activity_energy(const ArchConfig& cfg, std::uint64_t dram_bytes, const Activity& a) {
    const auto& e = cfg.energy;
    EnergyBreakdown b;
    b.mac = double(a.macs) * e.mac_pj;
    b.idle_pe = double(a.pe_cycles - std::min(a.pe_cycles, a.macs)) * e.mac_pj * e.idle_pe_fraction();
    b.weight_buffer = double(a.weight_buffer_bits) * e.weight_buffer_pj_per_bit;
    b.activation_buffer = double(a.activation_buffer_bits) * e.activation_buffer_pj_per_bit;
    b.output_buffer = double(a.output_buffer_bits) * e.output_buffer_pj_per_bit;
    b.ring_bus = double(a.ring_bus_bit_hops) * e.bus_pj_per_bit_hop;
    b.crossbar = double(a.crossbar_bits) * e.crossbar_pj_per_bit_level * double(crossbar_levels(cfg));
    b.inter_pod_link = double(a.inter_pod_bit_hops) * e.inter_pod_link_pj_per_bit_hop;
    b.simd = double(a.simd_ops) * e.simd_op_pj;
    b.instruction_fetch = double(a.instruction_bits) * e.instruction_buffer_pj_per_bit;
    b.dram = double(dram_bytes) * 8 * e.dram_pj_per_bit;
    return b;
}

}  // namespace planaria
