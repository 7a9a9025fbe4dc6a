#include "hw/regfile/reconfiguration_register_file.h"

#include <planaria/version.h>

namespace planaria {

namespace rm = regmap;

ReconfigurationRegisterFile::ReconfigurationRegisterFile(sc_core::sc_module_name name, const ArchConfig& cfg)
    : sc_module(name),
      socket("socket"),
      cfg_(cfg),
      floorplan_(cfg),
      current_(FissionState::reset(floorplan_)),
      next_(current_),
      access_time_(cfg.host.register_access_cycles * cfg.clock_period_ns(), sc_core::SC_NS) {
    socket.register_b_transport(this, &ReconfigurationRegisterFile::b_transport);
    socket.register_transport_dbg(this, &ReconfigurationRegisterFile::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &ReconfigurationRegisterFile::get_direct_mem_ptr);
    topology_ = resolve_fission(floorplan_, current_).topology;
    build_register_map();
}

void ReconfigurationRegisterFile::build_register_map() {
    bank_.add_read_only(rm::kId, "ID", [] { return rm::kIdValue; });
    bank_.add_read_only(rm::kVersion, "VERSION", [] {
        return std::uint32_t(PLANARIA_VERSION_MAJOR << 16 | PLANARIA_VERSION_MINOR << 8 | PLANARIA_VERSION_PATCH);
    });
    bank_.add_read_only(rm::kGeometry, "GEOMETRY", [this] {
        return floorplan_.subarrays() << rm::kGeometrySubarraysShift | floorplan_.pods() << rm::kGeometryPodsShift |
               floorplan_.grid().rows << rm::kGeometryGridRowsShift |
               floorplan_.grid().cols << rm::kGeometryGridColsShift;
    });
    bank_.add_read_write(rm::kControl, "CONTROL", rm::kControlMask, [] { return 0u; },
                         [this](std::uint32_t v) { control(v); }, /*side_effects=*/true);
    bank_.add_read_only(rm::kStatus, "STATUS", [this] { return status(); });
    bank_.add_read_only(rm::kError, "ERROR", [this] { return encode_error(refused_); });
    bank_.add_read_only(rm::kNextError, "NEXT_ERROR", [this] { return encode_error(next_error_); });
    bank_.add_read_only(rm::kCommitCount, "COMMIT_COUNT", [this] { return commit_count_; });

    for (unsigned i = 0; i < floorplan_.subarrays(); ++i) {
        const std::string n = "SUBARRAY[" + std::to_string(i) + "].";
        bank_.add_read_only(rm::subarray_current(i), n + "CURRENT", [this, i] { return current_.subarray[i]; });
        bank_.add_read_write(rm::subarray_next(i), n + "NEXT", rm::kSubarrayStateMask,
                             [this, i] { return next_.subarray[i]; },
                             [this, i](std::uint32_t v) { next_.subarray[i] = v; revalidate_next(); });
    }
    const unsigned words = crossbar_mask(1) ? 2 : 1;
    for (unsigned p = 0; p < floorplan_.pods(); ++p) {
        for (unsigned w = 0; w < words; ++w) {
            const std::string n = "POD[" + std::to_string(p) + "].CROSSBAR_";
            const std::string suffix = words > 1 ? std::to_string(w) : "";
            bank_.add_read_only(rm::pod_crossbar_current(p, w), n + "CURRENT" + suffix,
                                [this, p, w] { return crossbar_word(current_, p, w); });
            bank_.add_read_write(rm::pod_crossbar_next(p, w), n + "NEXT" + suffix, crossbar_mask(w),
                                 [this, p, w] { return crossbar_word(next_, p, w); },
                                 [this, p, w](std::uint32_t v) { set_crossbar_word(p, w, v); revalidate_next(); });
        }
    }
}

// Selector of slot i sits at bit i * selector_bits of the pod's 64-bit
// crossbar value (word 0 low, word 1 high).
std::uint32_t ReconfigurationRegisterFile::crossbar_mask(unsigned word) const {
    const unsigned bits = floorplan_.selector_bits() * floorplan_.subarrays_per_pod();
    const std::uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    return std::uint32_t(mask >> (32 * word));
}

std::uint32_t ReconfigurationRegisterFile::crossbar_word(const FissionState& s, unsigned pod, unsigned word) const {
    std::uint64_t value = 0;
    const unsigned bits = floorplan_.selector_bits();
    for (unsigned slot = 0; slot < floorplan_.subarrays_per_pod(); ++slot)
        value |= std::uint64_t(s.selector[floorplan_.subarray_of(pod, slot)]) << (slot * bits);
    return std::uint32_t(value >> (32 * word));
}

void ReconfigurationRegisterFile::set_crossbar_word(unsigned pod, unsigned word, std::uint32_t v) {
    const unsigned bits = floorplan_.selector_bits();
    if (bits == 0) return;  // one subarray per pod: nothing to select
    for (unsigned slot = 0; slot < floorplan_.subarrays_per_pod(); ++slot) {
        const unsigned lsb = slot * bits;
        if (lsb / 32 != word) continue;
        next_.selector[floorplan_.subarray_of(pod, slot)] = (v >> (lsb % 32)) & ((1u << bits) - 1);
    }
}

void ReconfigurationRegisterFile::revalidate_next() {
    next_error_ = resolve_fission(floorplan_, next_).error;
}

std::uint32_t ReconfigurationRegisterFile::encode_error(const std::optional<FissionError>& e) {
    if (!e) return 0;
    return std::uint32_t(e->code) << rm::kErrorCodeShift | (e->unit & 0xFF) << rm::kErrorUnitShift |
           unsigned(e->side) << rm::kErrorSideShift;
}

std::uint32_t ReconfigurationRegisterFile::status() const {
    return (next_error_ ? 0 : rm::kStatusNextValid) | (commit_pending_ ? rm::kStatusCommitPending : 0) |
           (refused_ ? rm::kStatusError : 0) |
           std::uint32_t(topology_.arrays.size()) << rm::kStatusArraysShift;
}

void ReconfigurationRegisterFile::control(std::uint32_t value) {
    if (value & rm::kControlClearError) refused_.reset();
    if (value & rm::kControlAbort) commit_pending_ = false;
    if (value & rm::kControlCommit) commit_pending_ = true;
}

void ReconfigurationRegisterFile::tile_boundary() {
    if (!commit_pending_) return;
    commit_pending_ = false;
    FissionResolution r = resolve_fission(floorplan_, next_);
    if (!r.ok()) {
        refused_ = r.error;
        SC_REPORT_WARNING("planaria/reconfiguration",
                          (std::string(name()) + ": commit refused: " + r.error->message).c_str());
        return;
    }
    current_ = next_;
    topology_ = std::move(r.topology);
    ++commit_count_;
    committed_.notify(sc_core::SC_ZERO_TIME);
}

std::optional<FissionError> ReconfigurationRegisterFile::apply_local(const std::vector<LocalChange>& changes) {
    FissionState candidate = current_;
    for (const auto& c : changes) {
        if (c.subarray >= floorplan_.subarrays())
            return FissionError{FissionErrorCode::MissingNeighbour, c.subarray, regmap::Side::North,
                                "no subarray " + std::to_string(c.subarray)};
        candidate.subarray[c.subarray] = c.state;
        candidate.selector[c.subarray] = c.selector;
    }
    FissionResolution r = resolve_fission(floorplan_, candidate);
    if (!r.ok()) return r.error;
    current_ = candidate;
    topology_ = std::move(r.topology);
    for (const auto& c : changes) {
        next_.subarray[c.subarray] = c.state;
        next_.selector[c.subarray] = c.selector;
    }
    revalidate_next();
    committed_.notify(sc_core::SC_ZERO_TIME);
    return std::nullopt;
}

void ReconfigurationRegisterFile::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    bank_.access(trans);
    delay += access_time_;
}

unsigned ReconfigurationRegisterFile::transport_dbg(tlm::tlm_generic_payload& trans) {
    return bank_.debug_access(trans);
}

bool ReconfigurationRegisterFile::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    // Registers have side effects: no direct memory access, over the whole range.
    dmi.allow_none();
    dmi.set_start_address(0);
    dmi.set_end_address(rm::kReconfigurationEnd - 1);
    return false;
}

}  // namespace planaria
