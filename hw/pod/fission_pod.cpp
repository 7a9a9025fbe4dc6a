#include "hw/pod/fission_pod.h"

#include <algorithm>

#include "tlm/memory_access.h"

namespace planaria {

namespace {
/// Both crossbars of a pod follow the pod's selectors in the current state.
std::function<unsigned(unsigned)> current_selector(const ReconfigurationRegisterFile& regs, unsigned pod) {
    return [&regs, pod](unsigned slot) { return regs.current().selector[regs.floorplan().subarray_of(pod, slot)]; };
}
}  // namespace

FissionPod::FissionPod(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned index,
                       const ReconfigurationRegisterFile& regs)
    : sc_module(name), links_in("links_in"), index_(index), floorplan_(regs.floorplan()),
      memory_("pod_memory", cfg, cfg.subarrays_per_pod()),
      activation_crossbar_("activation_crossbar", cfg, PodCrossbar::Kind::ActivationRead, memory_,
                           current_selector(regs, index)),
      output_crossbar_("output_crossbar", cfg, PodCrossbar::Kind::OutputWrite, memory_,
                       current_selector(regs, index)),
      to_memory_("to_memory"),
      slot_span_(power_of_two_at_least(memory_.output_buffer_bytes())),
      pod_span_(slot_span_ * power_of_two_at_least(cfg.subarrays_per_pod())),
      crossbar_latency_(output_crossbar_.latency()) {
    activation_crossbar_.to_memory.bind(memory_.port);
    output_crossbar_.to_memory.bind(memory_.port);
    to_memory_.bind(memory_.port);
    links_in.register_b_transport(this, &FissionPod::b_transport);
    links_in.register_transport_dbg(this, &FissionPod::transport_dbg);
    links_in.register_get_direct_mem_ptr(this, &FissionPod::get_direct_mem_ptr);
    for (const auto& [from, to] : floorplan_.inter_pod_links())
        if (from == index_) next_pods_.push_back(to);
    if (!next_pods_.empty())
        links_out_ = std::make_unique<tlm_utils::multi_passthrough_initiator_socket<FissionPod>>("links_out");
}

FissionPod::Route FissionPod::route(std::uint64_t address, unsigned length) const {
    Route r;
    const std::uint64_t pod = address / pod_span_;
    if (pod >= floorplan_.pods()) return r;
    r.here = pod == index_;
    if (!r.here) {
        const unsigned next = floorplan_.pod_route(index_, unsigned(pod)).front().second;
        r.link = unsigned(std::find(next_pods_.begin(), next_pods_.end(), next) - next_pods_.begin());
        r.valid = r.link < next_pods_.size() && links_out_ && r.link < links_out_->size();
        return r;
    }
    const std::uint64_t slot = address % pod_span_ / slot_span_, offset = address % slot_span_;
    if (slot >= floorplan_.subarrays_per_pod() || offset + length > memory_.output_buffer_bytes()) return r;
    r.local = output_crossbar_.window_base(unsigned(slot)) + offset;
    r.valid = true;
    return r;
}

void FissionPod::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    const Route r = route(address, trans.get_data_length());
    if (!r.valid) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (!r.here) {
        (*links_out_)[r.link]->b_transport(trans, delay);
        return;
    }
    trans.set_address(r.local);
    to_memory_->b_transport(trans, delay);
    trans.set_address(address);
    delay += crossbar_latency_;
}

unsigned FissionPod::transport_dbg(int, tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    const Route r = route(address, trans.get_data_length());
    if (!r.valid) return 0;
    if (!r.here) return (*links_out_)[r.link]->transport_dbg(trans);
    trans.set_address(r.local);
    const unsigned n = to_memory_->transport_dbg(trans);
    trans.set_address(address);
    return n;
}

bool FissionPod::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const std::uint64_t address = trans.get_address();
    const Route r = route(address, 1);
    if (!r.valid) {
        dmi.allow_none();
        return false;
    }
    if (!r.here) return (*links_out_)[r.link]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(r.local);
    const bool granted = to_memory_->get_direct_mem_ptr(trans, dmi);
    trans.set_address(address);
    if (!granted) return false;
    // Pod Memory grants the whole buffer: shown at its inter-pod address, with the crossbar's latency.
    const std::uint64_t offset = address % slot_span_;
    show_dmi_window(dmi, r.local - offset, address - offset, memory_.output_buffer_bytes(), crossbar_latency_);
    return true;
}

}  // namespace planaria
