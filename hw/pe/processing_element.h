#pragma once
// One processing element as a SystemC module: a TLM-2.0 target socket through
// which its private weight buffer is loaded (b_transport, DMI for bulk loads)
// and its registers read (transport_dbg). The PE's state lives in the
// subarray's PeState; the subarray steps it, this module only exposes it.
//
// PE address map (bytes, little-endian):
//   [0, weight_buffer_bytes)        weight buffer, slot s at 2*s   RW, DMI
//   accumulator_offset() (8 bytes)  partial-sum register           RO
//   + 8 (2 bytes)                   activation register            RO
//   + 10 (2 bytes)                  weight register                RO
// Everything else answers TLM_ADDRESS_ERROR_RESPONSE.
//
// The address map is implemented once, by the static functions below: the
// module's socket calls them, and so does the weight bus of a subarray built
// without PE modules (a chip at tile fidelity).

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/pe/pe_state.h"
#include "tlm/memory_access.h"

namespace planaria {

class ProcessingElement : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<ProcessingElement> socket;

    ProcessingElement(sc_core::sc_module_name name, PeState& state, unsigned index);

    /// Bytes of the PE's local address space (a power of two).
    static std::uint64_t address_span(unsigned weight_buffer_bytes);
    std::uint64_t accumulator_offset() const { return weight_bytes_; }

    unsigned index() const { return index_; }

    /// PE `pe` of `state`, reached at its local address.
    static void access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans);
    static unsigned debug_access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans);
    static bool direct_access(PeState& state, unsigned pe, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

    PeState& state_;
    unsigned index_;
    std::uint64_t weight_bytes_;
};

}  // namespace planaria
