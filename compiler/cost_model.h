#pragma once
// The compiler's analytical view of a layer on a fission configuration:
// tiling under the buffers the configuration owns, cycles (compute from the
// datapath's closed form, exactly, per tile), off-chip traffic over the
// bandwidth share of the k subarrays, and energy from the architecture's
// constants.
//
// Buffers a cluster owns: the activation buffers its first column selects
// (one per row block), the output buffers its last row selects (one per
// column block) and the weight buffers of its PEs. Both activation and output
// buffers are double-buffered, so a tile streams at most
// min(activation entries, output entries) / 2 vectors.
//
// Two loop orders are costed and the one moving fewer bytes is kept:
//  - output-stationary: M chunks outermost; all (k, n) weight tiles of the
//    layer stay in the PE weight buffers if they fit in half the slots, else
//    they are fetched again for every M chunk; partial sums never leave the
//    output buffer;
//  - weight-stationary: (n, k) tiles outermost, all M chunks stream under
//    each weight tile; activations stay on chip if every M chunk of every
//    k tile fits in half the activation buffer, else they are fetched again
//    for every n tile; partial sums go off chip (at accumulator width, read
//    and written) only when the reduction is split and the M rows of an
//    n tile do not fit in half the output buffer.
// A layer takes max(compute, memory) cycles (double buffering) plus the
// first fetch's latency; LSTM steps run one after another.
//
// Energy: every PE of every subarray in use is charged mac_pj for every
// cycle its tile computes (no clock gating is modelled), buffers per bit
// accessed, ring-bus links per bit-hop, DRAM per bit, SIMD per lane
// operation, and leakage for the layer's time, in proportion to the
// subarrays in use.

#include <cstdint>
#include <string>

#include "compiler/lowering.h"
#include "hw/config/arch_config.h"
#include "hw/fission/fission_configurations.h"
#include "hw/isa/energy_breakdown.h"

namespace planaria {

struct LayerCost {
    std::uint64_t tiles = 0;            ///< tiles of all clusters together
    std::uint64_t compute_cycles = 0;   ///< systolic compute on the busiest cluster
    std::uint64_t memory_cycles = 0;    ///< off-chip transfers at the bandwidth share
    std::uint64_t simd_cycles = 0;      ///< SIMD segments (SIMD-only layers)
    std::uint64_t fill_drain_cycles = 0;  ///< first operands in, last outputs out (layers do not overlap)
    std::uint64_t cycles = 0;           ///< the layer's time on k subarrays
    std::uint64_t dram_bytes = 0;
    std::uint64_t macs = 0;
    std::uint64_t max_tile_vectors = 0; ///< M of the largest tile (fits the buffers)
    bool weights_resident = false;      ///< weights fetched once
    EnergyBreakdown energy;
};

class CostModel {
public:
    explicit CostModel(const ArchConfig& cfg, unsigned chip_subarrays);

    /// A layer with GEMM work on `config`, using `k` subarrays in all.
    /// `fused_simd`: element-wise work of following layers done in write-back.
    LayerCost gemm_layer(const LayerWork& work, const FissionConfiguration& config, unsigned k,
                         std::uint64_t fused_simd_ops) const;
    /// A SIMD-only layer on the SIMD segments of `k` subarrays.
    LayerCost simd_layer(const LayerWork& work, unsigned k) const;

    /// Bytes the off-chip channels deliver per cycle to `k` subarrays.
    double bytes_per_cycle(unsigned k) const;
    /// Vectors a tile may stream (double-buffered activation and output buffers).
    std::uint64_t max_tile_vectors() const { return max_vectors_; }
    std::uint64_t weight_slots() const { return slots_; }

private:
    LayerCost gemm(const GemmWork& g, const FissionConfiguration& config, unsigned k, bool simd_active) const;
    double leakage_pj(std::uint64_t cycles, unsigned k) const;

    ArchConfig cfg_;
    unsigned chip_subarrays_;
    std::uint64_t max_vectors_, act_entries_, out_entries_, slots_;
    std::uint64_t latency_cycles_;
};

}  // namespace planaria
