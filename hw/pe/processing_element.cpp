#include "hw/pe/processing_element.h"

#include <cstring>

#include "tlm/memory_access.h"

namespace planaria {

namespace {
constexpr unsigned kRegisterBytes = 12;  // accumulator (8), activation (2), weight (2)

std::uint64_t weight_bytes(const PeState& s) { return std::uint64_t(s.slots) * sizeof(Weight); }

MemoryWindow weight_window(PeState& s, unsigned pe) {
    return {reinterpret_cast<unsigned char*>(s.buffer_of(pe)), weight_bytes(s), true};
}

/// Little-endian image of the read-only registers.
void register_image(PeState& s, unsigned pe, unsigned char* out) {
    s.materialize();
    const Accumulator acc = s.psum[pe];
    const Activation act = s.activation(pe);
    const Weight w = s.weight[pe];
    std::memcpy(out, &acc, 8);
    std::memcpy(out + 8, &act, 2);
    std::memcpy(out + 10, &w, 2);
}
}  // namespace

ProcessingElement::ProcessingElement(sc_core::sc_module_name name, PeState& state, unsigned index)
    : sc_module(name), socket("socket"), state_(state), index_(index), weight_bytes_(weight_bytes(state)) {
    socket.register_b_transport(this, &ProcessingElement::b_transport);
    socket.register_transport_dbg(this, &ProcessingElement::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &ProcessingElement::get_direct_mem_ptr);
}

std::uint64_t ProcessingElement::address_span(unsigned weight_buffer_bytes) {
    return power_of_two_at_least(std::uint64_t(weight_buffer_bytes) + kRegisterBytes);
}

void ProcessingElement::access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans) {
    // Untimed here: the bus that fills the weight buffers annotates the time.
    const std::uint64_t address = trans.get_address(), bytes = weight_bytes(state);
    if (address < bytes) {
        execute_on_memory(trans, weight_window(state, pe), address);
        return;
    }
    unsigned char image[kRegisterBytes];
    register_image(state, pe, image);
    execute_on_memory(trans, MemoryWindow{image, kRegisterBytes, false}, address - bytes);
}

unsigned ProcessingElement::debug_access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address(), bytes = weight_bytes(state);
    if (address < bytes) return debug_on_memory(trans, weight_window(state, pe), address);
    unsigned char image[kRegisterBytes];
    register_image(state, pe, image);
    return debug_on_memory(trans, MemoryWindow{image, kRegisterBytes, false}, address - bytes);
}

bool ProcessingElement::direct_access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans,
                                      tlm::tlm_dmi& dmi) {
    const std::uint64_t bytes = weight_bytes(state);
    if (trans.get_address() >= bytes) {
        dmi.allow_none();
        dmi.set_start_address(bytes);
        dmi.set_end_address(address_span(unsigned(bytes)) - 1);
        return false;
    }
    dmi.allow_read_write();
    dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(state.buffer_of(pe)));
    dmi.set_start_address(0);
    dmi.set_end_address(bytes - 1);
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

void ProcessingElement::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    access(state_, index_, trans);
}

unsigned ProcessingElement::transport_dbg(tlm::tlm_generic_payload& trans) {
    return debug_access(state_, index_, trans);
}

bool ProcessingElement::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    return direct_access(state_, index_, trans, dmi);
}

}  // namespace planaria
