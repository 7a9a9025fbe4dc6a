#include "hw/accelerator/accelerator.h"

#include <algorithm>


namespace planaria {

namespace rm = regmap;

template <unsigned W>
Accelerator<W>::Accelerator(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity,
                            std::optional<sc_core::sc_time> quantum)
    : sc_module(name),
      host("host"),
      memory("memory", cfg.offchip.channels),
      irq("irq"),
      cfg_(cfg),
      datapath_("datapath", cfg_, fidelity),
      regs_(datapath_.registers()),
      to_registers_("to_registers"),
      access_time_(cfg_.host.register_access_cycles * cfg_.clock_period_ns(), sc_core::SC_NS),
      period_(cfg_.clock_period_ns(), sc_core::SC_NS),
      program_base_(cfg_.subarray.count, 0),
      data_base_(cfg_.subarray.count, 0),
      weights_base_(cfg_.subarray.count, 0),
      context_(cfg_.subarray.count, 0),
      buffers_(cfg_.subarray.count),
      tenant_(cfg_.subarray.count, 0),
      parked_(cfg_.subarray.count, false),
      unformed_(cfg_.subarray.count, false),
      staged_(cfg_.subarray.count),
      issued_(cfg_.subarray.count),
      awaiting_(cfg_.subarray.count, false) {
    host.register_b_transport(this, &Accelerator::b_transport);
    host.register_transport_dbg(this, &Accelerator::transport_dbg);
    host.register_get_direct_mem_ptr(this, &Accelerator::get_direct_mem_ptr);
    to_registers_.bind(regs_.socket);
    const sc_core::sc_time q = quantum.value_or(sc_core::sc_time(cfg_.host.quantum_ns, sc_core::SC_NS));
    for (unsigned s = 0; s < cfg_.subarray.count; ++s)
        sequencers_.push_back(
            std::make_unique<SubarraySequencer>(("sequencer_" + std::to_string(s)).c_str(), cfg_, s,
                                                static_cast<SequencerServices&>(*this), q));
    build_register_map();
    SC_METHOD(drive_irq);
    sensitive << irq_changed_;
    dont_initialize();
}

template <unsigned W>
void Accelerator<W>::build_register_map() {
    bank_.add_read_write(rm::kIrqStatus, "IRQ_STATUS", rm::kIrqCompletion | rm::kIrqError,
                         [this] { return irq_status_; },
                         [this](std::uint32_t v) { irq_status_ &= ~v; update_irq(); }, /*side_effects=*/true);
    bank_.add_read_write(rm::kIrqEnable, "IRQ_ENABLE", rm::kIrqCompletion | rm::kIrqError,
                         [this] { return irq_enable_; }, [this](std::uint32_t v) { irq_enable_ = v; update_irq(); });
    for (unsigned word = 0; word < 2; ++word)
        bank_.add_read_write(rm::kDoneMask + 4 * word, "DONE_MASK" + std::to_string(word), 0xFFFF'FFFFu,
                             [this, word] { return std::uint32_t(done_mask_ >> (32 * word)); },
                             [this, word](std::uint32_t v) { done_mask_ &= ~(std::uint64_t(v) << (32 * word)); },
                             /*side_effects=*/true);
    for (unsigned word = 0; word < 2; ++word)
        bank_.add_read_only(rm::kChipCycles + 4 * word, "CHIP_CYCLES" + std::to_string(word), [this, word] {
            const auto cycles = std::uint64_t(sc_core::sc_time_stamp() / period_);
            return std::uint32_t(cycles >> (32 * word));
        });
    for (unsigned s = 0; s < cfg_.subarray.count; ++s) {
        const std::string n = "SEQUENCER[" + std::to_string(s) + "].";
        SubarraySequencer& q = *sequencers_[s];
        // The 64-bit addresses the host sets: each a low and a high word.
        const auto address = [&](std::uint64_t lo, std::uint64_t hi, const char* name, std::vector<std::uint64_t>& held) {
            for (unsigned word = 0; word < 2; ++word)
                bank_.add_read_write(rm::sequencer(s, word ? hi : lo), n + name + (word ? "_HI" : "_LO"), 0xFFFF'FFFFu,
                                     [&held, s, word] { return std::uint32_t(held[s] >> (32 * word)); },
                                     [&held, s, word](std::uint32_t v) {
                                         const std::uint64_t mask = 0xFFFF'FFFFull << (32 * word);
                                         held[s] = (held[s] & ~mask) | std::uint64_t(v) << (32 * word);
                                     });
        };
        address(rm::kSeqProgramLo, rm::kSeqProgramHi, "PROGRAM", program_base_);
        address(rm::kSeqDataLo, rm::kSeqDataHi, "DATA", data_base_);
        address(rm::kSeqWeightsLo, rm::kSeqWeightsHi, "WEIGHTS", weights_base_);
        address(rm::kSeqContextLo, rm::kSeqContextHi, "CONTEXT", context_);
        bank_.add_read_write(rm::sequencer(s, rm::kSeqPreempt), n + "PREEMPT", 1u, [] { return 0u; },
                             [this, s](std::uint32_t v) {
                                 if (v) sequencers_[s]->request_preempt(context_[s]);
                             },
                             /*side_effects=*/true);
        bank_.add_read_write(rm::sequencer(s, rm::kSeqDoorbell), n + "DOORBELL",
                             rm::kDoorbellStart | rm::kDoorbellResume | 0xFF00u, [] { return 0u; },
                             [this, s](std::uint32_t v) {
                                 const bool start = v & rm::kDoorbellStart, resume = v & rm::kDoorbellResume;
                                 if ((!start && !resume) || (start && resume) || sequencers_[s]->busy()) return;
                                 done_mask_ &= ~(std::uint64_t(1) << s);
                                 unformed_[s] = true;
                                 buffers_[s] = TileBuffers{};  // a new user: nothing of the last one's data remains
                                 awaiting_[s] = false;          // nor a tile it issued
                                 // A configuration staged by the run that stopped here belongs to it (a
                                 // resume re-stages its own from the context): never to the next run.
                                 staged_[s].reset();
                                 failed_tenants_.erase(tenant_[s]);  // a new run of the tenant
                                 const TenantMemory memory{program_base_[s], data_base_[s], weights_base_[s]};
                                 if (start) sequencers_[s]->start(memory, tenant_[s]);
                                 else
                                     sequencers_[s]->resume(memory, tenant_[s], context_[s],
                                                            v >> rm::kDoorbellPartiesShift & 0xFF);
                             },
                             /*side_effects=*/true);
        bank_.add_read_only(rm::sequencer(s, rm::kSeqStatus), n + "STATUS", [this, s, &q] {
            return (q.busy() ? rm::kSeqStatusBusy : 0) | (q.done() ? rm::kSeqStatusDone : 0) |
                   (q.error() ? rm::kSeqStatusError : 0) | (parked_[s] ? rm::kSeqStatusParked : 0) |
                   (q.preempted() ? rm::kSeqStatusPreempted : 0);
        });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqPc), n + "PC", [&q] { return std::uint32_t(q.pc()); });
        bank_.add_read_write(rm::sequencer(s, rm::kSeqTenant), n + "TENANT", 0xFFFF'FFFFu,
                             [this, s] { return tenant_[s]; }, [this, s](std::uint32_t v) { tenant_[s] = v; });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqTiles), n + "TILES", [&q] { return std::uint32_t(q.tiles()); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqLayer), n + "LAYER", [&q] { return q.layer(); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqBusyLo), n + "BUSY_LO",
                            [&q] { return std::uint32_t(q.busy_cycles()); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqBusyHi), n + "BUSY_HI",
                            [&q] { return std::uint32_t(q.busy_cycles() >> 32); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqBytesLo), n + "BYTES_LO",
                            [&q] { return std::uint32_t(q.bytes_moved()); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqBytesHi), n + "BYTES_HI",
                            [&q] { return std::uint32_t(q.bytes_moved() >> 32); });
        bank_.add_read_only(rm::sequencer(s, rm::kSeqError), n + "ERROR", [&q] { return q.error(); });
    }
}

