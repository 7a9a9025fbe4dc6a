#pragma once
// The reconfiguration register file (paper, Section IV-C): per subarray a
// current and a next 6-bit state, per Fission Pod the Pod Memory crossbar
// selectors (current and next), a commit that moves next to current at a tile
// boundary, and status/error registers. The host reaches it through a
// TLM-2.0 target socket; the datapath reads the current state directly.
//
// A next state that no hardware could realise is flagged in STATUS (NEXT_VALID
// clear, NEXT_ERROR says why) while the host is still writing it, and refused
// at commit: the current state stays, ERROR records the rule, and a warning
// names the subarray.

#include <optional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/config/arch_config.h"
#include "hw/fission/fission_topology.h"
#include "tlm/register_bank.h"

namespace planaria {

class ReconfigurationRegisterFile : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket_optional<ReconfigurationRegisterFile> socket;  // the host's register interface

    ReconfigurationRegisterFile(sc_core::sc_module_name name, const ArchConfig& cfg);

    // ---- hardware side ----
    /// Called when every running tile has finished: applies a pending commit.
    void tile_boundary();

    /// A tenant re-fissions its own subarrays between layers (its sequencers'
    /// Configure instructions, at a barrier of all of them): the subarrays
    /// take the given states and selectors in the current state at once, and
    /// in the next state too, so that a later commit for other tenants keeps
    /// them. Refused, changing nothing, if the chip's state would not be
    /// realisable.
    struct LocalChange {
        unsigned subarray;
        std::uint32_t state;
        unsigned selector;
    };
    std::optional<FissionError> apply_local(const std::vector<LocalChange>& changes);
    bool commit_pending() const { return commit_pending_; }
    const FissionState& current() const { return current_; }
    const FissionState& next() const { return next_; }
    /// Logical arrays of the current state (always realisable).
    const FissionTopology& topology() const { return topology_; }
    /// Why the next state cannot be realised, if it cannot.
    const std::optional<FissionError>& next_error() const { return next_error_; }
    /// The rule that refused the last commit, if any since CLEAR_ERROR.
    const std::optional<FissionError>& refused() const { return refused_; }
    /// Notified after every successful commit.
    const sc_core::sc_event& committed_event() const { return committed_; }
    const Floorplan& floorplan() const { return floorplan_; }
    const RegisterBank& registers() const { return bank_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

    void build_register_map();
    void revalidate_next();
    std::uint32_t status() const;
    std::uint32_t crossbar_word(const FissionState& s, unsigned pod, unsigned word) const;
    void set_crossbar_word(unsigned pod, unsigned word, std::uint32_t value);
    std::uint32_t crossbar_mask(unsigned word) const;
    static std::uint32_t encode_error(const std::optional<FissionError>& e);
    void control(std::uint32_t value);

    ArchConfig cfg_;
    Floorplan floorplan_;
    FissionState current_, next_;
    FissionTopology topology_;
    std::optional<FissionError> next_error_, refused_;
    bool commit_pending_ = false;
    std::uint32_t commit_count_ = 0;
    sc_core::sc_time access_time_;
    sc_core::sc_event committed_;
    RegisterBank bank_;
};

}  // namespace planaria
