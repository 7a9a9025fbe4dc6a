#include "hw/simd/simd_segment.h"

#include <algorithm>

namespace planaria {

SimdSegment::SimdSegment(sc_core::sc_module_name name, const ArchConfig& cfg)
    : sc_module(name), lanes_(cfg.simd.lanes), stages_(cfg.simd.pipeline_stages),
      activation_bits_(cfg.data.activation_bits) {}

Accumulator SimdSegment::apply(const SimdInstruction& insn, Accumulator v) const {
    const bool requantize = insn.op == SimdOp::Requantize || insn.op == SimdOp::RequantizeRelu;
    const bool relu = insn.op == SimdOp::Relu || insn.op == SimdOp::RequantizeRelu;
    if (requantize) {
        if (insn.shift > 0) {
            // Round half up, then arithmetic shift (floor division by 2^shift).
            v = (v + (Accumulator(1) << (insn.shift - 1))) >> insn.shift;
        }
        const Accumulator hi = (Accumulator(1) << (activation_bits_ - 1)) - 1, lo = -hi - 1;
        v = std::clamp(v, lo, hi);
    }
    if (relu) v = std::max<Accumulator>(v, 0);
    return v;
}

}  // namespace planaria
