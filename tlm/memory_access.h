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

}  // namespace planaria
