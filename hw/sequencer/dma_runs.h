#pragma once
// The DMA engine's address generators: where in the tenant's memory a
// transfer's bytes lie, as runs of consecutive addresses in the order the
// bytes travel. The timed transactions go to these addresses in every run
// (functional or timing only, so both take the same time on any memory);
// in a functional run they carry the data.
//
// So far: a GEMM layer's stores (its output tiles into the planar output
// tensor). Transfers without a generator (loads of activations, SIMD layers'
// operands) still address the compiler's tiled ranges; their data moves
// beside them (hw/sequencer/tile_buffers.h).

#include <cstdint>
#include <vector>

#include "hw/isa/layer_descriptor.h"
#include "hw/sequencer/tile_buffers.h"

namespace planaria {

struct DmaRun {
    std::uint64_t offset = 0;  ///< relative to the data base
    std::uint64_t bytes = 0;
};

/// Whether the layer's stores go through store_runs (the GEMM layers computed functionally).
bool stores_generated(const LayerDescriptor& d);

/// The Store of `bytes` at the tiled output address `tiled` by the subarray
/// at `at`: its output block (vectors x columns) written column by column,
/// each column (one output channel) a run over consecutive positions of the
/// channel's plane; adjacent runs merged. The block's bytes travel column
/// major: element (v, j) at j * vectors + v. Empty when the store is not one
/// of the layer's output blocks of this subarray.
std::vector<DmaRun> store_runs(const LayerDescriptor& d, std::uint64_t tiled, std::uint64_t bytes, const BlockPosition& at);

}  // namespace planaria
