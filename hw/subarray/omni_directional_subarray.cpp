#include "hw/subarray/omni_directional_subarray.h"

#include <cstring>

namespace planaria {

OmniDirectionalSubarray::OmniDirectionalSubarray(sc_core::sc_module_name name, const ArchConfig& cfg,
                                                 unsigned index, bool pe_modules)
    : sc_module(name),
      weight_bus("weight_bus"),
      activation_port("activation_port"),
      output_port("output_port"),
      index_(index),
      state_(cfg.subarray.rows, cfg.subarray.cols, cfg.subarray.weight_buffer_bytes / sizeof(Weight)),
      pe_span_(ProcessingElement::address_span(cfg.subarray.weight_buffer_bytes)) {
    weight_bus.register_b_transport(this, &OmniDirectionalSubarray::b_transport);
    weight_bus.register_transport_dbg(this, &OmniDirectionalSubarray::transport_dbg);
    weight_bus.register_get_direct_mem_ptr(this, &OmniDirectionalSubarray::get_direct_mem_ptr);
    if (!pe_modules) return;
    to_pe_ = std::make_unique<tlm_utils::multi_passthrough_initiator_socket<OmniDirectionalSubarray>>("to_pe");
    to_pe_->register_invalidate_direct_mem_ptr(this, &OmniDirectionalSubarray::invalidate_direct_mem_ptr);
    pes_.reserve(state_.pe_count());
    for (unsigned r = 0; r < state_.rows; ++r)
        for (unsigned c = 0; c < state_.cols; ++c) {
            const std::string n = "pe_" + std::to_string(r) + "_" + std::to_string(c);
            pes_.push_back(std::make_unique<ProcessingElement>(n.c_str(), state_, r * state_.cols + c));
            to_pe_->bind(pes_.back()->socket);
        }
}

// ---------------------------------------------------------------------------
// Weight bus: a router from one target socket to the PEs' sockets.
// ---------------------------------------------------------------------------

bool OmniDirectionalSubarray::decode(tlm::tlm_generic_payload& trans, unsigned& pe) const {
    const std::uint64_t address = trans.get_address();
    pe = unsigned(address / pe_span_);
    if (pe >= state_.pe_count()) return false;
    // A transaction may not cross from one PE into the next.
    const std::uint64_t local = address % pe_span_;
    if (local + trans.get_data_length() > pe_span_) return false;
    trans.set_address(local);
    return true;
}

void OmniDirectionalSubarray::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    unsigned pe = 0;
    if (!decode(trans, pe)) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (to_pe_) (*to_pe_)[pe]->b_transport(trans, delay);
    else ProcessingElement::access(state_, pe, trans);
    trans.set_address(address);
}

unsigned OmniDirectionalSubarray::transport_dbg(tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    unsigned pe = 0;
    if (!decode(trans, pe)) return 0;
    const unsigned n =
        to_pe_ ? (*to_pe_)[pe]->transport_dbg(trans) : ProcessingElement::debug_access(state_, pe, trans);
    trans.set_address(address);
    return n;
}

bool OmniDirectionalSubarray::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const std::uint64_t address = trans.get_address();
    unsigned pe = 0;
    if (address / pe_span_ >= state_.pe_count()) {
        dmi.allow_none();
        return false;
    }
    pe = unsigned(address / pe_span_);
    trans.set_address(address % pe_span_);
    const bool granted = to_pe_ ? (*to_pe_)[pe]->get_direct_mem_ptr(trans, dmi)
                                : ProcessingElement::direct_access(state_, pe, trans, dmi);
    trans.set_address(address);
    // Translate the PE-local range back into weight-bus addresses.
    const std::uint64_t base = std::uint64_t(pe) * pe_span_;
    dmi.set_start_address(base + dmi.get_start_address());
    dmi.set_end_address(base + dmi.get_end_address());
    return granted;
}

void OmniDirectionalSubarray::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
    const std::uint64_t base = std::uint64_t(id) * pe_span_;
    weight_bus->invalidate_direct_mem_ptr(base + start, base + end);
}

// ---------------------------------------------------------------------------
// Datapath
// ---------------------------------------------------------------------------

