#pragma once
// Where a compiled DNN's real data sits in its tenant's memory (relative to
// the tenant's data base), as functional runs use it: every model input and
// every stored layer output as an int16 HWC tensor (hw/isa/number_format.h), and
// for every GEMM layer its weights as one K x N row-major matrix per GEMM
// instance (group, channel) and its bias per output channel. A fused chain
// (a GEMM layer and the element-wise layers in its write-back) stores one
// tensor, the chain's last output: all its layers map to it.
//
// The timed transfers of the instruction streams use the compiler's tiled
// address ranges below kDataBase; this region lies above them, so the two
// never overlap.

#include <cstdint>
#include <vector>

#include "compiler/lowering.h"
#include "compiler/model.h"

namespace planaria {

struct DataLayout {
    static constexpr std::uint64_t kDataBase = 0x10'0000'0000ull;
    std::vector<std::uint64_t> inputs;   ///< per model input
    std::vector<std::uint64_t> outputs;  ///< per layer: the tensor holding its output
    std::vector<std::uint64_t> weights;  ///< per layer (GEMM layers; else 0)
    std::vector<std::uint64_t> bias;     ///< per layer with a bias (else 0)
    std::uint64_t end = kDataBase;       ///< first byte after the data
};

DataLayout layout_data(const Model& model, const std::vector<LayerWork>& work);

/// Address of the tensor a layer input refers to (Layer::inputs convention).
inline std::uint64_t input_address(const DataLayout& d, int input) {
    return input >= 0 ? d.outputs.at(std::size_t(input)) : d.inputs.at(std::size_t(-1 - input));
}

}  // namespace planaria
