#pragma once
// The host scheduler's policy interface (paper Section V): at every
// scheduling event (a task arrives, a task finishes) the host hands the policy
// every unfinished task and the policy answers how many subarrays each one
// gets. Policies are pure functions of that view plus, for PREMA, their own
// token bookkeeping: no SystemC, no registers. Where the subarrays physically
// go is decided afterwards by sched/placement.h.
//
// Times are seconds of simulated time; the caller converts from sc_time.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw/config/arch_config.h"

namespace planaria {

/// Priorities of the workloads (paper Section VI-A, after [67]): 1..11, higher is more important.
constexpr unsigned kMinPriority = 1;
constexpr unsigned kMaxPriority = 11;

/// What the task monitor knows about one unfinished task at a scheduling event.
struct TaskState {
    std::uint64_t id = 0;
    unsigned priority = 1;            ///< 1..11, higher is more important
    double arrival = 0, deadline = 0; ///< seconds; deadline = arrival + QoS bound
    double executed = 0;              ///< seconds the task has already been running (any allocation)
    /// [k-1]: predicted remaining seconds on k subarrays (PREDICTTIME: remaining tiles x cycles per
    /// tile from the configuration tables and the task's progress; the caller computes it).
    /// size = chip subarrays.
    std::vector<double> remaining;
    double isolated = 0;              ///< estimated isolated latency of the whole task on the whole chip (seconds)
    unsigned allocated = 0;           ///< subarrays it holds now (0: waiting or preempted)
    bool started = false;             ///< has run before

    // Inputs of PREMA's preemption cost model (ignored by the other policies).
    /// Bytes of in-flight context a CHECKPOINT saves to off-chip memory and later restores
    /// (the on-chip intermediate results of the current tile / layer).
    double context_bytes = 0;
    /// Seconds until the task reaches a point where it can leave the chip without saving
    /// anything (the end of its current layer): the delay a DRAIN imposes on the next task.
    double drain_cost = 0;
};

struct ChipView {
    unsigned subarrays = 16;
    double now = 0;  ///< seconds
};

/// How a running task gives up subarrays it loses.
enum class Preemption {
    None,        ///< it loses nothing (or was not running)
    Checkpoint,  ///< save the in-flight context off-chip, restore it when it runs again
    Drain,       ///< keep running until the current layer ends, then leave
    Kill,        ///< stop now and restart from the beginning later
};
std::string to_string(Preemption how);

struct Grant {
    std::uint64_t task = 0;
    unsigned subarrays = 0;
    /// How a running task gives up its current allocation: set when it loses subarrays
    /// (PREMA) or, on Planaria, whenever its count changes (it moves to a new fission
    /// configuration at a tile boundary and checkpoints that tile). None otherwise.
    Preemption how = Preemption::None;
};

/// One entry per task passed in, same order; 0 subarrays = not running.
struct Decision {
    std::vector<Grant> grants;
};

/// Knobs of the policies that are not per task.
struct PolicyOptions {
    /// PREMA's CHECKPOINT cost: context_bytes go out and come back at this off-chip bandwidth
    /// (bytes/s). Default: the default architecture's 4 channels x 62.5 GB/s; the host passes
    /// its ArchConfig's offchip_bandwidth_gbps() x 1e9.
    double checkpoint_bandwidth = 250e9;
    /// Fixed seconds per CHECKPOINT on top of the transfers (host work, register traffic).
    double checkpoint_latency = 0;
    /// The options for a policy running on `cfg`: checkpoints at the chip's whole off-chip bandwidth.
    static PolicyOptions for_chip(const ArchConfig& cfg) {
        PolicyOptions o;
        o.checkpoint_bandwidth = cfg.offchip.bandwidth_gbps * 1e9 * cfg.offchip.channels;
        return o;
    }
    /// Static equal partition: the chip is cut into this many fixed partitions.
    unsigned partitions = 4;
};

class SchedulingPolicy {
public:
    virtual ~SchedulingPolicy() = default;
    virtual std::string name() const = 0;
    /// Called at every scheduling event (arrival, completion) with every unfinished task.
    virtual Decision schedule(const ChipView& chip, const std::vector<TaskState>& tasks) = 0;
};

/// "planaria", "prema", "fcfs", "static"; throws std::invalid_argument listing the known names.
std::unique_ptr<SchedulingPolicy> make_policy(const std::string& name, const PolicyOptions& options = {});
std::vector<std::string> policy_names();

}  // namespace planaria