void OmniDirectionalSubarray::latch_weights(unsigned slot) {
    state_.materialize();
    const unsigned n = state_.pe_count();
    for (unsigned pe = 0; pe < n; ++pe) state_.weight[pe] = state_.weight_buffer[std::size_t(pe) * state_.slots + slot];
}

void OmniDirectionalSubarray::clear_pipeline() {
    state_.materialize();
    std::fill(state_.activation.begin(), state_.activation.end(), Activation(0));
    std::fill(state_.act_valid.begin(), state_.act_valid.end(), std::uint8_t(0));
    std::fill(state_.psum.begin(), state_.psum.end(), Accumulator(0));
    std::fill(state_.psum_valid.begin(), state_.psum_valid.end(), std::uint8_t(0));
}

namespace {

/// One cycle of a rows x cols weight-stationary array with the given flow.
/// Rows are processed against the partial-sum flow, so the upstream row's
/// registers still hold last cycle's values when a row reads them; each row's
/// activations shift one PE along the flow first, so the register of PE c
/// holds the activation it uses this cycle.
template <bool Westward, bool Northward>
void step_kernel(PeState& s, const ActivationEdge& act_in, const PartialSumEdge& psum_in, ActivationEdge& act_out,
                 PartialSumEdge& psum_out) {
    const unsigned R = s.rows, C = s.cols;
    Activation* act = s.activation.data();
    std::uint8_t* av = s.act_valid.data();
    Accumulator* ps = s.psum.data();
    std::uint8_t* pv = s.psum_valid.data();
    const Weight* w = s.weight.data();
    for (unsigned k = 0; k < R; ++k) {
        const unsigned r = Northward ? k : R - 1 - k;
        Activation* a = act + std::size_t(r) * C;
        std::uint8_t* v = av + std::size_t(r) * C;
        if (!Westward) {  // west-to-east: PE c takes what PE c-1 held
            std::memmove(a + 1, a, (C - 1) * sizeof(Activation));
            std::memmove(v + 1, v, C - 1);
            a[0] = act_in.value[r];
            v[0] = act_in.valid[r];
        } else {          // east-to-west: PE c takes what PE c+1 held
            std::memmove(a, a + 1, (C - 1) * sizeof(Activation));
            std::memmove(v, v + 1, C - 1);
            a[C - 1] = act_in.value[r];
            v[C - 1] = act_in.valid[r];
        }
        const bool edge_row = Northward ? r == R - 1 : r == 0;
        const std::size_t up_row = Northward ? r + 1 : r - 1;
        const Accumulator* up = edge_row ? psum_in.value.data() : ps + up_row * C;
        const std::uint8_t* upv = edge_row ? psum_in.valid.data() : pv + up_row * C;
        Accumulator* p = ps + std::size_t(r) * C;
        std::uint8_t* q = pv + std::size_t(r) * C;
        const Weight* wr = w + std::size_t(r) * C;
        for (unsigned c = 0; c < C; ++c) {
            p[c] = up[c] + Accumulator(std::int32_t(a[c]) * std::int32_t(wr[c]));
            q[c] = std::uint8_t(upv[c] & v[c]);
        }
    }
    const unsigned out_col = Westward ? 0 : C - 1;
    for (unsigned r = 0; r < R; ++r) {
        act_out.value[r] = act[std::size_t(r) * C + out_col];
        act_out.valid[r] = av[std::size_t(r) * C + out_col];
    }
    const std::size_t out_row = Northward ? 0 : R - 1;
    std::memcpy(psum_out.value.data(), ps + out_row * C, C * sizeof(Accumulator));
    std::memcpy(psum_out.valid.data(), pv + out_row * C, C);
}

}  // namespace

void OmniDirectionalSubarray::step(FlowDirection flow, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
                                   ActivationEdge& act_out, PartialSumEdge& psum_out) {
    state_.materialize();
    if (flow.westward) {
        if (flow.northward) step_kernel<true, true>(state_, act_in, psum_in, act_out, psum_out);
        else step_kernel<true, false>(state_, act_in, psum_in, act_out, psum_out);
    } else {
        if (flow.northward) step_kernel<false, true>(state_, act_in, psum_in, act_out, psum_out);
        else step_kernel<false, false>(state_, act_in, psum_in, act_out, psum_out);
    }
    ++cycles_;
}

}  // namespace planaria
