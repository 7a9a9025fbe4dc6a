#include "hw/pod/pod_crossbar.h"

#include "tlm/memory_access.h"

namespace planaria {

PodCrossbar::PodCrossbar(sc_core::sc_module_name name, const ArchConfig& cfg, Kind kind, const PodMemory& memory,
                         std::function<unsigned(unsigned)> selector)
    : sc_module(name), port("port"), to_memory("to_memory"), kind_(kind), memory_(memory),
      selector_(std::move(selector)),
      latency_(cfg.pod.crossbar_latency_cycles * cfg.clock_period_ns(), sc_core::SC_NS) {
    port.register_b_transport(this, &PodCrossbar::b_transport);
    port.register_transport_dbg(this, &PodCrossbar::transport_dbg);
    port.register_get_direct_mem_ptr(this, &PodCrossbar::get_direct_mem_ptr);
}

std::uint64_t PodCrossbar::window_bytes() const {
    return kind_ == Kind::ActivationRead ? memory_.activation_buffer_bytes() : memory_.output_buffer_bytes();
}

std::uint64_t PodCrossbar::window_base(unsigned slot) const {
    const unsigned buffer = route(slot);
    return kind_ == Kind::ActivationRead ? memory_.activation_base(buffer) : memory_.output_base(buffer);
}

tlm::tlm_response_status PodCrossbar::check(tlm::tlm_generic_payload& trans) const {
    if (kind_ == Kind::ActivationRead && trans.is_write()) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    const std::uint64_t size = window_bytes();
    const unsigned width = trans.get_streaming_width() ? trans.get_streaming_width() : trans.get_data_length();
    if (trans.get_address() >= size || width > size - trans.get_address()) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    return tlm::TLM_OK_RESPONSE;
}

void PodCrossbar::b_transport(int slot, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const tlm::tlm_response_status status = check(trans);
    if (status != tlm::TLM_OK_RESPONSE) {
        trans.set_response_status(status);
        return;
    }
    const std::uint64_t address = trans.get_address();
    trans.set_address(window_base(unsigned(slot)) + address);
    to_memory->b_transport(trans, delay);
    trans.set_address(address);
    delay += latency_;
}

bool PodCrossbar::get_direct_mem_ptr(int slot, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const std::uint64_t address = trans.get_address(), size = window_bytes(), base = window_base(unsigned(slot));
    if (address >= size) {
        dmi.allow_none();
        return false;
    }
    trans.set_address(base + address);
    const bool granted = to_memory->get_direct_mem_ptr(trans, dmi);
    trans.set_address(address);
    if (!granted) return false;
    // Pod Memory grants the whole buffer; the crossbar shows it at 0 and adds its latency.
    show_dmi_window(dmi, base, 0, size, latency_);
    if (kind_ == Kind::ActivationRead) dmi.allow_read();
    return true;
}

unsigned PodCrossbar::transport_dbg(int slot, tlm::tlm_generic_payload& trans) {
    if (check(trans) != tlm::TLM_OK_RESPONSE) return 0;
    const std::uint64_t address = trans.get_address();
    trans.set_address(window_base(unsigned(slot)) + address);
    const unsigned n = to_memory->transport_dbg(trans);
    trans.set_address(address);
    return n;
}

}  // namespace planaria
