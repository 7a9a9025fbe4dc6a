#pragma once
// A bi-directional ring bus (paper Section IV-B): one per kind of data, the
// activation ring and the partial-sum ring. Every physical link between two
// neighbouring subarrays (and between neighbouring pods: the inter-pod
// links) is a pipeline of `ring_bus.pipeline_stages` registers, switched on
// or off by the neighbour-link bits; a switched-on link carries a vector of
// values (one per PE row for activations, per PE column for partial sums) in
// the direction the reconfiguration state gives.
//
// A value pushed by the upstream subarray at the end of cycle t reaches the
// downstream subarray's edge in cycle t + 1 + stages: each register adds one
// cycle to the ordinary PE-to-PE hop.
//
// The target socket gives debug access to the pipeline registers
// (transport_dbg, read only): link L's registers at L * link_span(), slot by
// slot (the value pushed at the end of cycle t sits in slot t mod
// (stages + 2)), each slot `width` values then `width` valid bytes.

#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/fission/fission_topology.h"
#include "hw/subarray/omni_directional_subarray.h"

namespace planaria {

template <class T>
class RingBus : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket_optional<RingBus<T>> socket;  // debug access to the pipeline registers

    /// `width`: values per link per cycle, each `bits` wide on the wires.
    RingBus(sc_core::sc_module_name name, const Floorplan& fp, unsigned stages, unsigned width, unsigned bits);

    /// The physical link a used link travels on: links are numbered by the
    /// subarray west or north of them, 2*s for its east link, 2*s+1 for its south link.
    unsigned link_index(const LinkUse& use) const;
    unsigned links() const { return unsigned(pipelines_.size()); }
    unsigned stages() const { return stages_; }

    /// Empties one link's pipeline (all registers invalid).
    void clear(unsigned link);
    /// The upstream edge's values at the end of `cycle`.
    void push(unsigned link, std::uint64_t cycle, const EdgeVector<T>& values);
    /// What reaches the downstream edge in `cycle`. A turn link is a U-turn
    /// of the bus: lane i arrives as lane width-1-i.
    void pop(unsigned link, std::uint64_t cycle, EdgeVector<T>& out, bool turn) const;

    /// Bits that have crossed links (one hop per link), valid data only.
    std::uint64_t bit_hops() const { return bit_hops_; }
    std::uint64_t link_span() const { return link_span_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);

    struct Pipeline {
        std::vector<T> value;              ///< [slot * width + i]
        std::vector<std::uint8_t> valid;   ///< [slot * width + i]
    };
    const Floorplan& fp_;
    unsigned stages_, width_, bits_, slots_;
    std::uint64_t link_span_;
    std::vector<Pipeline> pipelines_;
    std::uint64_t bit_hops_ = 0;
};

using ActivationRingBus = RingBus<Activation>;
using PartialSumRingBus = RingBus<Accumulator>;

}  // namespace planaria
