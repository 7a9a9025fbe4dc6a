#pragma once
// One of the two 4x4 crossbars of a Fission Pod (paper Section IV-B): the
// activation crossbar (subarrays read activation buffers) or the output
// crossbar (subarrays write output buffers). Subarray slot s of the pod is
// connected to the Pod Memory buffer its crossbar selector names in the
// current reconfiguration state.
//
// TLM view: `port` has one binding per subarray slot, in slot order; an
// access at address a through slot s's binding reaches address a of the
// selected buffer (the activation buffer for the activation crossbar, the
// output buffer for the output crossbar). The activation crossbar is
// read-only. Each traversal annotates crossbar_latency_cycles. DMI through
// the crossbar grants the selected buffer's window (read only through the
// activation crossbar) with the crossbar's latency as the DMI latency: the
// datapath streams through such a pointer and takes its latency from it.

#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "hw/config/arch_config.h"
#include "hw/pod/pod_memory.h"

namespace planaria {

class PodCrossbar : public sc_core::sc_module {
public:
    enum class Kind { ActivationRead, OutputWrite };

    tlm_utils::multi_passthrough_target_socket_optional<PodCrossbar> port;  ///< subarray side
    tlm_utils::simple_initiator_socket<PodCrossbar> to_memory;              ///< Pod Memory side

    /// `selector(slot)` gives the buffer subarray slot `slot` is connected to.
    PodCrossbar(sc_core::sc_module_name name, const ArchConfig& cfg, Kind kind, const PodMemory& memory,
                std::function<unsigned(unsigned)> selector);

    Kind role() const { return kind_; }
    /// The buffer subarray slot `slot` reaches now.
    unsigned route(unsigned slot) const { return selector_(slot); }
    /// Pod Memory address of the window slot `slot` reaches.
    std::uint64_t window_base(unsigned slot) const;
    /// Bytes of the window (one buffer).
    std::uint64_t window_bytes() const;
    sc_core::sc_time latency() const { return latency_; }

private:
    void b_transport(int slot, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(int slot, tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(int slot, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    /// Refuses writes through the activation crossbar and accesses leaving the buffer.
    tlm::tlm_response_status check(tlm::tlm_generic_payload& trans) const;

    Kind kind_;
    const PodMemory& memory_;
    std::function<unsigned(unsigned)> selector_;
    sc_core::sc_time latency_;
};

}  // namespace planaria
