#include "hw/pod/inter_pod_link.h"

namespace planaria {

InterPodLink::InterPodLink(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned from_pod, unsigned to_pod)
    : sc_module(name), in("in"), out("out"), from_(from_pod), to_(to_pod),
      latency_(cfg.inter_pod_link.latency_cycles * cfg.clock_period_ns(), sc_core::SC_NS) {
    in.register_b_transport(this, &InterPodLink::b_transport);
    in.register_transport_dbg(this, &InterPodLink::transport_dbg);
    in.register_get_direct_mem_ptr(this, &InterPodLink::get_direct_mem_ptr);
    out.register_invalidate_direct_mem_ptr(this, &InterPodLink::invalidate_direct_mem_ptr);
}

void InterPodLink::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    delay += latency_;
    out->b_transport(trans, delay);
    if (trans.is_response_ok() && trans.is_write()) bytes_ += trans.get_data_length();
}

unsigned InterPodLink::transport_dbg(tlm::tlm_generic_payload& trans) { return out->transport_dbg(trans); }

bool InterPodLink::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const bool granted = out->get_direct_mem_ptr(trans, dmi);
    dmi.set_read_latency(dmi.get_read_latency() + latency_);
    dmi.set_write_latency(dmi.get_write_latency() + latency_);
    return granted;
}

void InterPodLink::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    in->invalidate_direct_mem_ptr(start, end);
}

}  // namespace planaria
