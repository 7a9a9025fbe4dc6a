#pragma once
// What the chip did, counted for energy, and the energy it costs under the
// architecture's per-event figures. The sequencers count what they execute;
// the compiler's cost model counts the same events for the tiles it plans,
// with the same per-tile function, so the two views cannot drift. The
// replay charges a whole inference with it; the host's energy meter charges
// each run of a task.

#include <array>
#include <cstdint>

#include "hw/config/arch_config.h"
#include "hw/isa/energy_breakdown.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

/// What a subarray did, for energy: the multiply-accumulates its PEs did
/// and the PE-cycles its tiles held them for; bits through each buffer (DMA
/// writes and the tile's reads or read-modify-writes); bits through its
/// pod's crossbars; bit-hops on the ring buses and the inter-pod links;
/// SIMD lane operations; instruction-buffer bits (fills and fetches).
/// Off-chip bytes are counted separately.
struct Activity {
    std::uint64_t macs = 0, pe_cycles = 0;
    std::uint64_t weight_buffer_bits = 0, activation_buffer_bits = 0, output_buffer_bits = 0;
    std::uint64_t ring_bus_bit_hops = 0, crossbar_bits = 0, inter_pod_bit_hops = 0;
    std::uint64_t simd_ops = 0, instruction_bits = 0;

    using Counter = std::uint64_t Activity::*;
    static constexpr std::size_t kCounters = 10;
    /// Every counter, in declaration order (a saved context stores them so).
    static const std::array<Counter, kCounters>& counters();

    Activity& operator+=(const Activity& o);
    /// Adds `times` copies of `o`.
    Activity& add(const Activity& o, std::uint64_t times);
};

/// What subarray (block_row, block_col) of a logical array does for one
/// tile of `cycles` cycles: its PEs' MACs and PE-cycles and weight latches;
/// on the first block column the activation reads from Pod Memory, their
/// crossbar traversal and their ring-bus hops across the other block
/// columns; on the last block row the partial sums' ring-bus hops, their
/// writes (read-modify-writes when `accumulate`) through the output crossbar
/// into the output buffers, and the inter-pod hops of those that go to
/// another pod's buffer (`stripe`). DMA and SIMD are counted by whoever
/// issues them.
Activity tile_activity(const ArchConfig& cfg, ArrayShape array, unsigned block_row, unsigned block_col, TileShape tile,
                       std::uint64_t cycles, bool accumulate, const OutputStripe* stripe);

/// Dynamic energy (pJ) of what one or more sequencers did: mac_pj per
/// multiply-accumulate and the gating option's share of it per idle
/// PE-cycle, each buffer and crossbar per bit, ring buses and inter-pod
/// links per bit-hop, SIMD lane operations, instruction-buffer bits, DRAM
/// per bit. No leakage.
EnergyBreakdown activity_energy(const ArchConfig& cfg, std::uint64_t dram_bytes, const Activity& activity);

/// Whether the subarrays reach Pod Memory through crossbars: not on a chip
/// whose pods hold one subarray each (its buffers are wired to it).
bool has_crossbars(const ArchConfig& cfg);
/// 2:1 multiplexer levels a bit crosses in a pod's crossbar: log2 of the
/// subarrays per pod, rounded up (0 without crossbars).
unsigned crossbar_levels(const ArchConfig& cfg);

}  // namespace planaria
