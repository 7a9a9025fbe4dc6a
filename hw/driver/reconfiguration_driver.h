#pragma once
// The host's driver for the reconfiguration registers: a TLM-2.0 initiator
// that writes a whole-chip fission state into the next-state registers and
// the Pod Memory crossbar selectors, and requests the commit that moves it to
// the current state at the next tile boundary. Every access is a
// b_transport on the base protocol; a refused access throws with the
// address and the response.

#include <stdexcept>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "hw/fission/fission_topology.h"

namespace planaria {

class RegisterAccessError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ReconfigurationDriver : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<ReconfigurationDriver> socket;

    /// `base`: address of the register file on the initiator's bus.
    ReconfigurationDriver(sc_core::sc_module_name name, const Floorplan& fp, std::uint64_t base = 0);

    /// Writes `state` into the next-state registers (subarrays, then crossbars).
    void program(const FissionState& state);
    /// Requests the commit at the next tile boundary.
    void commit();
    /// Time the accesses so far annotated (the caller decides when to wait).
    const sc_core::sc_time& elapsed() const { return delay_; }

    std::uint32_t read(std::uint64_t offset);
    void write(std::uint64_t offset, std::uint32_t value);

private:
    const Floorplan& fp_;
    std::uint64_t base_;
    sc_core::sc_time delay_ = sc_core::SC_ZERO_TIME;
};

}  // namespace planaria
