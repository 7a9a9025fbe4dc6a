#pragma once
// What a sequencer did, counted for energy, and the energy it costs under the
// architecture's per-event figures. The replay charges a whole inference with
// it; the host's energy meter charges each run of a task.

#include <cstdint>

#include "hw/config/arch_config.h"
#include "hw/isa/energy_breakdown.h"

namespace planaria {

/// What a subarray did, for energy: bits through each buffer (DMA writes and
/// the tile's reads or read-modify-writes), bit-hops on the ring buses
/// between subarrays, SIMD lane operations. Off-chip bytes and busy cycles
/// are counted separately.
struct Activity {
    std::uint64_t weight_buffer_bits = 0, activation_buffer_bits = 0, output_buffer_bits = 0;
    std::uint64_t bus_bit_hops = 0, simd_ops = 0;
    Activity& operator+=(const Activity& o) {
        weight_buffer_bits += o.weight_buffer_bits, activation_buffer_bits += o.activation_buffer_bits;
        output_buffer_bits += o.output_buffer_bits, bus_bit_hops += o.bus_bit_hops, simd_ops += o.simd_ops;
        return *this;
    }
};

/// Dynamic energy (pJ) of what one or more sequencers did: every PE of a
/// computing subarray per busy cycle, each buffer per bit, ring-bus links
/// per bit-hop, SIMD lane operations, DRAM per bit. No leakage.
EnergyBreakdown activity_energy(const ArchConfig& cfg, std::uint64_t busy_cycles, std::uint64_t dram_bytes,
                                const Activity& activity);

}  // namespace planaria
