#pragma once
// The target side of a block of 32-bit memory-mapped registers: decodes a
// tlm_generic_payload against a table of registers and answers with the
// standard TLM-2.0 response statuses. The hardware block that owns the
// registers supplies what a read returns and what a write does.
//
// Responses (base protocol, IEEE 1666-2011 section 14.17):
//   unmapped or misaligned address        TLM_ADDRESS_ERROR_RESPONSE
//   length != 4 or streaming width != 4   TLM_BURST_ERROR_RESPONSE
//   byte-enable pointer set               TLM_BYTE_ENABLE_ERROR_RESPONSE
//   write to a read-only register         TLM_COMMAND_ERROR_RESPONSE
//   write setting a reserved bit          TLM_GENERIC_ERROR_RESPONSE (nothing written)
//   TLM_IGNORE_COMMAND                    TLM_OK_RESPONSE, no effect

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <tlm>

namespace planaria {

class RegisterBank {
public:
    using ReadFn = std::function<std::uint32_t()>;
    using WriteFn = std::function<void(std::uint32_t)>;

    struct Register {
        std::string name;
        std::uint32_t writable_mask = 0;  ///< bits a write may set; 0 means read-only
        ReadFn read;
        WriteFn write;                    ///< empty for read-only registers
        bool side_effects = false;        ///< debug writes are refused (commands, not state)
    };

    /// Adds a read-only register.
    void add_read_only(std::uint64_t address, std::string name, ReadFn read);
    /// Adds a read-write register; a write may only set bits of `mask`.
    void add_read_write(std::uint64_t address, std::string name, std::uint32_t mask, ReadFn read,
                        WriteFn write, bool side_effects = false);

    /// Executes a b_transport payload; sets and returns its response status.
    tlm::tlm_response_status access(tlm::tlm_generic_payload& trans);

    /// transport_dbg: reads or writes consecutive aligned registers without
    /// timing; stops at the first register it cannot access. Returns bytes done.
    unsigned debug_access(tlm::tlm_generic_payload& trans);

    /// The register at an address, or nullptr.
    const Register* find(std::uint64_t address) const;

    /// A one-line explanation of the last refused access (for reports).
    const std::string& last_error() const { return last_error_; }

private:
    tlm::tlm_response_status refuse(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
                                    const std::string& why);
    std::map<std::uint64_t, Register> registers_;
    std::string last_error_;
};

}  // namespace planaria
