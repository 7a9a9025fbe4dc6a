#include "hw/subarray/omni_directional_subarray.h"

#include <cstring>

namespace planaria {

OmniDirectionalSubarray::OmniDirectionalSubarray(sc_core::sc_module_name name, const ArchConfig& cfg,
                                                 unsigned index, bool pe_modules)
    : sc_module(name),
      weight_bus("weight_bus"),
      activation_port("activation_port"),
      output_port("output_port"),
      remote_port("remote_port"),
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
    std::fill(state_.history.begin(), state_.history.end(), Activation(0));
    std::fill(state_.history_valid.begin(), state_.history_valid.end(), std::uint8_t(0));
    state_.window = PeState::kRebase / 2;
    std::fill(state_.psum.begin(), state_.psum.end(), Accumulator(0));
    std::fill(state_.psum_valid.begin(), state_.psum_valid.end(), std::uint8_t(0));
}

namespace {

/// Moves the activation window one PE along the flow, rebasing each row's
/// history when the window reaches its end; returns where the new input goes.
template <bool Westward>
std::size_t advance_window(PeState& s) {
    const unsigned C = s.cols, R = s.rows;
    if (!Westward && s.window == 0) {
        for (unsigned r = 0; r < R; ++r) {
            const std::size_t row = std::size_t(r) * s.span;
            std::memmove(&s.history[row + s.span - C], &s.history[row], C * sizeof(Activation));
            std::memmove(&s.history_valid[row + s.span - C], &s.history_valid[row], C);
        }
        s.window = s.span - C;
    } else if (Westward && s.window == s.span - C) {
        for (unsigned r = 0; r < R; ++r) {
            const std::size_t row = std::size_t(r) * s.span;
            std::memmove(&s.history[row], &s.history[row + s.span - C], C * sizeof(Activation));
            std::memmove(&s.history_valid[row], &s.history_valid[row + s.span - C], C);
        }
        s.window = 0;
    }
    // Eastward, PE c takes what PE c-1 held: the window moves down and the
    // new input lands at PE 0; westward it moves up and the input lands at PE C-1.
    if (Westward) return ++s.window + C - 1;
    return --s.window;
}

/// One PE row's multiply-accumulate and valid bits for one cycle (restrict
/// parameters: the rows never overlap, so the loops vectorise without
/// run-time alias checks).
template <unsigned FixedCols>
inline void row_step(unsigned cols, Accumulator* __restrict p, std::uint8_t* __restrict q,
                     const Accumulator* __restrict up, const std::uint8_t* __restrict upv,
                     const Activation* __restrict a, const std::uint8_t* __restrict v, const Weight* __restrict w) {
    const unsigned C = FixedCols ? FixedCols : cols;
    for (unsigned c = 0; c < C; ++c) p[c] = up[c] + Accumulator(std::int32_t(a[c]) * std::int32_t(w[c]));
    for (unsigned c = 0; c < C; ++c) q[c] = std::uint8_t(upv[c] & v[c]);
}

/// One cycle of a rows x cols weight-stationary array with the given flow.
/// Rows are processed against the partial-sum flow, so the upstream row's
/// registers still hold last cycle's values when a row reads them; the
/// activation registers have already taken this cycle's values (the window
/// moved), so the register of PE c holds the activation it uses this cycle.
/// `FixedCols` is the row width when known at compile time (0: s.cols), so
/// that the row loops of the usual subarray widths compile without
/// run-time trip counts.
template <bool Westward, bool Northward, unsigned FixedCols>
void step_kernel(PeState& s, const ActivationEdge& act_in, const PartialSumEdge& psum_in, ActivationEdge& act_out,
                 PartialSumEdge& psum_out) {
    const unsigned R = s.rows, C = FixedCols ? FixedCols : s.cols;
    const std::size_t entry = advance_window<Westward>(s);
    Accumulator* ps = s.psum.data();
    std::uint8_t* pv = s.psum_valid.data();
    const Weight* w = s.weight.data();
    // The edge inputs first, all rows: a narrow store right before the wide
    // loads that cover it would stall each row on store forwarding.
    for (unsigned r = 0; r < R; ++r) {
        s.history[std::size_t(r) * s.span + entry] = act_in.value[r];
        s.history_valid[std::size_t(r) * s.span + entry] = act_in.valid[r];
    }
    for (unsigned k = 0; k < R; ++k) {
        const unsigned r = Northward ? k : R - 1 - k;
        const std::size_t row = std::size_t(r) * s.span;
        const bool edge_row = Northward ? r == R - 1 : r == 0;
        const std::size_t up_row = Northward ? r + 1 : r - 1;
        row_step<FixedCols>(C, ps + std::size_t(r) * C, pv + std::size_t(r) * C,
                            edge_row ? psum_in.value.data() : ps + up_row * C,
                            edge_row ? psum_in.valid.data() : pv + up_row * C, s.history.data() + row + s.window,
                            s.history_valid.data() + row + s.window, w + std::size_t(r) * C);
    }
    const unsigned out_col = Westward ? 0 : C - 1;
    for (unsigned r = 0; r < R; ++r) {
        const std::size_t at = std::size_t(r) * s.span + s.window + out_col;
        act_out.value[r] = s.history[at];
        act_out.valid[r] = s.history_valid[at];
    }
    const std::size_t out_row = Northward ? 0 : R - 1;
    std::memcpy(psum_out.value.data(), ps + out_row * C, C * sizeof(Accumulator));
    std::memcpy(psum_out.valid.data(), pv + out_row * C, C);
}

template <unsigned FixedCols>
void step_in(FlowDirection flow, PeState& s, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
             ActivationEdge& act_out, PartialSumEdge& psum_out) {
    if (flow.westward) {
        if (flow.northward) step_kernel<true, true, FixedCols>(s, act_in, psum_in, act_out, psum_out);
        else step_kernel<true, false, FixedCols>(s, act_in, psum_in, act_out, psum_out);
    } else {
        if (flow.northward) step_kernel<false, true, FixedCols>(s, act_in, psum_in, act_out, psum_out);
        else step_kernel<false, false, FixedCols>(s, act_in, psum_in, act_out, psum_out);
    }
}

}  // namespace

void OmniDirectionalSubarray::step(FlowDirection flow, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
                                   ActivationEdge& act_out, PartialSumEdge& psum_out) {
    state_.materialize();
    switch (state_.cols) {
        case 32: step_in<32>(flow, state_, act_in, psum_in, act_out, psum_out); break;
        case 128: step_in<128>(flow, state_, act_in, psum_in, act_out, psum_out); break;
        default: step_in<0>(flow, state_, act_in, psum_in, act_out, psum_out); break;
    }
    ++cycles_;
}

}  // namespace planaria
