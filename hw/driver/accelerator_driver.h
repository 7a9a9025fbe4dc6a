#pragma once
// The register sequences a host runs on the Accelerator (tlm/register_map.h),
// over whatever TLM-2.0 initiator socket the host owns: start a tenant's
// programs on its subarrays, preempt it (each sequencer stops at its next tile
// boundary and saves its context), resume it from those contexts on the same
// or other subarrays, learn that they stopped (interrupt or polling) and read
// their performance counters. Accesses are b_transport calls with annotated
// delays; the caller decides when to wait for them (sync()), except in the
// calls that wait by nature (poll, wait_for_interrupt). A refused access
// throws RegisterAccessError naming the address and the response.
//
// Needs only the hw and tlm layers: a SoC links planaria::hw.

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>

#include "hw/driver/reconfiguration_driver.h"
#include "tlm/register_map.h"

namespace planaria {

class AcceleratorDriver {
public:
    using Transport = std::function<void(tlm::tlm_generic_payload&, sc_core::sc_time&)>;
    /// `base`: address of the accelerator on the host's bus.
    explicit AcceleratorDriver(Transport transport, std::uint64_t base = 0);

    /// One tenant on the chip: its subarrays and, per subarray, its program
    /// and context (where a preemption saves it); the bases of its DATA and
    /// WEIGHTS regions (compiler/data_layout.h).
    struct Tenant {
        std::uint32_t id = 0;
        std::vector<unsigned> subarrays;
        std::vector<std::uint64_t> programs, contexts;
        std::uint64_t data_base = 0;
        std::uint64_t weights_base = 0;
        /// The same tenant on the positions `done` leaves out (a resume of
        /// those that had not finished); regions and id unchanged.
        Tenant unfinished(const std::vector<bool>& done) const;
    };

    void enable_interrupts();
    /// Programs the sequencers and rings their doorbells.
    void start(const Tenant& t);
    /// One register write (offset in the accelerator's map, tlm/register_map.h).
    struct RegisterWrite {
        std::uint64_t offset = 0;
        std::uint32_t value = 0;
    };
    /// The writes start() makes, in order, for firmware that makes them itself.
    static std::vector<RegisterWrite> start_writes(const Tenant& t);
    /// Asks every sequencer of the tenant to stop at its next tile boundary.
    void preempt(const Tenant& t);
    /// Resumes the tenant from its contexts on `t.subarrays` (which may differ
    /// from those it was preempted on, in the same arrangement).
    void resume(const Tenant& t);
    /// Sequencers that reached END or stopped (a doorbell clears its bit).
    std::uint64_t done_mask();
    /// Clears the interrupt status.
    void acknowledge();
    bool preempted(unsigned subarray);

    /// A sequencer's state and performance counters, as its registers hold them.
    struct SequencerCounters {
        std::uint32_t status = 0;  ///< kSeqStatus* bits
        std::uint32_t error = 0;   ///< kSeqError* code
        std::uint32_t pc = 0, layer = 0, tiles = 0;
        std::uint64_t busy_cycles = 0, bytes = 0;
        bool stopped() const;  ///< done, failed or preempted
    };
    SequencerCounters counters(unsigned subarray);

    /// Polling, for hosts without the interrupt: reads DONE_MASK every
    /// `interval` of simulation time until all of `subarrays` have stopped or
    /// `timeout` has passed; returns the mask of those that stopped.
    std::uint64_t poll(const std::vector<unsigned>& subarrays, const sc_core::sc_time& interval,
                       const sc_core::sc_time& timeout = sc_core::sc_max_time());
    /// Waits (after sync()) until the interrupt line is high; false if `timeout` passed first.
    bool wait_for_interrupt(const sc_core::sc_signal_in_if<bool>& irq,
                            const sc_core::sc_time& timeout = sc_core::sc_max_time());

    std::uint32_t read(std::uint64_t offset);
    void write(std::uint64_t offset, std::uint32_t value);
    /// Waits for the time the accesses so far annotated.
    void sync();

private:
    void program(const Tenant& t);
    void access(tlm::tlm_command cmd, std::uint64_t offset, std::uint32_t& value);
    Transport transport_;
    std::uint64_t base_;
    sc_core::sc_time delay_ = sc_core::SC_ZERO_TIME;
};

}  // namespace planaria
