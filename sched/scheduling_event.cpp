#include "sched/scheduling_event.h"

#include <stdexcept>

namespace planaria {

double checkpoint_bytes(const ArchConfig& cfg, unsigned k) {
    return double(k) * double(cfg.pod.output_buffer.bytes) / 2;
}

TaskState task_state(const ArchConfig& cfg, const TaskProgress& t) {
    const unsigned chip = cfg.subarray.count;
    TaskState s;
    s.id = t.request->id;
    s.priority = t.request->priority;
    s.arrival = t.request->arrival;
    s.deadline = t.request->arrival + t.request->bound;
    s.executed = t.executed;
    for (unsigned k = 1; k <= chip; ++k) s.remaining.push_back(t.profile->remaining(k, t.layer, t.fraction));
    s.isolated = t.profile->isolated(chip);
    s.allocated = t.held;
    s.started = t.started;
    s.context_bytes = checkpoint_bytes(cfg, t.context_subarrays ? t.context_subarrays : chip);
    s.drain_cost = t.held ? t.layer_left * t.profile->layer_seconds(t.held, t.layer) : 0;
    return s;
}

bool SchedulingOutcome::moves(std::size_t n, const TaskProgress& task) const {
    return placed[n].subarrays != task.held || placed[n].region != task.place->region;
}

SchedulingOutcome schedule_tasks(const ArchConfig& cfg, const Floorplan& floorplan, SchedulingPolicy& policy,
                                 double now, const std::vector<TaskProgress>& tasks) {
    std::vector<TaskState> states;
    std::vector<Placement> current;
    for (const TaskProgress& t : tasks) {
        states.push_back(task_state(cfg, t));
        if (t.held) current.push_back(*t.place);
    }
    SchedulingOutcome out;
    out.decision = policy.schedule({cfg.subarray.count, now}, states);
    if (out.decision.grants.size() != states.size())
        throw std::logic_error(policy.name() + ": a decision must grant every task");
    // A task on its way off the chip keeps its subarrays until it has left.
    std::vector<Grant> grants = out.decision.grants;
    for (std::size_t n = 0; n < tasks.size(); ++n)
        if (tasks[n].leaving) grants[n].subarrays = tasks[n].held;
    out.placed = place(floorplan, grants, current);
    return out;
}

}  // namespace planaria
