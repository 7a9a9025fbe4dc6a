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
//    embedding, detection) address (Bundle: scratch bytes per k).
//
// Offsets are relative to their region's base, every item 64-byte aligned.

#include <cstdint>
#include <vector>

#include "compiler/lowering.h"
#include "compiler/model.h"
#include "hw/isa/weight_layout.h"

namespace planaria {

struct DataLayout {
    static constexpr std::uint64_t kAlign = 64;
    std::vector<std::uint64_t> inputs;   ///< per model input, in the tensors
    std::vector<std::uint64_t> outputs;  ///< per layer: the tensor holding its output
    std::vector<std::uint64_t> weights;  ///< per layer (GEMM layers; else 0), in the weights: its GEMMs' weights and bias, blocked
    std::uint64_t weight_bytes = 0;      ///< size of the weights region
    std::uint64_t tensor_bytes = 0;      ///< size of the tensors (the scratch starts here)
};

/// `rows` x `cols`: a subarray's PEs (the weights' block size).
DataLayout layout_data(const Model& model, const std::vector<LayerWork>& work, unsigned rows, unsigned cols);

/// The layout of the weights of GEMM `gemm` of a layer, and where they start
/// among the layer's weights (its GEMMs' one after the other).
WeightLayout weight_layout(const LayerWork& w, std::size_t gemm, unsigned rows, unsigned cols);
std::uint64_t weight_offset(const LayerWork& w, std::size_t gemm, unsigned rows, unsigned cols);

/// Address of the tensor a layer input refers to (Layer::inputs convention).
inline std::uint64_t input_address(const DataLayout& d, int input) {
    return input >= 0 ? d.outputs.at(std::size_t(input)) : d.inputs.at(std::size_t(-1 - input));
}

}  // namespace planaria
