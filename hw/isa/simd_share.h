#pragma once
// The DMA's address generators for a SIMD-only layer (paper Section IV-D:
// the SIMD segments of the tenant's subarrays share the element-wise work).
// Each subarray takes an even share of the layer's outputs, loads the
// operands those outputs read in one transfer, computes, and stores its
// results where the output tensor holds them. Part of the contract: the
// compiler writes these byte counts into the share's load and store, and
// the configuration tables charge the same traffic.

#include <cstdint>
#include <vector>

#include "hw/isa/dma_run.h"
#include "hw/isa/layer_descriptor.h"

namespace planaria {

/// Whether a SIMD layer's loads and stores go through the generators below
/// (every layer without a GEMM the chip computes functionally).
bool simd_generated(const LayerDescriptor& d);

/// This subarray's share of a SIMD layer (`d.position` of `d.subarrays`):
/// elements [first, end) of the flattened output; for softmax, which
/// normalises a position over its channels, positions [first, end) of every
/// channel.
struct SimdShare {
    std::uint64_t first = 0, end = 0;
    std::uint64_t total = 0;  ///< of all shares
};
SimdShare simd_share(const LayerDescriptor& d);

/// The operands the share reads, in memory order: spans of input j's
/// flattened elements (PixelSpan::channel = j), joined through gaps of at
/// most `gap` elements. Appended to `spans`.
void simd_operand_spans(const LayerDescriptor& d, std::uint64_t gap, std::vector<PixelSpan>& spans);
/// Where those spans lie in memory, adjacent ones merged.
std::vector<DmaRun> simd_operand_runs(const LayerDescriptor& d, const std::vector<PixelSpan>& spans);
/// Where the share's results go, in the order the SIMD segment produces
/// them (element order; softmax: channel by channel).
std::vector<DmaRun> simd_result_runs(const LayerDescriptor& d);

/// What the share's one load, SIMD operation and one store do (what the
/// compiler writes into them and the configuration tables charge): the
/// bytes each transfer moves, and the share's part of the layer's
/// `layer_ops` element-wise operations (in proportion to its outputs).
struct SimdTraffic {
    std::uint64_t operand_bytes = 0, result_bytes = 0, ops = 0;
};
SimdTraffic simd_traffic(const LayerDescriptor& d, std::uint64_t gap, std::uint64_t layer_ops);

}  // namespace planaria
