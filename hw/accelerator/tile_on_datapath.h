#pragma once
// A chip at cycle fidelity runs each tile its sequencers issue on the
// datapath modules (hw/datapath/systolic_datapath.h), cycle by cycle, and
// checks the cycles it took against the closed form the tile level uses.
//
// In functional runs the data the sequencers' DMA engines brought on chip
// (TileBuffers, hw/sequencer/tile_buffers.h) is staged where the hardware
// holds it: each member's weight block into its PEs' weight-buffer slot, the
// activations of each block row into the Pod Memory activation buffers its
// first subarray reaches, the partial sums of a k tile after the first (or
// the bias, at accumulator scale, before the first) into the output buffers.
// The tile then streams through PEs, ring-bus registers, crossbars and the
// SIMD segments, and the outputs are read back from Pod Memory for the
// stores. After the layer's last k tile the SIMD segment requantises and
// applies the fused element-wise chain; when the compiler bypassed it (no
// fused work) the output buffer's read port narrows the accumulators to
// activation width (the same function: numerics::NumberFormat::requantize).

#include <cstdint>
#include <string>
#include <vector>

#include "hw/datapath/systolic_datapath.h"
#include "hw/sequencer/subarray_sequencer.h"

namespace planaria {

/// Per chip: the tiles the datapath ran, and how many took other cycles than the closed form.
struct CycleCrossCheck {
    std::uint64_t tiles = 0, differing = 0;
    std::uint64_t datapath_cycles = 0, closed_form_cycles = 0;  ///< summed over the tiles
    std::uint64_t pe_cycles = 0;                                ///< PE steps the datapath executed
    std::string first_difference;                               ///< the first differing tile, described
    std::uint64_t errors = 0;
    std::string first_error;                                    ///< the first tile the datapath could not run
    /// Another chip's counts added (the first difference and error stay this one's).
    CycleCrossCheck& operator+=(const CycleCrossCheck& o) {
        tiles += o.tiles, differing += o.differing, errors += o.errors;
        datapath_cycles += o.datapath_cycles, closed_form_cycles += o.closed_form_cycles, pe_cycles += o.pe_cycles;
        return *this;
    }
};

/// Runs the tile of `array` on `datapath`: `issued` is what each of the
/// array's subarrays issued (in its order; the same shape, each its own
/// weight slot), `members` their TileBuffers (functional runs; else empty).
/// Returns the cycles the datapath took. Throws DatapathError.
std::uint64_t run_on_datapath(SystolicDatapath& datapath, const LogicalArray& array,
                              const std::vector<TileIssue>& issued, const std::vector<TileBuffers*>& members);

}  // namespace planaria
