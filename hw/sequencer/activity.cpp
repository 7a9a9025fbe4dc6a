#include "hw/sequencer/activity.h"

namespace planaria {

EnergyBreakdown activity_energy(const ArchConfig& cfg, std::uint64_t busy_cycles, std::uint64_t dram_bytes,
                                const Activity& activity) {
    const auto& e = cfg.energy;
    EnergyBreakdown b;
    b.compute = double(busy_cycles) * double(cfg.subarray.rows) * cfg.subarray.cols * e.mac_pj;
    b.weight_buffer = double(activity.weight_buffer_bits) * e.weight_buffer_pj_per_bit;
    b.activation_buffer = double(activity.activation_buffer_bits) * e.activation_buffer_pj_per_bit;
    b.output_buffer = double(activity.output_buffer_bits) * e.output_buffer_pj_per_bit;
    b.bus = double(activity.bus_bit_hops) * e.bus_pj_per_bit_hop;
    b.simd = double(activity.simd_ops) * e.simd_op_pj;
    b.dram = double(dram_bytes) * 8 * e.dram_pj_per_bit;
    return b;
}

}  // namespace planaria