// ---------------------------------------------------------------------------
// Host interface
// ---------------------------------------------------------------------------

template <unsigned W>
void Accelerator<W>::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (trans.get_address() < rm::kReconfigurationEnd) {
        to_registers_->b_transport(trans, delay);
        // A commit requested on an idle chip (or with every tenant at a
        // tile boundary) happens at once.
        if (trans.is_write() && trans.get_address() == rm::kControl && trans.is_response_ok()) try_commit();
        return;
    }
    bank_.access(trans);
    delay += access_time_;
}

template <unsigned W>
unsigned Accelerator<W>::transport_dbg(tlm::tlm_generic_payload& trans) {
    if (trans.get_address() < rm::kReconfigurationEnd) return to_registers_->transport_dbg(trans);
    return bank_.debug_access(trans);
}

template <unsigned W>
bool Accelerator<W>::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.allow_none();  // registers have side effects: none of the register space
    dmi.set_start_address(0);
    dmi.set_end_address(rm::sequencer(rm::kMaxSubarrays, 0) - 1);
    return false;
}

template <unsigned W>
void Accelerator<W>::enable_functional_data(bool on) {
    functional_ = on;
}

template <unsigned W>
TileOutcome Accelerator<W>::issue_tile(unsigned subarray, const TileIssue& tile) {
    issued_[subarray] = tile;
    awaiting_[subarray] = true;
    if (array_of(subarray).subarrays.size() > 1) return {};
    TileOutcome now = compute_tile(subarray);
    now.computed = true;
    return now;
}

