#pragma once
// The Pod Memory buffers a logical array reaches (paper Section IV-C).
//
// Each Fission Pod joins its subarrays to its own Pod Memory buffers through
// two 4x4 crossbars, one for reading activation buffers and one for writing
// output buffers, so a subarray may use any buffer of its pod. A logical
// array reads activations only at its entry subarrays (first block column)
// and writes outputs only at its exit subarrays (last block row); the
// buffers of its other subarrays would sit idle. They are handed out:
//
//  - inside a pod, through the crossbar: the buffers of the array's members
//    in a pod are dealt round-robin to the pod's edge members;
//  - across pods, over the inter-pod direct links ("at most two hops" on
//    Planaria's 2x2 pod grid): the output buffers of a pod that holds members
//    but no exit member go to the exit members of the nearest pod that has
//    them. Each hop adds `inter_pod_link.latency_cycles` to a write, and the
//    links' bandwidth paces the stream when the remote writes would exceed it.
//
// Activations stay inside the pod: a remote read would arrive hops later
// than the skew the wavefront needs, and the crossbar's share already
// matches the outputs' reach on every array shape of the paper's chip.
//
// An edge member stripes its vectors over its buffers: vector v of the
// array's buffer space goes to buffer v mod n, entry v / n, local buffers
// first. Every edge member uses the same n (the smallest share), so an array
// holds n buffers' worth of vectors.

#include <cstdint>
#include <vector>

#include "hw/fission/fission_topology.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

class BufferReach {
public:
    /// One buffer an edge member uses: whose subarray's buffer it is, and the
    /// inter-pod hops to it (0: in the member's own pod).
    struct Buffer {
        unsigned subarray = 0;
        unsigned hops = 0;
    };

    BufferReach(const ArchConfig& cfg, const Floorplan& fp, const LogicalArray& array);

    /// Activation buffers of entry member (row block) r, in stripe order.
    const std::vector<Buffer>& activation_buffers(unsigned r) const { return act_.at(r); }
    /// Output buffers of exit member (column block) c, in stripe order.
    const std::vector<Buffer>& output_buffers(unsigned c) const { return out_.at(c); }

    /// Vectors the array's activation / output buffer space holds.
    std::uint64_t activation_entries() const { return act_entries_; }
    /// Bytes of activation buffer each entry member reaches.
    std::uint64_t activation_bytes() const { return act_bytes_; }
    std::uint64_t output_entries() const { return out_entries_; }
    /// Vectors one tile may stream: both buffer spaces double-buffered.
    std::uint64_t max_tile_vectors() const { return std::max<std::uint64_t>(1, std::min(act_entries_, out_entries_) / 2); }

    /// What the tile's closed form needs; nullptr when every write stays in its pod.
    const OutputStripe* stripe() const { return stripe_.remote() ? &stripe_ : nullptr; }

private:
    std::vector<std::vector<Buffer>> act_, out_;
    std::uint64_t act_entries_ = 0, out_entries_ = 0, act_bytes_ = 0;
    OutputStripe stripe_;
};

/// What every cluster of a placement reaches (all clusters of a fission
/// configuration run the same tiles, so the one that reaches least decides).
struct PlacementReach {
    std::uint64_t max_tile_vectors = 1;
    std::uint64_t activation_bytes = 0;  ///< per entry member
};
PlacementReach placement_reach(const ArchConfig& cfg, const Floorplan& fp, const std::vector<LogicalArray>& placement);
/// The same, of the clusters' reaches already computed.
PlacementReach placement_reach(const std::vector<BufferReach>& clusters);

}  // namespace planaria
