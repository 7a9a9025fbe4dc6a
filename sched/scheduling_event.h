#pragma once
// One scheduling event of the host (paper Section V, Algorithm 1's caller),
// the same at every fidelity: the host module on the TLM chip (sched/host.h)
// and the configuration-table-level node both describe their unfinished
// tasks with TaskProgress, and this core turns them into the policy's
// TaskStates (PREDICTTIME from the configuration tables, PREMA's context and
// drain costs), runs the policy, keeps the subarrays of tasks still on their
// way off the chip, and places the counts on subarrays the hardware connects.
// What the caller then does with the placements (register writes, or the
// table-level bookkeeping) is its own.

#include <cstddef>
#include <vector>

#include "hw/config/arch_config.h"
#include "hw/fission/floorplan.h"
#include "sched/placement.h"
#include "sched/policy.h"
#include "sched/task.h"
#include "sched/task_monitor.h"

namespace planaria {

/// What the host knows of one unfinished task at a scheduling event.
struct TaskProgress {
    const Request* request = nullptr;
    const TaskProfile* profile = nullptr;
    std::size_t layer = 0;          ///< the layer in progress
    double fraction = 0;            ///< of that layer done, as far as the host knows
    double executed = 0;            ///< seconds it has run so far
    bool started = false;
    unsigned held = 0;              ///< subarrays it holds (0: none)
    const Placement* place = nullptr;  ///< where, when it holds some
    /// The count its context was saved for (a stopped task restores that
    /// many subarrays' results); 0: none, the whole chip is assumed.
    unsigned context_subarrays = 0;
    /// Share of its current layer still to run before it could leave without
    /// saving anything (PREMA's DRAIN cost); 0 when it holds nothing.
    double layer_left = 0;
    /// On its way off the chip (stopping at a tile boundary, or draining its
    /// layer): it keeps its subarrays whatever the policy decides.
    bool leaving = false;
};

/// Bytes a CHECKPOINT saves (and a restore reads back) for a task on k
/// subarrays: one tile of results, which lives in one half of each
/// double-buffered output buffer the task holds.
double checkpoint_bytes(const ArchConfig& cfg, unsigned k);

/// The policy's view of a task (TaskState).
TaskState task_state(const ArchConfig& cfg, const TaskProgress& task);

struct SchedulingOutcome {
    Decision decision;               ///< the policy's, one grant per task
    std::vector<Placement> placed;   ///< one per task: where its grant lands (0 subarrays: none)
    /// Whether task n gives up or changes its subarrays.
    bool moves(std::size_t n, const TaskProgress& task) const;
};

/// Runs `policy` on `tasks` and places its grants. Throws std::logic_error
/// when the policy does not grant every task.
SchedulingOutcome schedule_tasks(const ArchConfig& cfg, const Floorplan& floorplan, SchedulingPolicy& policy,
                                 double now, const std::vector<TaskProgress>& tasks);

}  // namespace planaria