template <unsigned W>
TileOutcome Accelerator<W>::compute_tile(unsigned subarray) {
    const LogicalArray& array = array_of(subarray);
    std::vector<TileBuffers*> members;
    if (functional_)
        for (unsigned m : array.subarrays) members.push_back(&buffers_[m]);
    if (datapath_.fidelity() == Fidelity::Tile) {
        if (functional_) functional::compute(array, members, numerics::NumberFormat{cfg_.data.activation_bits});
        return {};
    }
    // A cluster barrier no Compute came before (a hand-written program may have one) runs nothing.
    if (!awaiting_[array.subarrays.front()]) return {};
    for (unsigned m : array.subarrays) awaiting_[m] = false;
    std::vector<TileIssue> issued;
    sc_core::sc_time start = sc_core::SC_ZERO_TIME;  // when every member can start it
    for (unsigned m : array.subarrays) issued.push_back(issued_[m]), start = std::max(start, issued_[m].start);
    const TileIssue& tile = issued.front();
    if (traced_) {
        const bool on = tile.layer == traced_->first &&
                        std::find(array.subarrays.begin(), array.subarrays.end(), traced_->second) != array.subarrays.end();
        datapath_.trace_tiles(on, std::uint64_t(start / period_ + 0.5));
        traced_tiles_ += on;
    }
    TileOutcome outcome;
    try {
        outcome.cycles = run_on_datapath(datapath_, array, issued, members);
        outcome.measured = true;
    } catch (const DatapathError& e) {
        // The tenant stops on the error; the run reports it.
        outcome.error = rm::kSeqErrorDatapath;
        if (check_.errors++ == 0)
            check_.first_error = "subarray " + std::to_string(subarray) + ": " + e.what();
        return outcome;
    }
    ++check_.tiles;
    check_.datapath_cycles += outcome.cycles;
    check_.closed_form_cycles += tile.cycles;
    check_.pe_cycles += outcome.cycles * array.subarrays.size() * cfg_.subarray.rows * cfg_.subarray.cols;
    if (outcome.cycles != tile.cycles && check_.differing++ == 0)
        check_.first_difference = "tile M=" + std::to_string(tile.shape.vectors) + " K=" +
                                  std::to_string(tile.shape.rows) + " N=" + std::to_string(tile.shape.cols) + " on " +
                                  std::to_string(array.block_rows) + "x" + std::to_string(array.block_cols) +
                                  " subarrays from " + std::to_string(array.subarrays.front()) + ": datapath " +
                                  std::to_string(outcome.cycles) + " cycles, closed form " +
                                  std::to_string(tile.cycles);
    return outcome;
}

