#include "hw/simd/simd_segment.h"

#include <algorithm>

namespace planaria {

SimdSegment::SimdSegment(sc_core::sc_module_name name, const ArchConfig& cfg)
    : sc_module(name), lanes_(cfg.simd.lanes), stages_(cfg.simd.pipeline_stages),
      activation_bits_(cfg.data.activation_bits) {}

Accumulator SimdSegment::apply(const SimdInstruction& insn, Accumulator v) const {
    const bool requantize = insn.op == SimdOp::Requantize || insn.op == SimdOp::RequantizeRelu;
    const bool relu = insn.op == SimdOp::Relu || insn.op == SimdOp::RequantizeRelu;
    const numerics::NumberFormat format{activation_bits_};
    if (requantize) v = format.requantize(v, insn.shift);
    if (relu) v = std::max<Accumulator>(v, 0);
    if (requantize) v = format.fused_chain(std::int16_t(v), insn.fused);
    return v;
}

}  // namespace planaria
