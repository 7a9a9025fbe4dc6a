#pragma once
// PREMA (Choi and Rhu, HPCA 2020), the paper's temporal multi-tasking
// baseline: one task at a time on the whole (monolithic) chip, preemptive,
// token-based priority.
//
// - Tokens. A task's token starts at its priority when the policy first sees
//   it and, at every scheduling event, grows by
//       priority x (time it waited since the previous event / isolated latency)
//   for a task that held no subarrays in between (its `allocated` is 0 at this
//   event). The running task's token does not grow and is not reset. A task
//   seen for the first time while waiting has waited since its arrival.
//   Tokens live in the policy, keyed by task id; ids no longer passed in are
//   forgotten. An isolated latency <= 0 gives no growth (no division by zero).
// - Candidates. The threshold is the highest priority level reached by any
//   token: the largest level <= the largest token. Every task whose token
//   reaches it is a candidate; among them the shortest estimated remaining
//   time on the whole chip (remaining[chip-1]) runs. Ties: the running task
//   keeps the chip (an equal gain is not worth a preemption), then the lower id.
// - Preemption. When another task is picked, each running task is preempted
//   by the mechanism with the least predicted cost:
//     DRAIN      drain_cost (the next task waits for the current layer to end),
//     CHECKPOINT checkpoint_latency + 2 x context_bytes / checkpoint_bandwidth
//                (the context goes out now and comes back when it resumes),
//     KILL       executed (the work thrown away and done again).
//   Ties go to DRAIN, then CHECKPOINT, then KILL (the least work lost).
//   With DRAIN the task's grant is already 0: the host lets it finish its
//   layer before it starts the next task.
//
// Where this generalises PREMA: PREMA has three priority levels (low,
// medium, high), whose values are both the initial tokens and the candidate
// thresholds. The workloads here draw priorities from 1..11 (Section VI-A),
// so every integer 1..11 is a level and a threshold. PREMA's preemption
// cost model is analytical over its NPU's memory traffic; ours takes the
// context size and drain time from the caller (configuration tables and
// progress) and the bandwidth from PolicyOptions.

#include <map>

#include "sched/policy.h"

namespace planaria {

class PremaPolicy : public SchedulingPolicy {
public:
    /// Throws std::invalid_argument for a checkpoint bandwidth <= 0.
    explicit PremaPolicy(const PolicyOptions& options = {});

    std::string name() const override { return "prema"; }
    Decision schedule(const ChipView& chip, const std::vector<TaskState>& tasks) override;

    /// The task's token as of the last schedule() call (0 for an id not seen or forgotten).
    double token(std::uint64_t id) const;
    /// The candidate threshold: the largest priority level (1..11) <= `max_token`, at least 1.
    static unsigned threshold(double max_token);
    /// Predicted seconds a CHECKPOINT of `task` costs (save and restore).
    double checkpoint_cost(const TaskState& task) const;
    /// The cheapest way for the running `task` to give up the chip.
    Preemption choose_preemption(const TaskState& task) const;

private:
    struct Token {
        double value = 0;
        double updated = 0;  ///< time of the event it was last brought up to date
    };
    void update_tokens(double now, const std::vector<TaskState>& tasks);

    PolicyOptions options_;
    std::map<std::uint64_t, Token> tokens_;
};

}  // namespace planaria
