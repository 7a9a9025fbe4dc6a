#pragma once
// A minimal TLM-2.0 initiator for tests: builds generic payloads, sends them
// through b_transport or transport_dbg, and returns the response status.
#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace planaria::test {

struct TestHost : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<TestHost> socket{"socket"};
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;  ///< accumulated annotation
    sc_dt::uint64 invalid_start = 1, invalid_end = 0;  ///< last DMI invalidation received

    explicit TestHost(sc_core::sc_module_name name) : sc_module(name) {
        socket.register_invalidate_direct_mem_ptr(this, &TestHost::invalidate);
    }
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
        invalid_start = start;
        invalid_end = end;
    }

    tlm::tlm_response_status transact(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data,
                                      unsigned length, unsigned char* byte_enables = nullptr,
                                      unsigned streaming_width = 0) {
        tlm::tlm_generic_payload trans;
        trans.set_command(cmd);
        trans.set_address(address);
        trans.set_data_ptr(data);
        trans.set_data_length(length);
        trans.set_streaming_width(streaming_width ? streaming_width : length);
        trans.set_byte_enable_ptr(byte_enables);
        trans.set_byte_enable_length(byte_enables ? length : 0);
        trans.set_dmi_allowed(false);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(trans, delay);
        return trans.get_response_status();
    }

    tlm::tlm_response_status write(std::uint64_t address, std::uint32_t value) {
        unsigned char bytes[4];
        for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
        return transact(tlm::TLM_WRITE_COMMAND, address, bytes, 4);
    }

    tlm::tlm_response_status read(std::uint64_t address, std::uint32_t& value) {
        unsigned char bytes[4] = {0, 0, 0, 0};
        const auto status = transact(tlm::TLM_READ_COMMAND, address, bytes, 4);
        value = std::uint32_t(bytes[0]) | std::uint32_t(bytes[1]) << 8 | std::uint32_t(bytes[2]) << 16 |
                std::uint32_t(bytes[3]) << 24;
        return status;
    }

    /// Reads a register that must answer OK.
    std::uint32_t read(std::uint64_t address) {
        std::uint32_t value = 0;
        if (read(address, value) != tlm::TLM_OK_RESPONSE) throw std::runtime_error("read failed");
        return value;
    }

    unsigned debug(tlm::tlm_command cmd, std::uint64_t address, std::vector<unsigned char>& data) {
        tlm::tlm_generic_payload trans;
        trans.set_command(cmd);
        trans.set_address(address);
        trans.set_data_ptr(data.data());
        trans.set_data_length(unsigned(data.size()));
        return socket->transport_dbg(trans);
    }
};

}  // namespace planaria::test
