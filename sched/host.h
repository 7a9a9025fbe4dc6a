#pragma once
// The host scheduler as a TLM-2.0 initiator (paper Section V, Fig. 11(b)):
// it holds the task queue and a task monitor, and on every scheduling event
// (a task arrives, a task finishes, a preempted task has left the chip) it
// runs a policy (sched/policy.h), places the counts on subarrays the
// hardware can connect (sched/placement.h), and programs the accelerator
// through its target socket (hw/driver/accelerator_driver.h):
//
//  - a waiting task starts: program bases (its compiled streams for the
//    granted count, entered at the layer it has reached), tenant, data base,
//    doorbells;
//  - a running task whose count or place changes is preempted: its
//    sequencers stop at their next tile boundary and save their contexts.
//    Once all have stopped it takes its new grant: the same count resumes
//    from the contexts (one tile of results restored, on the same or other
//    pods); another count restarts the layer it was in with the programs for
//    that count (the compiled streams cannot be entered in the middle of a
//    layer for another count: the work of that layer is done again). KILL
//    restarts from the first layer; DRAIN is treated as CHECKPOINT;
//  - the task monitor's progress is the LAYER register of the task's
//    sequencers; PREDICTTIME is the configuration tables' cycles of the
//    remaining layers.
//
// Register traffic takes the accelerator's annotated access time and the
// policy's own run time (`policy_s`) is waited for before its decision is
// applied. Completions arrive by interrupt.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "hw/bundle/bundle.h"
#include "hw/config/arch_config.h"
#include "hw/fission/floorplan.h"
#include "hw/driver/accelerator_driver.h"
#include "sched/placement.h"
#include "sched/policy.h"
#include "sched/scheduling_event.h"
#include "sched/task.h"
#include "sched/task_monitor.h"

namespace planaria {

class Host : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Host, 64> socket;
    sc_core::sc_in<bool> irq;

    /// Backdoor loading of programs into the memory the accelerator fetches from.
    using Loader = std::function<void(std::uint64_t address, const std::vector<std::uint8_t>& bytes)>;
    /// Joules a sequencer's current run has spent so far (a power meter the
    /// platform provides; the counters survive a preemption in the context).
    using EnergyMeter = std::function<EnergyBreakdown(unsigned subarray)>;
    struct Options {
        double policy_s = 2e-6;                        ///< host time of one policy run
        std::uint64_t program_region = 0x800'0000'0000ull;  ///< where the loader puts instruction streams
        std::uint64_t data_region = 0;                 ///< where the tasks' data spans begin
        std::uint64_t data_span = 0x20'0000'0000ull;   ///< address space of one task's data
        unsigned data_slots = 64;                      ///< tasks started and unfinished at once (more wait)
        std::uint64_t weights_region = 0x08'0000'0000ull;  ///< inside a task's span: its weights (its data from the start)
        std::uint64_t context_region = 0x0F'0000'0000ull;  ///< inside a task's span: its contexts
        /// Empty: compute (BUSY counter x PEs x mac energy, as if every PE
        /// worked every busy cycle) and DRAM (BYTES counter) only, from the
        /// sequencer registers.
        EnergyMeter energy_meter;
        /// Called when a task has finished (progress reports).
        std::function<void(const TaskRecord&)> on_finish;
    };

    /// `bundles`: every model the requests name, compiled (with instruction
    /// streams) for every count 1..subarrays of `cfg`.
    Host(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
         std::unique_ptr<SchedulingPolicy> policy, std::vector<Request> requests, Loader loader, Options options);
    Host(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
         std::unique_ptr<SchedulingPolicy> policy, std::vector<Request> requests, Loader loader);
    ~Host() override;

    /// After the run: one record per request, in the requests' order.
    const std::vector<TaskRecord>& records() const { return records_; }
    bool finished() const;
    /// Sequencer errors met (a task with an error ends there; empty in a sound run).
    const std::vector<std::string>& failures() const { return failures_; }
    std::uint64_t scheduling_events() const { return events_; }
    /// Preemptions the policy made KILLs (the task restarts from its first layer).
    std::uint64_t kills() const { return kills_; }
    /// Subarray-seconds the tasks computed (from the sequencers' BUSY counters).
    double busy_subarray_seconds() const;
    /// Who held which subarrays when (one entry per run of a task).
    const std::vector<Occupancy>& timeline() const { return timeline_; }

private:
    SC_HAS_PROCESS(Host);
    struct Task;
    void thread();
    void load_programs();
    void schedule();
    void collect();
    void start(Task& t, const Placement& p);
    EnergyBreakdown energy(unsigned subarray, std::uint64_t busy, std::uint64_t bytes) const;
    void release(Task& t);
    std::uint64_t entry(const Task& t, unsigned k, unsigned position, std::size_t layer) const;
    AcceleratorDriver::Tenant tenant(const Task& t, const std::vector<unsigned>& region, unsigned k, std::size_t layer) const;

    ArchConfig cfg_;
    Floorplan floorplan_;
    std::map<std::string, const Bundle*> bundles_;
    std::map<std::string, TaskProfile> profiles_;
    std::unique_ptr<SchedulingPolicy> policy_;
    std::vector<Request> requests_;
    Loader loader_;
    Options options_;
    AcceleratorDriver driver_;
    std::vector<Task> tasks_;
    std::vector<TaskRecord> records_;
    std::vector<Occupancy> timeline_;
    std::vector<std::string> failures_;
    std::map<std::string, std::vector<std::vector<std::uint64_t>>> program_base_;  ///< [model][k-1][position]
    std::map<std::string, std::vector<std::vector<std::vector<std::uint64_t>>>> entries_;  ///< [model][k-1][position][layer]
    std::size_t finished_ = 0;
    std::uint64_t events_ = 0, kills_ = 0;
};

}  // namespace planaria
