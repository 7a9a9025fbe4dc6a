#include "sched/simple_policies.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace planaria {

namespace {

/// Indices of the tasks that hold no subarrays, earliest arrival first (ties: lower id).
std::vector<std::size_t> waiting_in_arrival_order(const std::vector<TaskState>& tasks) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < tasks.size(); ++i)
        if (tasks[i].allocated == 0) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (tasks[a].arrival != tasks[b].arrival) return tasks[a].arrival < tasks[b].arrival;
        return tasks[a].id < tasks[b].id;
    });
    return order;
}

Decision nobody_runs(const std::vector<TaskState>& tasks) {
    Decision d;
    for (const auto& t : tasks) d.grants.push_back({t.id, 0, Preemption::None});
    return d;
}

}  // namespace

Decision FcfsPolicy::schedule(const ChipView& chip, const std::vector<TaskState>& tasks) {
    Decision d = nobody_runs(tasks);
    bool busy = false;
    for (std::size_t i = 0; i < tasks.size(); ++i)
        if (tasks[i].allocated > 0) {
            d.grants[i].subarrays = tasks[i].allocated;  // non-preemptive: the holder keeps the chip
            busy = true;
        }
    if (!busy) {
        const auto order = waiting_in_arrival_order(tasks);
        if (!order.empty()) d.grants[order.front()].subarrays = chip.subarrays;
    }
    return d;
}

StaticPartitionPolicy::StaticPartitionPolicy(unsigned partitions) : partitions_(partitions) {
    if (partitions_ == 0) throw std::invalid_argument("static policy: needs at least one partition");
}

Decision StaticPartitionPolicy::schedule(const ChipView& chip, const std::vector<TaskState>& tasks) {
    if (chip.subarrays < partitions_)
        throw std::invalid_argument("static policy: " + std::to_string(partitions_) + " partitions on a chip of " +
                                    std::to_string(chip.subarrays) + " subarrays");
    const unsigned size = chip.subarrays / partitions_;
    Decision d = nobody_runs(tasks);
    unsigned used = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i)
        if (tasks[i].allocated > 0 && used < partitions_) {
            d.grants[i].subarrays = size;  // keeps its partition
            ++used;
        }
    for (std::size_t i : waiting_in_arrival_order(tasks)) {
        if (used == partitions_) break;
        d.grants[i].subarrays = size;
        ++used;
    }
    return d;
}

}  // namespace planaria
