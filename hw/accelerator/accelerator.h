#pragma once
// The Planaria accelerator as one sc_module for a user's SoC (tile level,
// loosely timed with temporal decoupling):
//
//  - `host`: a TLM-2.0 target socket (base protocol) with the register map of
//    tlm/register_map.h: the reconfiguration registers, per-subarray
//    sequencer registers (program base, doorbell, status, PC, tenant,
//    performance counters), interrupt status and enable;
//  - `memory[c]`: one TLM-2.0 initiator socket per off-chip channel (one per
//    Fission Pod by default); all traffic, instruction fetch included, goes
//    through them as b_transport bursts tagged with a TenantExtension. In a
//    functional run the bursts carry the data; the chip asks for neither DMI
//    nor debug transport;
//  - `irq`: raised while an enabled interrupt (completion, error) is pending.
//
// Inside: the datapath modules (hw/datapath/systolic_datapath.h: the
// reconfiguration register file, the omni-directional subarrays, the Fission
// Pods with Pod Memory and crossbars, the ring buses, the SIMD segments) and
// one SubarraySequencer per subarray executing the compiler's instruction
// streams. The register file the host writes is the datapath's: it sets the
// links and directions tiles run with at either fidelity
// (hw/datapath/fidelity.h, a constructor argument): at tile fidelity a tile
// takes the closed form's cycles, at cycle fidelity it runs on the datapath
// (hw/accelerator/tile_on_datapath.h) and its cycles are checked against
// the closed form (cycle_check()). A commit of the reconfiguration registers takes
// effect at a tile boundary: busy sequencers stop after their tile in flight,
// and the commit happens when all of them have stopped (or at once when the
// chip is idle).

#include <map>
#include <optional>
#include <set>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <tlm_utils/simple_target_socket.h>

#include "hw/accelerator/tile_on_datapath.h"
#include "hw/datapath/systolic_datapath.h"
#include "hw/regfile/reconfiguration_register_file.h"
#include "hw/sequencer/subarray_sequencer.h"
#include "tlm/register_bank.h"

namespace planaria {

template <unsigned BUSWIDTH = 64>
class Accelerator : public sc_core::sc_module, private SequencerServices {
public:
    tlm_utils::simple_target_socket<Accelerator, BUSWIDTH> host;
    using MemorySocket = tlm_utils::simple_initiator_socket_tagged<Accelerator, BUSWIDTH>;
    sc_core::sc_vector<MemorySocket> memory;
    sc_core::sc_out<bool> irq;

    /// `quantum`: how far the sequencers run ahead of simulation time
    /// (temporal decoupling); by default the architecture's
    /// host.quantum_ns. The SoC's global quantum, where set, caps it; the
    /// chip never changes it.
    Accelerator(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity = Fidelity::Tile,
                std::optional<sc_core::sc_time> quantum = std::nullopt);

    const ArchConfig& config() const { return cfg_; }
    Fidelity fidelity() const { return datapath_.fidelity(); }
    ReconfigurationRegisterFile& registers() { return regs_; }
    SystolicDatapath& datapath() { return datapath_; }
    /// Cycle fidelity: the tiles run on the datapath so far against the closed form.
    const CycleCrossCheck& cycle_check() const { return check_; }
    /// Cycle fidelity: records into `vcd` the ring-bus edges of `subarray`
    /// and the registers of the listed PEs, cycle by cycle at chip time,
    /// while it computes tiles of program layer `layer` (before the simulation starts).
    void trace_layer(SignalTrace* vcd, std::uint32_t layer, unsigned subarray,
                     const std::vector<std::pair<unsigned, unsigned>>& pes = {});
    /// Tiles recorded by trace_layer so far.
    std::uint64_t traced_tiles() const { return traced_tiles_; }
    /// Replaces the closed form the sequencers time tiles with (a test's perturbation).
    void set_tile_timing(const TileTiming& timing) {
        for (auto& q : sequencers_) q->set_tile_timing(timing);
    }
    SubarraySequencer& sequencer(unsigned i) { return *sequencers_.at(i); }
    /// Every tile of every subarray is reported to `observer`.
    void observe_tiles(const TileObserver& observer) {
        for (auto& q : sequencers_) q->observe(observer);
    }
    /// Functional mode (call before the simulation starts): the timed
    /// transfers carry real data, which the tiles compute on; the traffic
    /// and its timing are those of a timing-only run.
    void enable_functional_data(bool on = true);
    bool functional() const { return functional_; }
    /// Fails the tenants of every busy sequencer (kSeqErrorAborted): those
    /// waiting at a barrier leave it, the others stop at their next one. For
    /// a run that can no longer complete (the simulation ran out of events
    /// with sequencers waiting), so that it ends and its threads unwind;
    /// call between sc_start calls, then run the simulation again.
    void abort_busy_tenants();
    /// The channel subarray `s` reaches memory through.
    unsigned channel_of(unsigned s) const { return regs_.floorplan().pod_of(s) / cfg_.pods_per_channel(); }

private:
    SC_HAS_PROCESS(Accelerator);
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    void build_register_map();
    void update_irq();
    /// The one process that drives `irq` (register writes and sequencers only request it).
    void drive_irq();
    /// Applies a pending commit if every busy sequencer stands at a tile boundary.
    void try_commit();

