#pragma once
// What a loader puts in a tenant's memory for a functional run, and how it
// reads the results back: the model inputs (in the DATA region) and every
// GEMM layer's weights and biases (in the WEIGHTS region) at the offsets of
// compiler/data_layout.h, the weights rearranged from their conceptual layout
// (testbench/reference_inference.h) to one K x N matrix per GEMM instance in
// the lowering's row order (kernel tap major, input channel minor), stored
// in the blocked layout the weight loads read (hw/isa/weight_layout.h).

#include <cstdint>
#include <vector>

#include "compiler/data_layout.h"
#include "hw/config/arch_config.h"
#include "testbench/reference_inference.h"

namespace planaria {

struct FunctionalImage {
    DataLayout layout;
    std::vector<MemoryBlock> blocks;
};

/// For the chip `cfg` (its subarrays' size blocks the weights). Throws
/// std::invalid_argument naming the layer when the model cannot run
/// functionally (numerics::supported) or the parameters do not fit it.
FunctionalImage functional_image(const Model& model, const ModelParameters& params, const std::vector<Tensor>& inputs,
                                 const ArchConfig& cfg);

}  // namespace planaria
