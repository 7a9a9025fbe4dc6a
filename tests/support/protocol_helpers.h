#pragma once
// Small helpers for the protocol tests of the datapath's sockets (weight
// bus, ring bus, Pod Memory): reading back little-endian values and sending
// writes with a byte-enable pattern.
#include <cstdint>

#include <tlm>

#include "support/tlm_test_host.h"

namespace planaria::test {

/// The little-endian 16-bit value at `p`.
inline std::int16_t le16(const unsigned char* p) { return std::int16_t(p[0] | p[1] << 8); }

/// A write whose byte-enable pattern (`be_length` bytes) repeats over the data.
inline tlm::tlm_response_status write_enabled(TestHost& host, std::uint64_t address, unsigned char* data,
                                              unsigned length, unsigned char* enables, unsigned be_length) {
    tlm::tlm_generic_payload t;
    t.set_write();
    t.set_address(address);
    t.set_data_ptr(data);
    t.set_data_length(length);
    t.set_streaming_width(length);
    t.set_byte_enable_ptr(enables);
    t.set_byte_enable_length(be_length);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    host.socket->b_transport(t, host.delay);
    return t.get_response_status();
}

}  // namespace planaria::test