    // SequencerServices
    void channel_transport(unsigned subarray, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;
    const LogicalArray& array_of(unsigned subarray) const override;
    void stage_configuration(unsigned subarray, std::uint32_t state, unsigned selector) override;
    bool barrier(unsigned subarray, std::uint32_t tenant, std::uint32_t id, unsigned parties, bool tenant_wide,
                 BarrierSync& sync) override;
    void configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const override;
    bool staged_configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const override;
    bool reconfiguration_pending() const override { return regs_.commit_pending(); }
    void tile_boundary(unsigned subarray) override;
    void finished(unsigned subarray, bool error) override;
    TileBuffers* buffers(unsigned subarray) override { return functional_ ? &buffers_[subarray] : nullptr; }
    TileOutcome issue_tile(unsigned subarray, const TileIssue& tile) override;
    /// The tile of `subarray`'s logical array, issued by all its members.
    TileOutcome compute_tile(unsigned subarray);

    struct Barrier {
        unsigned arrived = 0;
        std::vector<unsigned> members;
        sc_core::sc_event released;
        sc_core::sc_time compute_done = sc_core::SC_ZERO_TIME, stores_done = sc_core::SC_ZERO_TIME;
        bool complete = false, stop = false;
        bool ok = true;
        std::uint32_t error = 0;
    };

    ArchConfig cfg_;
    SystolicDatapath datapath_;
    ReconfigurationRegisterFile& regs_;  ///< the datapath's
    tlm_utils::simple_initiator_socket<Accelerator, 32> to_registers_;
    std::vector<std::unique_ptr<SubarraySequencer>> sequencers_;
    RegisterBank bank_;
    sc_core::sc_time access_time_;
    sc_core::sc_time period_;  ///< of the chip's clock
    std::vector<std::uint64_t> program_base_, data_base_, weights_base_, context_;
    bool functional_ = false;
    std::vector<TileBuffers> buffers_;
    std::vector<std::uint32_t> tenant_;
    std::vector<bool> parked_;
    /// A program started (or resumed) here and its tenant has not formed its
    /// arrays yet: the links the subarray holds are the last user's.
    std::vector<bool> unformed_;
    std::vector<std::optional<ReconfigurationRegisterFile::LocalChange>> staged_;
    std::map<std::tuple<std::uint32_t, unsigned, std::uint32_t>, std::shared_ptr<Barrier>> barriers_;
    sc_core::sc_event reconfigured_, irq_changed_;
    std::set<std::uint32_t> failed_tenants_;  ///< a sequencer of theirs stopped on an error
    sc_core::sc_event tenant_failed_;
    std::uint32_t irq_status_ = 0, irq_enable_ = 0;
    std::uint64_t done_mask_ = 0;
    std::vector<TileIssue> issued_;  ///< per subarray: its last Compute
    std::vector<bool> awaiting_;     ///< per subarray: that Compute's tile has not run yet
    CycleCrossCheck check_;
    std::optional<std::pair<std::uint32_t, unsigned>> traced_;  ///< layer, subarray
    std::uint64_t traced_tiles_ = 0;
};

}  // namespace planaria
