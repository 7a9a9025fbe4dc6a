#pragma once
// The compiler's analytical view of a layer on a fission configuration: the
// configuration table's row, which the host scheduler reads. It predicts the
// chip (the tile-level model running the compiler's own program) for the
// canonical placement of k subarrays in isolation, without simulating it:
//
//  - work is dealt as the program deals it: units (instance, n tile, m
//    chunk), m fastest, round-robin over the clusters; a unit runs its k
//    tiles one after another into one output buffer; compute is the busiest
//    cluster's sum of the datapath's closed form over its tiles (exact);
//  - each member of a cluster moves its own share on its pod's off-chip
//    channel: the first block column loads the activations of its block
//    rows (im2col rows, once per n tile), every member the weights of its
//    block (once per (instance, n) group while its k tiles fit the weight
//    slots, else for every unit), the last block row stores the outputs;
//    the busiest channel sets the memory time;
//  - a layer starts after the previous layer's stores (a data barrier) and
//    ends with its own last store: it takes the longer of the compute path
//    (first operands on the channel, the busiest cluster, the last store)
//    and the channel path (the busiest channel, then what of the last unit
//    its transfers could not hide), plus the channel latency in and out;
//  - a SIMD-only layer is shared by the k subarrays: each loads its share,
//    computes, stores; the loads of a channel's subarrays come one after
//    another, so each computes while the next loads;
//  - LSTM steps run one after another, each a whole GEMM (weights fetched
//    again) behind a data barrier.
//
// Energy: the events of every tile as the sequencers count them
// (hw/timing/tile_activity.h: MACs, PE-cycles under the gating option,
// buffer and crossbar bits, ring-bus and inter-pod bit-hops), the DMA's
// buffer bits, DRAM per bit, SIMD per lane operation, and leakage for the
// layer's time, in proportion to the subarrays in use, and the
// instructions the program will fetch, estimated per tile and per layer.

#include <cstdint>
#include <string>

#include "compiler/activation_fetch.h"
#include "compiler/lowering.h"
#include "hw/config/arch_config.h"
#include "hw/fission/fission_configurations.h"
#include "hw/fission/buffer_reach.h"
#include "hw/fission/floorplan.h"
#include "hw/isa/energy_breakdown.h"
#include "hw/isa/simd_share.h"

namespace planaria {

struct LayerCost {
    std::uint64_t tiles = 0;            ///< tiles of all clusters together
    std::uint64_t compute_cycles = 0;   ///< systolic compute on the busiest cluster
    std::uint64_t memory_cycles = 0;    ///< the busiest channel's transfers
    std::uint64_t simd_cycles = 0;      ///< SIMD segments (SIMD-only layers)
    std::uint64_t fill_drain_cycles = 0;  ///< what max(compute, memory) leaves out: first operands, last unit, last store, latency
    std::uint64_t cycles = 0;           ///< the layer's time on k subarrays
    std::uint64_t dram_bytes = 0;
    std::uint64_t macs = 0;
    std::uint64_t max_tile_vectors = 0; ///< M of the largest tile (fits the buffers)
    bool weights_resident = false;      ///< weights fetched once per (instance, n) group and cluster
    EnergyBreakdown energy;
};

class CostModel {
public:
    /// `shared_windows`: ActivationFetch's what-if of entry subarrays sharing raw pixels.
    CostModel(const ArchConfig& cfg, unsigned chip_subarrays, bool shared_windows = false);

    /// A layer with GEMM work on `config`, using `k` subarrays in all.
    /// `fused_simd`: element-wise work of following layers done in write-back.
    LayerCost gemm_layer(const LayerWork& work, const FissionConfiguration& config, unsigned k,
                         std::uint64_t fused_simd_ops) const;
    /// A SIMD-only layer on the SIMD segments of `shares.size()` subarrays,
    /// position p moving shares[p] (Compiler::simd_traffic).
    LayerCost simd_layer(const LayerWork& work, const std::vector<SimdTraffic>& shares) const;

    /// Bytes one off-chip channel delivers per cycle.
    double channel_bytes_per_cycle() const;
    /// The channel a subarray's loads and stores use (its pod's).
    unsigned channel_of(unsigned subarray) const;
    /// What the clusters of `config` reach of the Pod Memory: the vectors a
    /// tile may stream (double-buffered) and the activation bytes.
    PlacementReach reach(const FissionConfiguration& config) const;
    std::uint64_t weight_slots() const { return slots_; }

private:
    LayerCost gemm(const GemmWork& g, const FissionConfiguration& config, bool simd_active) const;
    /// Cycles the array waits for operands its double-buffered activation
    /// buffer could not prefetch in time; `tile_time(q, mt, kt, nt)`: one
    /// tile's cycles on cluster q.
    template <class TileTime>
    std::uint64_t prefetch_stalls(const GemmWork& g, const FissionConfiguration& config, const ActivationFetch& fetch,
                                  const std::vector<unsigned>& member_channel, const std::vector<BufferReach>& reach,
                                  std::uint64_t nm, TileTime&& tile_time) const;
    double leakage_pj(std::uint64_t cycles, unsigned k) const;
    /// Instruction-buffer energy of `fetched` instructions (read and filled once each).
    double instruction_fetch_pj(std::uint64_t fetched) const;

    ArchConfig cfg_;
    Floorplan floorplan_;
    unsigned chip_subarrays_;
    std::uint64_t slots_;
    bool shared_windows_;
    std::uint64_t latency_cycles_;
};

}  // namespace planaria
