#include "hw/pe/processing_element.h"

#include <cstring>

#include "tlm/memory_access.h"

namespace planaria {

namespace {
constexpr unsigned kRegisterBytes = 12;  // accumulator (8), activation (2), weight (2)
}

ProcessingElement::ProcessingElement(sc_core::sc_module_name name, PeState& state, unsigned index)
    : sc_module(name), socket("socket"), state_(state), index_(index),
      weight_bytes_(std::uint64_t(state.slots) * sizeof(Weight)) {
    socket.register_b_transport(this, &ProcessingElement::b_transport);
    socket.register_transport_dbg(this, &ProcessingElement::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &ProcessingElement::get_direct_mem_ptr);
}

std::uint64_t ProcessingElement::address_span(unsigned weight_buffer_bytes) {
    std::uint64_t span = 1;
    while (span < std::uint64_t(weight_buffer_bytes) + kRegisterBytes) span <<= 1;
    return span;
}

void ProcessingElement::register_image(unsigned char* out) const {
    const Accumulator acc = state_.psum[index_];
    const Activation act = state_.activation[index_];
    const Weight w = state_.weight[index_];
    std::memcpy(out, &acc, 8);
    std::memcpy(out + 8, &act, 2);
    std::memcpy(out + 10, &w, 2);
}

MemoryWindow ProcessingElement::weight_window() const {
    return {reinterpret_cast<unsigned char*>(state_.buffer_of(index_)), weight_bytes_, true};
}

void ProcessingElement::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    // Untimed here: the bus that fills the weight buffers annotates the time.
    const std::uint64_t address = trans.get_address();
    if (address < weight_bytes_) {
        execute_on_memory(trans, weight_window(), address);
        return;
    }
    unsigned char image[kRegisterBytes];
    register_image(image);
    execute_on_memory(trans, MemoryWindow{image, kRegisterBytes, false}, address - weight_bytes_);
}

unsigned ProcessingElement::transport_dbg(tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    if (address < weight_bytes_) return debug_on_memory(trans, weight_window(), address);
    unsigned char image[kRegisterBytes];
    register_image(image);
    return debug_on_memory(trans, MemoryWindow{image, kRegisterBytes, false}, address - weight_bytes_);
}

bool ProcessingElement::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    if (trans.get_address() >= weight_bytes_) {
        dmi.allow_none();
        dmi.set_start_address(weight_bytes_);
        dmi.set_end_address(address_span(unsigned(weight_bytes_)) - 1);
        return false;
    }
    dmi.allow_read_write();
    dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(state_.buffer_of(index_)));
    dmi.set_start_address(0);
    dmi.set_end_address(weight_bytes_ - 1);
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

}  // namespace planaria
