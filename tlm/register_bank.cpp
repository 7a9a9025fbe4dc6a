#include "tlm/register_bank.h"

#include <cstring>
#include <iomanip>
#include <sstream>

namespace planaria {

namespace {
std::string hex(std::uint64_t v) {
    std::ostringstream os;
    os << "0x" << std::hex << std::setw(4) << std::setfill('0') << v;
    return os.str();
}
// Registers are little-endian in the payload's data array, whatever the host.
std::uint32_t load_le(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}
void store_le(unsigned char* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
}  // namespace

void RegisterBank::add_read_only(std::uint64_t address, std::string name, ReadFn read) {
    registers_[address] = Register{std::move(name), 0, std::move(read), {}, false};
}

void RegisterBank::add_read_write(std::uint64_t address, std::string name, std::uint32_t mask,
                                  ReadFn read, WriteFn write, bool side_effects) {
    registers_[address] = Register{std::move(name), mask, std::move(read), std::move(write), side_effects};
}

const RegisterBank::Register* RegisterBank::find(std::uint64_t address) const {
    const auto it = registers_.find(address);
    return it == registers_.end() ? nullptr : &it->second;
}

tlm::tlm_response_status RegisterBank::refuse(tlm::tlm_generic_payload& trans,
                                              tlm::tlm_response_status status, const std::string& why) {
    last_error_ = "register access at " + hex(trans.get_address()) + ": " + why;
    trans.set_response_status(status);
    return status;
}

tlm::tlm_response_status RegisterBank::access(tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return tlm::TLM_OK_RESPONSE;
    }
    if (address % 4 != 0) return refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, "misaligned address");
    const Register* reg = find(address);
    if (!reg) return refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, "no register at this address");
    if (trans.get_byte_enable_ptr())
        return refuse(trans, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "registers take no byte enables");
    if (trans.get_data_length() != 4 || trans.get_streaming_width() != 4 || !trans.get_data_ptr())
        return refuse(trans, tlm::TLM_BURST_ERROR_RESPONSE,
                      reg->name + " is 32 bits wide; access length " +
                          std::to_string(trans.get_data_length()));

    unsigned char* data = trans.get_data_ptr();
    if (trans.is_read()) {
        store_le(data, reg->read());
    } else {
        const std::uint32_t value = load_le(data);
        if (!reg->write) return refuse(trans, tlm::TLM_COMMAND_ERROR_RESPONSE, reg->name + " is read-only");
        if (value & ~reg->writable_mask) {
            std::ostringstream os;
            os << reg->name << ": value 0x" << std::hex << value << " sets reserved bits 0x"
               << (value & ~reg->writable_mask);
            return refuse(trans, tlm::TLM_GENERIC_ERROR_RESPONSE, os.str());
        }
        reg->write(value);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_OK_RESPONSE;
}

unsigned RegisterBank::debug_access(tlm::tlm_generic_payload& trans) {
    const std::uint64_t base = trans.get_address();
    const unsigned length = trans.get_data_length();
    unsigned char* data = trans.get_data_ptr();
    if (base % 4 != 0 || !data || trans.get_command() == tlm::TLM_IGNORE_COMMAND) return 0;
    unsigned done = 0;
    for (; done + 4 <= length; done += 4) {
        const Register* reg = find(base + done);
        if (!reg) break;
        if (trans.is_read()) {
            store_le(data + done, reg->read());
        } else {
            const std::uint32_t value = load_le(data + done);
            if (!reg->write || reg->side_effects || (value & ~reg->writable_mask)) break;
            reg->write(value);
        }
    }
    return done;
}

}  // namespace planaria
