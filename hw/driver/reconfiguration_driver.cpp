#include "hw/driver/reconfiguration_driver.h"

#include <sstream>

#include "tlm/register_map.h"

namespace planaria {

ReconfigurationDriver::ReconfigurationDriver(sc_core::sc_module_name name, const Floorplan& fp, std::uint64_t base)
    : sc_module(name), socket("socket"), fp_(fp), base_(base) {}

namespace {
void access(tlm_utils::simple_initiator_socket<ReconfigurationDriver>& socket, tlm::tlm_command cmd,
            std::uint64_t address, std::uint32_t& value, sc_core::sc_time& delay) {
    unsigned char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(address);
    trans.set_data_ptr(bytes);
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(trans, delay);
    if (!trans.is_response_ok()) {
        std::ostringstream os;
        os << "register " << (cmd == tlm::TLM_READ_COMMAND ? "read" : "write") << " at 0x" << std::hex << address
           << ": " << trans.get_response_string();
        throw RegisterAccessError(os.str());
    }
    value = std::uint32_t(bytes[0]) | std::uint32_t(bytes[1]) << 8 | std::uint32_t(bytes[2]) << 16 |
            std::uint32_t(bytes[3]) << 24;
}
}  // namespace

std::uint32_t ReconfigurationDriver::read(std::uint64_t offset) {
    std::uint32_t value = 0;
    access(socket, tlm::TLM_READ_COMMAND, base_ + offset, value, delay_);
    return value;
}

void ReconfigurationDriver::write(std::uint64_t offset, std::uint32_t value) {
    access(socket, tlm::TLM_WRITE_COMMAND, base_ + offset, value, delay_);
}

void ReconfigurationDriver::program(const FissionState& state) {
    for (unsigned i = 0; i < fp_.subarrays(); ++i) write(regmap::subarray_next(i), state.subarray.at(i));
    const unsigned bits = fp_.selector_bits();
    for (unsigned p = 0; p < fp_.pods(); ++p) {
        std::uint64_t value = 0;
        for (unsigned slot = 0; slot < fp_.subarrays_per_pod(); ++slot)
            value |= std::uint64_t(state.selector.at(fp_.subarray_of(p, slot))) << (slot * bits);
        write(regmap::pod_crossbar_next(p, 0), std::uint32_t(value));
        if (bits * fp_.subarrays_per_pod() > 32) write(regmap::pod_crossbar_next(p, 1), std::uint32_t(value >> 32));
    }
}

void ReconfigurationDriver::commit() { write(regmap::kControl, regmap::kControlCommit); }

}  // namespace planaria
