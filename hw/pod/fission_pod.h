#pragma once
// A Fission Pod (paper Section IV-B, Fig. 9): Pod Memory shared by the pod's
// subarrays and the two 4x4 crossbars that connect them to it, driven by the
// pod's crossbar selectors in the current reconfiguration state. The
// subarrays themselves are owned by the datapath; a pod knows them by slot.
//
// A pod is also a router of the inter-pod links (hw/pod/inter_pod_link.h):
// `links_in` takes transactions on the inter-pod address space, from its own
// subarrays' remote ports and from the links arriving from its neighbours.
// One addressed to this pod lands, through the output crossbar, in the output
// buffer the addressed slot's selector names; any other goes on over the
// outgoing link towards its pod (along the pod row first, then the column).
//
// Inter-pod address of byte `offset` of the output buffer selected by slot
// `s` of pod `p`: remote_address(p, s) + offset.

#include <memory>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>

#include "hw/pod/pod_crossbar.h"
#include "hw/pod/pod_memory.h"
#include "hw/regfile/reconfiguration_register_file.h"

namespace planaria {

class FissionPod : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket_optional<FissionPod> links_in;  ///< remote writes, to route or deliver

    FissionPod(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned index,
               const ReconfigurationRegisterFile& regs);

    unsigned index() const { return index_; }
    PodMemory& memory() { return memory_; }
    PodCrossbar& activation_crossbar() { return activation_crossbar_; }
    PodCrossbar& output_crossbar() { return output_crossbar_; }
    /// The neighbours the outgoing links lead to, in binding order.
    const std::vector<unsigned>& next_pods() const { return next_pods_; }
    /// One binding per outgoing inter-pod link, in the order of next_pods()
    /// (a pod without neighbours has no such socket).
    tlm_utils::multi_passthrough_initiator_socket<FissionPod>& links_out() { return *links_out_; }
    std::uint64_t remote_address(unsigned pod, unsigned slot) const { return pod * pod_span_ + slot * slot_span_; }

private:
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    /// Where an inter-pod address goes: delivered here (to Pod Memory address
    /// `local`), onwards over outgoing link `link`, or nowhere (an address error).
    struct Route {
        bool valid = false, here = false;
        std::uint64_t local = 0;
        unsigned link = 0;
    };
    Route route(std::uint64_t address, unsigned length) const;

    unsigned index_;
    const Floorplan& floorplan_;
    PodMemory memory_;
    PodCrossbar activation_crossbar_;
    PodCrossbar output_crossbar_;
    tlm_utils::simple_initiator_socket<FissionPod> to_memory_;  ///< delivered remote writes, through the output crossbar
    std::vector<unsigned> next_pods_;
    std::unique_ptr<tlm_utils::multi_passthrough_initiator_socket<FissionPod>> links_out_;
    std::uint64_t slot_span_, pod_span_;
    sc_core::sc_time crossbar_latency_;
};

}  // namespace planaria
