#include "tlm/memory_access.h"

#include <algorithm>
#include <cstring>

namespace planaria {

tlm::tlm_response_status execute_on_memory(tlm::tlm_generic_payload& trans, const MemoryWindow& window,
                                           std::uint64_t offset) {
    const tlm::tlm_command cmd = trans.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return tlm::TLM_OK_RESPONSE;
    }
    const unsigned length = trans.get_data_length();
    const unsigned width = trans.get_streaming_width() ? trans.get_streaming_width() : length;
    unsigned char* data = trans.get_data_ptr();
    // A streaming burst repeats the same `width` bytes of the target.
    if (!data || length == 0 || offset > window.size || width > window.size - offset) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    if (cmd == tlm::TLM_WRITE_COMMAND && !window.writable) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return tlm::TLM_COMMAND_ERROR_RESPONSE;
    }
    const unsigned char* be = trans.get_byte_enable_ptr();
    const unsigned be_length = trans.get_byte_enable_length();
    if (be && be_length == 0) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    }
    unsigned char* mem = window.data + offset;
    if (!be && width == length) {
        if (cmd == tlm::TLM_READ_COMMAND) std::memcpy(data, mem, length);
        else std::memcpy(mem, data, length);
    } else {
        for (unsigned i = 0; i < length; ++i) {
            if (be && be[i % be_length] != TLM_BYTE_ENABLED) continue;
            if (cmd == tlm::TLM_READ_COMMAND) data[i] = mem[i % width];
            else mem[i % width] = data[i];
        }
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_OK_RESPONSE;
}

unsigned debug_on_memory(tlm::tlm_generic_payload& trans, const MemoryWindow& window, std::uint64_t offset) {
    unsigned char* data = trans.get_data_ptr();
    if (!data || offset >= window.size) return 0;
    const unsigned n = unsigned(std::min<std::uint64_t>(trans.get_data_length(), window.size - offset));
    if (trans.is_read()) std::memcpy(data, window.data + offset, n);
    else if (trans.is_write() && window.writable) std::memcpy(window.data + offset, data, n);
    else return 0;
    return n;
}

void show_dmi_window(tlm::tlm_dmi& dmi, std::uint64_t buffer, std::uint64_t shown_at, std::uint64_t bytes,
                     const sc_core::sc_time& latency) {
    const std::uint64_t granted = dmi.get_end_address() - buffer + 1;
    dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (buffer - dmi.get_start_address()));
    dmi.set_start_address(shown_at);
    dmi.set_end_address(shown_at + std::min(bytes, granted) - 1);
    dmi.set_read_latency(dmi.get_read_latency() + latency);
    dmi.set_write_latency(dmi.get_write_latency() + latency);
}

const char* response_name(tlm::tlm_response_status status) {
    switch (status) {
        case tlm::TLM_OK_RESPONSE: return "TLM_OK_RESPONSE";
        case tlm::TLM_INCOMPLETE_RESPONSE: return "TLM_INCOMPLETE_RESPONSE";
        case tlm::TLM_GENERIC_ERROR_RESPONSE: return "TLM_GENERIC_ERROR_RESPONSE";
        case tlm::TLM_ADDRESS_ERROR_RESPONSE: return "TLM_ADDRESS_ERROR_RESPONSE";
        case tlm::TLM_COMMAND_ERROR_RESPONSE: return "TLM_COMMAND_ERROR_RESPONSE";
        case tlm::TLM_BURST_ERROR_RESPONSE: return "TLM_BURST_ERROR_RESPONSE";
        case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE: return "TLM_BYTE_ENABLE_ERROR_RESPONSE";
    }
    return "an unknown response status";
}

}  // namespace planaria
