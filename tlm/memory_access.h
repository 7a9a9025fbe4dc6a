#pragma once
// Payload execution for memory-like targets (PE weight buffers, Pod Memory,
// memory models): one implementation of the base protocol's data rules, so
// every memory in the model answers alike.
//
// The target's storage is a byte array in host order; the model's memories
// are little-endian, as is every supported host.

#include <cstdint>

#include <tlm>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the model stores data little-endian");

namespace planaria {

struct MemoryWindow {
    unsigned char* data = nullptr;  ///< first byte of the target's storage
    std::uint64_t size = 0;         ///< bytes of storage
    bool writable = true;
};

/// Executes `trans` at `offset` (its address relative to the window):
/// honours byte enables and streaming width; answers
/// TLM_ADDRESS_ERROR_RESPONSE when the access leaves the window and
/// TLM_COMMAND_ERROR_RESPONSE for a write to a read-only window. Sets and
/// returns the response status.
tlm::tlm_response_status execute_on_memory(tlm::tlm_generic_payload& trans, const MemoryWindow& window,
                                           std::uint64_t offset);

/// transport_dbg on a window: copies what fits, returns the bytes copied.
unsigned debug_on_memory(tlm::tlm_generic_payload& trans, const MemoryWindow& window, std::uint64_t offset);

/// The standard's name of a response status ("TLM_ADDRESS_ERROR_RESPONSE"), for reports.
const char* response_name(tlm::tlm_response_status status);

/// The smallest power of two at least `v`: address maps align their windows to it.
constexpr std::uint64_t power_of_two_at_least(std::uint64_t v) {
    std::uint64_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

/// A DMI grant covering a buffer that starts at `buffer` in the granting
/// target's address space, shown to the initiator at `shown_at` (at most
/// `bytes` of it), through a path that adds `latency` to reads and writes:
/// what a router or crossbar in front of a memory hands on.
void show_dmi_window(tlm::tlm_dmi& dmi, std::uint64_t buffer, std::uint64_t shown_at, std::uint64_t bytes,
                     const sc_core::sc_time& latency);

}  // namespace planaria