template <unsigned W>
void Accelerator<W>::trace_layer(SignalTrace* vcd, std::uint32_t layer, unsigned subarray,
                                 const std::vector<std::pair<unsigned, unsigned>>& pes) {
    if (datapath_.fidelity() != Fidelity::Cycle)
        throw std::invalid_argument("trace_layer: only a chip at cycle fidelity runs its tiles on the datapath");
    datapath_.trace(vcd, subarray, pes);
    traced_ = std::make_pair(layer, subarray);
}

template <unsigned W>
void Accelerator<W>::update_irq() {
    irq_changed_.notify(sc_core::SC_ZERO_TIME);
}

template <unsigned W>
void Accelerator<W>::drive_irq() {
    irq.write((irq_status_ & irq_enable_) != 0);
}

template <unsigned W>
void Accelerator<W>::try_commit() {
    if (!regs_.commit_pending()) return;
    for (unsigned s = 0; s < sequencers_.size(); ++s)
        if (sequencers_[s]->busy() && !parked_[s]) return;
    regs_.tile_boundary();
    if (regs_.refused()) {
        irq_status_ |= rm::kIrqError;
        update_irq();
    }
    reconfigured_.notify(sc_core::SC_ZERO_TIME);
}

// ---------------------------------------------------------------------------
// Services to the sequencers
// ---------------------------------------------------------------------------

template <unsigned W>
void Accelerator<W>::channel_transport(unsigned subarray, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    memory[channel_of(subarray)]->b_transport(trans, delay);
}

template <unsigned W>
const LogicalArray& Accelerator<W>::array_of(unsigned subarray) const {
    const FissionTopology& t = regs_.topology();
    return t.arrays.at(t.array_of.at(subarray));
}

template <unsigned W>
void Accelerator<W>::stage_configuration(unsigned subarray, std::uint32_t state, unsigned selector) {
    staged_[subarray] = ReconfigurationRegisterFile::LocalChange{subarray, state, selector};
}

template <unsigned W>
void Accelerator<W>::configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const {
    state = regs_.current().subarray.at(subarray);
    selector = regs_.current().selector.at(subarray);
}

template <unsigned W>
bool Accelerator<W>::staged_configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const {
    if (!staged_[subarray]) return false;
    state = staged_[subarray]->state;
    selector = staged_[subarray]->selector;
    return true;
}

