#pragma once
// The compiler's side of the data layout (hw/bundle/data_layout.h): where
// it puts each tensor and each layer's blocked weights.

#include <cstdint>
#include <vector>

#include "compiler/lowering.h"
#include "compiler/model.h"
#include "hw/bundle/data_layout.h"
#include "hw/isa/weight_layout.h"

namespace planaria {

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
