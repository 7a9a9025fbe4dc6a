#pragma once
// One accelerator node at configuration-table level: the host scheduler's
// own view of the chip (paper Section V), run as a discrete-event simulation.
// Every running task advances through its layers at the speed its
// configuration table gives for the subarrays it holds; at every scheduling
// event (an arrival, a completion, a preempted task leaving the chip) the
// policy decides the counts, placement puts them on subarrays the hardware
// can connect (sched/placement.h), and the node applies them:
//
//  - Planaria (spatial): a running task whose count or place changes stops
//    at a tile boundary, checkpoints one tile of results to off-chip memory
//    and restores it on its new subarrays (the paper's tile-granularity
//    re-allocation: it keeps its progress and pays the transfer);
//  - PREMA (temporal, one task on the whole chip): CHECKPOINT saves and
//    later restores the in-flight tile, DRAIN lets the task finish its layer
//    first, KILL drops its progress (it restarts from the first layer).
//
// This is the fast fidelity level for workload studies (thousands of requests
// per second of wall time); the chip-level TLM model (planaria replay) runs
// the same tasks tile by tile. Deterministic.

#include <map>
#include <string>
#include <vector>

#include "hw/config/arch_config.h"
#include "hw/fission/floorplan.h"
#include "sched/placement.h"
#include "sched/policy.h"
#include "sched/scheduling_event.h"
#include "sched/task_monitor.h"
#include "testbench/metrics.h"

namespace planaria {

struct NodeOptions {
    /// Host time of one scheduling event (the policy's run and its register
    /// traffic): the tasks it starts or moves begin this much later.
    double scheduling_s = 2e-6;
};

class TableLevelNode {
public:
    /// `profiles`: every model the requests name; their tables cover 1..cfg.subarray.count.
    TableLevelNode(const ArchConfig& cfg, const std::map<std::string, TaskProfile>& profiles,
                   SchedulingPolicy& policy, NodeOptions options = {});
    ~TableLevelNode();

    /// Runs the requests to completion; one record per request, in the requests' order.
    /// Throws std::invalid_argument for a request naming a model without a profile.
    std::vector<TaskRecord> run(const std::vector<Request>& requests);

    double busy_subarray_seconds() const { return busy_; }
    std::uint64_t scheduling_events() const { return events_; }
    std::uint64_t preemptions() const { return preemptions_; }
    const std::vector<Occupancy>& timeline() const { return timeline_; }

private:
    struct Task;
    void schedule(double now);
    void advance(double to);
    void take(Task& t, double now);
    void leave(Task& t, double now);

    ArchConfig cfg_;
    Floorplan floorplan_;
    const std::map<std::string, TaskProfile>& profiles_;
    SchedulingPolicy& policy_;
    NodeOptions options_;
    double bandwidth_;  ///< bytes/s, all channels
    std::vector<Task> tasks_;
    std::vector<std::size_t> active_;  ///< arrived, unfinished tasks (indices into tasks_)
    double busy_ = 0;
    std::uint64_t events_ = 0, preemptions_ = 0;
    std::vector<Occupancy> timeline_;
};

}  // namespace planaria
