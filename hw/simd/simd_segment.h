#pragma once
// A SIMD vector unit segment (paper Section III-A(3)): the monolithic SIMD
// unit cut into one segment per subarray. A segment processes the outputs
// leaving its subarray's last PE row on their way to the output buffer; the
// segments of subarrays stacked above others in a logical array are bypassed
// (their partial sums go on down the ring bus, not to memory).
//
// Operations on accumulator values: none (the segment is bypassed and adds no
// latency), ReLU, requantisation to activation width (arithmetic shift right
// with rounding to nearest, then saturation), and both; after them, the chain
// of element-wise layers the compiler fused into the write-back.

#include <cstdint>

#include <systemc>

#include "hw/config/arch_config.h"
#include "hw/isa/number_format.h"
#include "hw/pe/pe_state.h"

namespace planaria {

enum class SimdOp : std::uint8_t { None = 0, Relu = 1, Requantize = 2, RequantizeRelu = 3 };

struct SimdInstruction {
    SimdOp op = SimdOp::None;
    unsigned shift = 0;  ///< requantisation: divide by 2^shift, rounded
    /// Then the element-wise layers fused into the write-back, in order
    /// (LayerType + 1 each, 0: none), on the requantised value.
    std::uint32_t fused[4] = {0, 0, 0, 0};
};

class SimdSegment : public sc_core::sc_module {
public:
    SimdSegment(sc_core::sc_module_name name, const ArchConfig& cfg);

    /// Cycles a value spends in the segment (0 when bypassed).
    unsigned latency(const SimdInstruction& insn) const { return insn.op == SimdOp::None ? 0 : stages_; }
    /// The segment's function on one value.
    Accumulator apply(const SimdInstruction& insn, Accumulator value) const;
    /// Counts lane operations for energy accounting.
    void count(unsigned lanes_used) { lane_ops_ += lanes_used; }
    std::uint64_t lane_ops() const { return lane_ops_; }
    unsigned lanes() const { return lanes_; }

private:
    unsigned lanes_, stages_, activation_bits_;
    std::uint64_t lane_ops_ = 0;
};

}  // namespace planaria
