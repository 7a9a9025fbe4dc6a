#pragma once
// The two reference policies of the evaluation: first come, first served on
// the whole chip, and a static equal partition of the chip.

#include "sched/policy.h"

namespace planaria {

/// Non-preemptive, temporal: the whole chip to the earliest arrival (ties: lower id)
/// until it finishes. A task that holds subarrays keeps exactly what it holds.
class FcfsPolicy : public SchedulingPolicy {
public:
    std::string name() const override { return "fcfs"; }
    Decision schedule(const ChipView& chip, const std::vector<TaskState>& tasks) override;
};

/// The chip cut into `partitions` equal fixed partitions of subarrays / partitions
/// (a remainder stays idle). A waiting task gets a free partition in arrival order
/// (ties: lower id) and keeps it until it finishes; never preempted. Which physical
/// partition is the placement's business (sched/placement.h keeps it in place).
class StaticPartitionPolicy : public SchedulingPolicy {
public:
    /// Throws std::invalid_argument for 0 partitions.
    explicit StaticPartitionPolicy(unsigned partitions = 4);
    std::string name() const override { return "static"; }
    /// Throws std::invalid_argument when the chip has fewer subarrays than partitions.
    Decision schedule(const ChipView& chip, const std::vector<TaskState>& tasks) override;
    unsigned partitions() const { return partitions_; }

private:
    unsigned partitions_;
};

}  // namespace planaria