template <unsigned W>
bool Accelerator<W>::barrier(unsigned subarray, std::uint32_t tenant, std::uint32_t id, unsigned parties,
                             bool tenant_wide, BarrierSync& sync) {
    // A tenant one of whose sequencers failed never completes a barrier again.
    if (failed_tenants_.count(tenant)) {
        sync.aborted = true;
        return false;
    }
    const unsigned group = tenant_wide ? ~0u : array_of(subarray).subarrays.front();
    const auto key = std::make_tuple(tenant, group, id);
    auto& slot = barriers_[key];
    if (!slot) slot = std::make_shared<Barrier>();
    const std::shared_ptr<Barrier> b = slot;
    b->members.push_back(subarray);
    b->compute_done = std::max(b->compute_done, sync.compute_done);
    b->stores_done = std::max(b->stores_done, sync.stores_done);
    if (++b->arrived >= parties) {
        barriers_.erase(key);
        b->complete = true;
        // Every member has issued the cluster's tile: it can be computed, and
        // the cluster stops after it if any member is being preempted.
        if (!tenant_wide) {
            const TileOutcome tile = compute_tile(subarray);
            // The members agreed on the closed form's end; the datapath's cycles are the tile's time.
            const std::uint64_t closed = issued_[array_of(subarray).subarrays.front()].cycles;
            if (tile.measured && tile.cycles > closed) b->compute_done += period_ * double(tile.cycles - closed);
            if (tile.measured && tile.cycles < closed) b->compute_done -= period_ * double(closed - tile.cycles);
            if (tile.error) b->ok = false, b->error = tile.error;
            for (unsigned m : b->members) b->stop = b->stop || sequencers_[m]->preempt_requested();
        }
        // The tenant's re-fission, if its members staged one, happens now:
        // all of them stand at this tile boundary.
        std::vector<ReconfigurationRegisterFile::LocalChange> changes;
        for (unsigned m : b->members)
            if (staged_[m]) changes.push_back(*staged_[m]), staged_[m].reset();
        if (!changes.empty()) {
            // Idle subarrays keep the links of the tenant that last used them,
            // and so do subarrays a new program has started on until it forms
            // its own arrays. Every logical array of the current state none of
            // whose members still works in it falls back to the reset state,
            // so that no stale link reaches into the subarrays this tenant now
            // forms its arrays on. An array one of whose members still computes
            // (its peers reached END first) keeps its links: it belongs to one
            // tenant that has not yet released it.
            const FissionState reset = FissionState::reset(regs_.floorplan());
            const auto changing = [&](unsigned s) {
                return std::any_of(changes.begin(), changes.end(), [s](const auto& c) { return c.subarray == s; });
            };
            const FissionTopology stale_topology = regs_.topology();
            for (const LogicalArray& a : stale_topology.arrays) {
                const bool in_use = std::any_of(a.subarrays.begin(), a.subarrays.end(), [&](unsigned s) {
                    return sequencers_[s]->busy() && !unformed_[s] && !changing(s);
                });
                if (in_use) continue;
                for (unsigned s : a.subarrays)
                    if (!changing(s) && regs_.current().subarray[s] != reset.subarray[s])
                        changes.push_back({s, reset.subarray[s], reset.selector[s]});
            }
            if (regs_.apply_local(changes)) b->ok = false;
            else
                for (unsigned m : b->members) unformed_[m] = false;
        }
        b->released.notify(sc_core::SC_ZERO_TIME);
        sc_core::wait(b->released);  // everyone leaves in the same delta
    } else {
        // Waiting here is standing at a tile boundary: a commit may go ahead.
        parked_[subarray] = true;
        try_commit();
        SubarraySequencer& me = *sequencers_[subarray];
        while (!b->complete) {
            // A member preempted while waiting at a tenant-wide barrier leaves
            // it: its cluster peers may be stopping elsewhere and never come.
            // All leave when a member of the tenant failed.
            const bool aborted = failed_tenants_.count(tenant) > 0;
            if ((tenant_wide && me.preempt_requested()) || aborted) {
                --b->arrived;
                b->members.erase(std::find(b->members.begin(), b->members.end(), subarray));
                if (b->arrived == 0) barriers_.erase(key);
                parked_[subarray] = false;
                sync.withdrawn = !aborted;
                sync.aborted = aborted;
                return !aborted;
            }
            sc_core::wait(b->released | me.preempt_event() | tenant_failed_);
        }
        parked_[subarray] = false;
    }
    sync.compute_done = b->compute_done;
    sync.stores_done = b->stores_done;
    sync.stop = b->stop;
    sync.error = b->error;
    return b->ok;
}

template <unsigned W>
void Accelerator<W>::tile_boundary(unsigned subarray) {
    parked_[subarray] = true;
    try_commit();
    while (regs_.commit_pending()) sc_core::wait(reconfigured_);
    parked_[subarray] = false;
}

template <unsigned W>
void Accelerator<W>::abort_busy_tenants() {
    for (const auto& q : sequencers_)
        if (q->busy()) failed_tenants_.insert(q->tenant());
    tenant_failed_.notify(sc_core::SC_ZERO_TIME);
}

template <unsigned W>
void Accelerator<W>::finished(unsigned subarray, bool error) {
    if (error && sequencers_[subarray]->error() != rm::kSeqErrorAborted) {
        failed_tenants_.insert(sequencers_[subarray]->tenant());
        tenant_failed_.notify(sc_core::SC_ZERO_TIME);
    }
    done_mask_ |= std::uint64_t(1) << subarray;
    irq_status_ |= error ? rm::kIrqError : rm::kIrqCompletion;
    update_irq();
    try_commit();
}

template class Accelerator<32>;
template class Accelerator<64>;
template class Accelerator<128>;
template class Accelerator<256>;

}  // namespace planaria
