#pragma once
// Where a compiled DNN's data sits in its tenant's memory, in two regions
// the loader places where the SoC chooses (the sequencers' WEIGHTS and DATA
// base registers):
//
//  - weights (read only, so tenants running the same model can share them):
//    for every GEMM layer its weights and bias in the blocked layout of
//    hw/isa/weight_layout.h, which the weight loads read directly;
//  - tensors: every model input and every stored layer output as an int16
//    planar (CHW) tensor (hw/isa/number_format.h). A fused chain (a GEMM
//    layer and the element-wise layers in its write-back) stores one tensor,
//    the chain's last output: all its layers map to it. After the tensors,
//    the scratch that the layers the chip only times (LSTM, attention,
//    embedding, detection) address (CompiledForK::data_bytes: the region's
//    size per subarray count).
//
// Offsets are relative to their region's base, every item 64-byte aligned.
// The compiler fills it (compiler/data_layout.h).

#include <cstdint>
#include <vector>

namespace planaria {

struct DataLayout {
    static constexpr std::uint64_t kAlign = 64;
    std::vector<std::uint64_t> inputs;   ///< per model input, in the tensors
    std::vector<std::uint64_t> outputs;  ///< per layer: the tensor holding its output
    std::vector<std::uint64_t> weights;  ///< per layer (GEMM layers; else 0), in the weights: its GEMMs' weights and bias, blocked
    std::uint64_t weight_bytes = 0;      ///< size of the weights region
    std::uint64_t tensor_bytes = 0;      ///< size of the tensors (the scratch starts here)
};

/// Values a loader places in one of a tenant's regions: model inputs in the
/// DATA region, blocked weights (hw/isa/weight_layout.h) in the WEIGHTS region.
struct MemoryBlock {
    enum class Region { Data, Weights };
    std::uint64_t address = 0;  ///< relative to its region's base
    std::vector<std::int16_t> values;
    Region region = Region::Data;
};

}  // namespace planaria
