#pragma once
// Planaria's spatial task scheduler: Algorithm 1 of the paper (Section V).
//
//   SCHEDULETASKSPATIALLY: ESTIMATERESOURCES for every task; if the minimums
//   fit on the chip, ALLOCATEFITTASKS, else ALLOCATEUNFITTASKS.
//
// Decisions where the pseudocode is open (each is tested in
// tests/unit/policy_test.cpp):
// - Slack. Line 15 reads slack = constraint - executed_time. We read
//   executed_time as the time since the task arrived (waiting included:
//   the QoS bound counts from arrival), so with an absolute deadline
//   slack = deadline - now.
// - A task that cannot meet its deadline with any count (already late, or
//   too little slack) needs the count with the least remaining time (the
//   smallest such count on ties): it is going to be late, so it should be
//   as little late as possible.
// - "Useful" counts. Remaining time need not fall with every extra subarray
//   (a prime count may only form thin arrays). A task never receives more
//   than the smallest count with its least remaining time, and a count that
//   is slower than a smaller one is cut down to that smaller one; the
//   subarrays cut off go to the other tasks.
// - ALLOCATEFITTASKS: spare subarrays are shared in proportion to
//   score = priority / remaining time on the task's minimum count (line 27),
//   water-filled under the useful-count caps; the fractional shares become
//   whole subarrays by the largest remainder, ties to the lower task id.
//   Subarrays no task can use stay idle.
// - ALLOCATEUNFITTASKS: score = priority / (slack x estimate) (line 40);
//   tasks take their minimums in descending score (ties: lower id) while
//   subarrays are left; the first task whose minimum no longer fits gets
//   what is left (>= 1) and runs below its minimum rather than leaving
//   subarrays idle (cut to a useful count, the rest passes on to the next
//   task); tasks after the chip is full wait (0).
// - Zero or negative slack: the score uses max(slack, kMinSlack), so a late
//   task scores highest (the formula's limit as slack -> 0) instead of
//   dividing by zero or going negative; a late task that waited would never
//   finish under load.
// - Preemption: a running task whose count changes is checkpointed (one
//   tile of intermediate results, Section V "Tile-based scheduling").
// - Priorities below 1 count as 1; remaining times below kMinRemaining count
//   as kMinRemaining (a task about to finish scores high instead of infinite).

#include "sched/policy.h"

namespace planaria {

class PlanariaPolicy : public SchedulingPolicy {
public:
    /// Slack below this counts as "already late" in the ALLOCATEUNFITTASKS score (1 ns, less than a 700 MHz cycle).
    static constexpr double kMinSlack = 1e-9;
    /// Remaining time floor in the ALLOCATEFITTASKS score.
    static constexpr double kMinRemaining = 1e-9;

    std::string name() const override { return "planaria"; }
    Decision schedule(const ChipView& chip, const std::vector<TaskState>& tasks) override;

    // The stages of Algorithm 1, public so that tests can check them one by one.

    /// deadline - now (negative once late).
    static double slack(const TaskState& task, double now);
    /// ESTIMATERESOURCES: the smallest k with remaining[k-1] <= slack, else the smallest k with the least remaining time.
    static unsigned estimate_resources(const TaskState& task, double now);
    /// ALLOCATEFITTASKS: minimums plus the spare shared by priority / remaining time. Needs sum(estimates) <= chip.
    static std::vector<unsigned> allocate_fit_tasks(const std::vector<TaskState>& tasks,
                                                    const std::vector<unsigned>& estimates, unsigned chip);
    /// ALLOCATEUNFITTASKS: minimums in descending priority / (slack x estimate) until the chip is full.
    static std::vector<unsigned> allocate_unfit_tasks(const std::vector<TaskState>& tasks,
                                                      const std::vector<unsigned>& estimates, unsigned chip,
                                                      double now);
};

}  // namespace planaria
