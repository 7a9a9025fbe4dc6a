#pragma once
// A direct link between two neighbouring Fission Pods (paper Section IV-C:
// an array's exit subarrays reach output buffers of pods that hold members
// but no exit member, "at most two hops" on the 2x2 pod grid). One module
// per direction. A write crossing it takes `inter_pod_link.latency_cycles`
// more; its bandwidth paces a tile's stream in the closed form
// (hw/timing/tile_timing.h, stream_pace).
//
// TLM view: `in` receives transactions on the inter-pod address space
// (FissionPod::remote_address) from the near pod, `out` hands them to the far
// pod, which delivers or routes them on. b_transport and DMI add the link's
// latency (a DMI pointer to a remote buffer carries every hop's latency);
// debug transport passes untimed.

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/config/arch_config.h"

namespace planaria {

class InterPodLink : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<InterPodLink> in;      ///< from the near pod
    tlm_utils::simple_initiator_socket<InterPodLink> out;  ///< to the far pod

    InterPodLink(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned from_pod, unsigned to_pod);

    unsigned from() const { return from_; }
    unsigned to() const { return to_; }
    sc_core::sc_time latency() const { return latency_; }
    /// Bytes written across the link by b_transport (DMI traffic is the datapath's to count).
    std::uint64_t bytes() const { return bytes_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    unsigned from_, to_;
    sc_core::sc_time latency_;
    std::uint64_t bytes_ = 0;
};

}  // namespace planaria
