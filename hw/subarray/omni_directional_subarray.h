#pragma once
// An omni-directional systolic subarray (paper Section IV-A, Fig. 8).
//
// rows x cols PEs (32x32 on Planaria). Activations move along PE rows, partial
// sums down PE columns; the multiplexer/de-multiplexer pairs around every PE,
// driven by the two direction bits of the subarray's current reconfiguration
// state, make activations flow west-to-east or east-to-west and partial sums
// north-to-south or south-to-north. The edge PEs exchange data with the
// neighbouring subarrays through the ring buses (or with Pod Memory).
//
// The PE state is plain data (PeState) stepped by step(); the PE modules
// expose it through their TLM sockets. The weight bus (a target socket) is the
// bus that "goes around the subarrays and fills their weight buffers": it
// routes a transaction at pe_address(r, c) + offset to that PE.
//
// A subarray is built with or without its PE modules: a chip at cycle
// fidelity has them (1,024 sc_modules, the TLM-visible face of the PE
// state); one at tile fidelity never steps its PEs and keeps only the state,
// which the weight bus then serves itself with the same address map.
//
// Its two ports into Pod Memory are initiator sockets bound to its Fission
// Pod's crossbars: `activation_port` reads the activation buffer and
// `output_port` writes the output buffer its crossbar selector names;
// `remote_port` writes other pods' output buffers over the inter-pod links.

#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/config/arch_config.h"
#include "hw/pe/processing_element.h"

namespace planaria {

/// The direction bits of a subarray as the datapath uses them.
struct FlowDirection {
    bool westward = false;   ///< activations enter at the east edge
    bool northward = false;  ///< partial sums enter at the south edge
};

/// Values crossing one edge of a subarray in one cycle.
template <class T>
struct EdgeVector {
    std::vector<T> value;
    std::vector<std::uint8_t> valid;
    explicit EdgeVector(unsigned width = 0) : value(width, 0), valid(width, 0) {}
    void clear() {
        std::fill(value.begin(), value.end(), T(0));
        std::fill(valid.begin(), valid.end(), std::uint8_t(0));
    }
};
using ActivationEdge = EdgeVector<Activation>;   ///< one value per PE row
using PartialSumEdge = EdgeVector<Accumulator>;  ///< one value per PE column

class OmniDirectionalSubarray : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket_optional<OmniDirectionalSubarray> weight_bus;
    tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray> activation_port;  ///< to the activation crossbar
    tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray> output_port;      ///< to the output crossbar
    /// To its pod's router of the inter-pod links (hw/pod/fission_pod.h): other pods' output buffers.
    tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray> remote_port;

    OmniDirectionalSubarray(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned index,
                            bool pe_modules = true);

    unsigned index() const { return index_; }
    unsigned rows() const { return state_.rows; }
    unsigned cols() const { return state_.cols; }
    unsigned weight_slots() const { return state_.slots; }
    /// The PE state (allocated on first use).
    PeState& pes() {
        state_.materialize();
        return state_;
    }
    bool has_pe_modules() const { return !pes_.empty(); }
    /// Throws std::out_of_range when built without PE modules.
    ProcessingElement& pe(unsigned r, unsigned c) { return *pes_.at(r * state_.cols + c); }
    /// Address of PE (r, c) on the weight bus; the PE's own map follows.
    std::uint64_t pe_address(unsigned r, unsigned c) const { return std::uint64_t(r * state_.cols + c) * pe_span_; }
    std::uint64_t weight_bus_span() const { return std::uint64_t(state_.pe_count()) * pe_span_; }

    // ---- datapath side ----
    /// Every PE latches weight-buffer slot `slot` into its weight register.
    void latch_weights(unsigned slot);
    /// Empties the pipeline: activation and partial-sum registers invalid and zero.
    void clear_pipeline();
    /// One clock cycle. Inputs are what arrives at the input edges this cycle,
    /// outputs what the output-edge PEs hold at its end.
    void step(FlowDirection flow, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
              ActivationEdge& act_out, PartialSumEdge& psum_out);

    std::uint64_t cycles_stepped() const { return cycles_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);
    /// Decodes a weight-bus address into a PE and its local address; false if unmapped.
    bool decode(tlm::tlm_generic_payload& trans, unsigned& pe) const;

    unsigned index_;
    PeState state_;
    std::uint64_t pe_span_;
    std::vector<std::unique_ptr<ProcessingElement>> pes_;
    std::unique_ptr<tlm_utils::multi_passthrough_initiator_socket<OmniDirectionalSubarray>> to_pe_;
    std::uint64_t cycles_ = 0;
};

}  // namespace planaria
