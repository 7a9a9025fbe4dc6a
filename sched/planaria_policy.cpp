#include "sched/planaria_policy.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace planaria {

namespace {

double priority_of(const TaskState& t) { return double(std::max(t.priority, kMinPriority)); }

/// The smallest count with the least remaining time: more subarrays than this never help.
unsigned best_count(const TaskState& t) {
    unsigned best = 1;
    for (unsigned k = 2; k <= t.remaining.size(); ++k)
        if (t.remaining[k - 1] < t.remaining[best - 1]) best = k;
    return best;
}

/// The smallest count in [low, k] that is as fast as any count in [low, k]:
/// a task given k subarrays never runs slower than it would on fewer.
unsigned useful_count(const TaskState& t, unsigned low, unsigned k) {
    unsigned best = low;
    for (unsigned j = low + 1; j <= k; ++j)
        if (t.remaining[j - 1] < t.remaining[best - 1]) best = j;
    return best;
}

/// One round of ALLOCATEFITTASKS lines 29-33 under per-task caps: the spare
/// subarrays water-filled in proportion to the scores (a task that reaches
/// its cap drops out and the rest is shared again), then whole subarrays by
/// the largest remainder.
std::vector<unsigned> distribute_spare(const std::vector<TaskState>& q, const std::vector<unsigned>& estimates,
                                       const std::vector<unsigned>& cap, unsigned chip) {
    const std::size_t n = q.size();
    std::vector<unsigned> allocation = estimates;
    const unsigned spare = chip - std::accumulate(estimates.begin(), estimates.end(), 0u);

    std::vector<double> score(n), share(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        score[i] = priority_of(q[i]) / std::max(q[i].remaining[estimates[i] - 1], PlanariaPolicy::kMinRemaining);

    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < n; ++i)
        if (cap[i] > estimates[i]) active.push_back(i);
    double left = spare;
    while (!active.empty() && left > 0) {
        double total = 0;
        for (std::size_t a : active) total += score[a];
        std::vector<std::size_t> open, capped;
        for (std::size_t a : active)
            (left * score[a] / total >= double(cap[a] - estimates[a]) ? capped : open).push_back(a);
        if (capped.empty()) {
            for (std::size_t a : active) share[a] = left * score[a] / total;
            break;
        }
        for (std::size_t c : capped) {
            share[c] = cap[c] - estimates[c];
            left -= share[c];
        }
        active = open;
    }

    // Whole subarrays: the integer parts, then one more each to the largest
    // remainders until the shares' total is reached. Remainders are compared
    // in nanounits so that equal shares computed along different paths tie
    // and the task id decides.
    unsigned given = 0;
    double total_share = 0;
    std::vector<long long> remainder(n);
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned whole = std::min(unsigned(std::floor(share[i] + 1e-9)), cap[i] - estimates[i]);
        allocation[i] += whole;
        given += whole;
        total_share += share[i];
        remainder[i] = std::llround((share[i] - whole) * 1e9);
    }
    long long units = std::min<long long>(std::llround(total_share), spare) - (long long)given;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
        return q[a].id < q[b].id;
    });
    for (std::size_t i : order) {
        if (units <= 0) break;
        if (allocation[i] < cap[i]) {
            ++allocation[i];
            --units;
        }
    }
    return allocation;
}

}  // namespace

double PlanariaPolicy::slack(const TaskState& task, double now) { return task.deadline - now; }

unsigned PlanariaPolicy::estimate_resources(const TaskState& task, double now) {
    const double s = slack(task, now);
    for (unsigned k = 1; k <= task.remaining.size(); ++k)
        if (task.remaining[k - 1] <= s) return k;
    return best_count(task);
}

std::vector<unsigned> PlanariaPolicy::allocate_fit_tasks(const std::vector<TaskState>& tasks,
                                                         const std::vector<unsigned>& estimates, unsigned chip) {
    std::vector<unsigned> cap(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) cap[i] = std::max(estimates[i], best_count(tasks[i]));
    // A count that is slower than a smaller one lowers the task's cap and the
    // spare is shared again; caps only fall, so this ends.
    for (;;) {
        std::vector<unsigned> allocation = distribute_spare(tasks, estimates, cap, chip);
        bool trimmed = false;
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            const unsigned useful = useful_count(tasks[i], estimates[i], allocation[i]);
            if (useful < allocation[i]) {
                cap[i] = useful;
                trimmed = true;
            }
        }
        if (!trimmed) return allocation;
    }
}

std::vector<unsigned> PlanariaPolicy::allocate_unfit_tasks(const std::vector<TaskState>& tasks,
                                                           const std::vector<unsigned>& estimates, unsigned chip,
                                                           double now) {
    const std::size_t n = tasks.size();
    std::vector<double> score(n);
    for (std::size_t i = 0; i < n; ++i)
        score[i] = priority_of(tasks[i]) / (std::max(slack(tasks[i], now), kMinSlack) * estimates[i]);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (score[a] != score[b]) return score[a] > score[b];
        return tasks[a].id < tasks[b].id;
    });
    std::vector<unsigned> allocation(n, 0);
    unsigned left = chip;
    for (std::size_t i : order) {
        if (left == 0) break;
        allocation[i] = useful_count(tasks[i], 1, std::min(estimates[i], left));
        left -= allocation[i];
    }
    return allocation;
}

Decision PlanariaPolicy::schedule(const ChipView& chip, const std::vector<TaskState>& tasks) {
    if (chip.subarrays == 0) throw std::invalid_argument("planaria policy: the chip has no subarrays");
    for (const auto& t : tasks)
        if (t.remaining.size() != chip.subarrays)
            throw std::invalid_argument("planaria policy: task " + std::to_string(t.id) + " has " +
                                        std::to_string(t.remaining.size()) + " remaining-time entries, the chip " +
                                        std::to_string(chip.subarrays) + " subarrays");
    Decision d;
    if (tasks.empty()) return d;

    std::vector<unsigned> estimates;
    for (const auto& t : tasks) estimates.push_back(estimate_resources(t, chip.now));
    const unsigned needed = std::accumulate(estimates.begin(), estimates.end(), 0u);
    const std::vector<unsigned> allocation = needed <= chip.subarrays
                                                 ? allocate_fit_tasks(tasks, estimates, chip.subarrays)
                                                 : allocate_unfit_tasks(tasks, estimates, chip.subarrays, chip.now);
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        Grant g{tasks[i].id, allocation[i], Preemption::None};
        if (tasks[i].allocated > 0 && allocation[i] != tasks[i].allocated) g.how = Preemption::Checkpoint;
        d.grants.push_back(g);
    }
    return d;
}

}  // namespace planaria
