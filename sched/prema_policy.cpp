#include "sched/prema_policy.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace planaria {

PremaPolicy::PremaPolicy(const PolicyOptions& options) : options_(options) {
    if (!(options_.checkpoint_bandwidth > 0))
        throw std::invalid_argument("prema policy: checkpoint bandwidth must be positive");
}

double PremaPolicy::token(std::uint64_t id) const {
    const auto it = tokens_.find(id);
    return it == tokens_.end() ? 0.0 : it->second.value;
}

unsigned PremaPolicy::threshold(double max_token) {
    if (!(max_token >= kMinPriority)) return kMinPriority;
    if (max_token >= kMaxPriority) return kMaxPriority;
    return unsigned(std::floor(max_token));
}

double PremaPolicy::checkpoint_cost(const TaskState& task) const {
    return options_.checkpoint_latency + 2.0 * task.context_bytes / options_.checkpoint_bandwidth;
}

Preemption PremaPolicy::choose_preemption(const TaskState& task) const {
    Preemption how = Preemption::Drain;
    double cost = task.drain_cost;
    if (checkpoint_cost(task) < cost) {
        how = Preemption::Checkpoint;
        cost = checkpoint_cost(task);
    }
    if (task.executed < cost) how = Preemption::Kill;
    return how;
}

void PremaPolicy::update_tokens(double now, const std::vector<TaskState>& tasks) {
    std::set<std::uint64_t> alive;
    for (const auto& t : tasks) {
        alive.insert(t.id);
        const double priority = std::max(t.priority, kMinPriority);
        auto it = tokens_.find(t.id);
        if (it == tokens_.end()) it = tokens_.emplace(t.id, Token{priority, t.allocated ? now : t.arrival}).first;
        Token& token = it->second;
        if (t.allocated == 0 && t.isolated > 0 && now > token.updated)
            token.value += priority * (now - token.updated) / t.isolated;
        token.updated = now;
    }
    for (auto it = tokens_.begin(); it != tokens_.end();)
        it = alive.count(it->first) ? std::next(it) : tokens_.erase(it);
}

Decision PremaPolicy::schedule(const ChipView& chip, const std::vector<TaskState>& tasks) {
    if (chip.subarrays == 0) throw std::invalid_argument("prema policy: the chip has no subarrays");
    for (const auto& t : tasks)
        if (t.remaining.size() != chip.subarrays)
            throw std::invalid_argument("prema policy: task " + std::to_string(t.id) + " has " +
                                        std::to_string(t.remaining.size()) + " remaining-time entries, the chip " +
                                        std::to_string(chip.subarrays) + " subarrays");
    update_tokens(chip.now, tasks);
    Decision d;
    if (tasks.empty()) return d;

    double max_token = 0;
    for (const auto& t : tasks) max_token = std::max(max_token, token(t.id));
    const unsigned level = threshold(max_token);

    const TaskState* next = nullptr;
    for (const auto& t : tasks) {
        if (token(t.id) < level) continue;
        if (!next) {
            next = &t;
            continue;
        }
        const double a = t.remaining.back(), b = next->remaining.back();
        const bool better = a != b ? a < b
                                   : (t.allocated > 0) != (next->allocated > 0) ? t.allocated > 0 : t.id < next->id;
        if (better) next = &t;
    }

    for (const auto& t : tasks) {
        Grant g{t.id, 0, Preemption::None};
        if (&t == next)
            g.subarrays = chip.subarrays;
        else if (t.allocated > 0)
            g.how = choose_preemption(t);
        d.grants.push_back(g);
    }
    return d;
}

}  // namespace planaria
