#pragma once
// The chip's logic area and power, block by block (the paper's Fig. 19):
// what fission adds to a systolic array with the same PEs. On-chip buffers
// are left out, as in the paper (they are the same on both chips).
//
// Area: each block's instance count times its cells (AreaConfig, 45 nm).
// Power, at the architecture's clock with every datapath block switching
// every cycle (the array streaming): a PE draws energy.mac_pj per cycle, a
// SIMD lane energy.simd_op_pj, an instruction buffer one instruction read
// per cycle (energy.instruction_buffer_pj_per_bit); the other logic
// (multiplexers, pipeline registers, crossbars) draws the PE array's power
// per unit area, i.e. it is taken to switch like the PE datapath it sits in;
// the reconfiguration registers hold their state between reconfigurations
// and draw none.

#include <string>
#include <vector>

#include "hw/config/arch_config.h"

namespace planaria {

struct BlockCost {
    std::string block;     ///< the paper's name for it
    bool fission = false;  ///< added to support fission (the paper's overhead), or common to both chips
    std::uint64_t count = 0;  ///< instances
    std::string unit;      ///< what one instance is
    double area_um2 = 0;   ///< all instances
    double power_mw = 0;   ///< all instances
};

/// Every logic block of the chip `cfg` describes; a chip of one subarray (the
/// monolithic array) has no fission blocks.
std::vector<BlockCost> area_power_breakdown(const ArchConfig& cfg);

}  // namespace planaria
