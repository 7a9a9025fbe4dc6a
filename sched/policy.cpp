#include "sched/policy.h"

#include <functional>
#include <stdexcept>
#include <utility>

#include "sched/planaria_policy.h"
#include "sched/prema_policy.h"
#include "sched/simple_policies.h"

namespace planaria {

std::string to_string(Preemption how) {
    switch (how) {
        case Preemption::None: return "none";
        case Preemption::Checkpoint: return "checkpoint";
        case Preemption::Drain: return "drain";
        case Preemption::Kill: return "kill";
    }
    return "?";
}

namespace {

using Factory = std::function<std::unique_ptr<SchedulingPolicy>(const PolicyOptions&)>;

/// The registry: one line per policy; a new policy is one more line.
const std::vector<std::pair<std::string, Factory>>& registry() {
    static const std::vector<std::pair<std::string, Factory>> policies = {
        {"planaria", [](const PolicyOptions&) { return std::make_unique<PlanariaPolicy>(); }},
        {"prema", [](const PolicyOptions& o) { return std::make_unique<PremaPolicy>(o); }},
        {"fcfs", [](const PolicyOptions&) { return std::make_unique<FcfsPolicy>(); }},
        {"static", [](const PolicyOptions& o) { return std::make_unique<StaticPartitionPolicy>(o.partitions); }},
    };
    return policies;
}

}  // namespace

std::vector<std::string> policy_names() {
    std::vector<std::string> names;
    for (const auto& entry : registry()) names.push_back(entry.first);
    return names;
}

std::unique_ptr<SchedulingPolicy> make_policy(const std::string& name, const PolicyOptions& options) {
    for (const auto& entry : registry())
        if (entry.first == name) return entry.second(options);
    std::string known;
    for (const auto& n : policy_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown scheduling policy '" + name + "' (known: " + known + ")");
}

}  // namespace planaria
