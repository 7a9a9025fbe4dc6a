#include "testbench/policy_comparison.h"

#include <filesystem>
#include <iomanip>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hw/config/output_file.h"

namespace planaria {

bool runs_on_baseline(const std::string& policy) { return policy == "prema" || policy == "fcfs"; }

const ArchConfig& chip_for_policy(const std::string& policy, const ArchConfig& fissionable, const ArchConfig& baseline) {
    return runs_on_baseline(policy) ? baseline : fissionable;
}

Comparison compare_policies(const ComparisonRequest& rq, const std::function<void(unsigned, unsigned)>& progress) {
    Comparison out;
    out.request = rq;
    const bool search = out.searched();
    const unsigned seeds = rq.seeds;
    std::vector<std::unique_ptr<NodeSetup>> setups;
    for (const std::string& policy : rq.policies) {
        const ArchConfig& arch = chip_for_policy(policy, rq.fissionable, rq.baseline);
        const PolicyOptions options = PolicyOptions::for_chip(arch);
        setups.push_back(std::make_unique<NodeSetup>(arch, policy, rq.scenario, options, rq.tile, rq.inputs));
    }
    // The runs at the given rate, [policy][seed].
    std::vector<std::vector<WorkloadRun>> at_rate(rq.policies.size());
    out.policies.resize(rq.policies.size());
    unsigned done = 0;
    if (rq.tile) {
        TileLevelExperiment experiment(rq.fidelity);
        for (const auto& setup : setups)
            for (unsigned s = 0; s < seeds; ++s)
                experiment.add(*setup, generate_requests(rq.scenario, rq.qos, rq.rate, rq.requests, rq.seed + s), rq.nodes);
        const unsigned total = unsigned(experiment.size()) * rq.requests;
        experiment.on_progress([&](std::size_t) {
            if (progress) progress(++done, total);
        });
        experiment.run();
        out.cycle_check = experiment.cycle_check();
        for (std::size_t p = 0; p < rq.policies.size(); ++p)
            for (unsigned s = 0; s < seeds; ++s) at_rate[p].push_back(experiment.result(p * seeds + s));
    } else {
        const unsigned total = unsigned(rq.policies.size()) * (seeds + (search ? 20 * seeds : 0));
        const auto step = [&] {
            if (progress) progress(++done, total);
        };
        for (std::size_t p = 0; p < rq.policies.size(); ++p)
            at_rate[p] = run_seeds(*setups[p], rq.scenario, rq.qos, rq.rate, rq.requests, rq.seed, seeds, rq.nodes, step);
        for (std::size_t p = 0; p < rq.policies.size() && search; ++p)
            out.policies[p].throughput = search_throughput(*setups[p], rq.scenario, rq.qos, rq.rate, rq.requests,
                                                           rq.seed, seeds, 6, rq.nodes, step);
    }
    for (std::size_t p = 0; p < rq.policies.size(); ++p) {
        PolicyResult& col = out.policies[p];
        col.policy = rq.policies[p];
        col.arch = setups[p]->arch();
        std::vector<WorkloadMetrics> metrics;
        for (const WorkloadRun& run : at_rate[p]) metrics.push_back(run.metrics);
        col.run = std::move(at_rate[p].front());
        col.first = metrics.front();
        col.sla_rate = sla_satisfaction_rate(metrics);
        for (const auto& m : metrics) {
            col.fairness += m.fairness / seeds, col.energy += m.energy_j / seeds;
            col.energy_by_component += m.energy.scaled(1.0 / seeds);
            col.utilization += m.utilization / seeds, col.tasks_per_s += m.tasks_per_second / seeds;
        }
    }
    return out;
}

std::string Comparison::table() const {
    const ComparisonRequest& rq = request;
    std::ostringstream os;
    os << rq.scenario.name << ", QoS-" << to_string(rq.qos) << ": " << rq.requests << " requests at " << rq.rate
       << " per second, " << rq.seeds << " seeds from " << rq.seed
       << (rq.nodes > 1 ? ", " + std::to_string(rq.nodes) + " nodes" : "") << ", "
       << (!rq.tile ? "configuration-table level"
                    : rq.fidelity == Fidelity::Cycle ? "cycle level (host module on the TLM chip, every tile on its datapath)"
                                                     : "tile level (host module on the chip-level TLM model)")
       << "\n";
    if (rq.tile && rq.fidelity == Fidelity::Cycle)
        os << "cycle fidelity: " << cycle_check.tiles << " tiles ran on the datapath, " << cycle_check.differing
           << " took other cycles than the closed form\n";
    os << "\n";
    const auto row = [&](const std::string& name, const std::function<std::string(const PolicyResult&)>& cell) {
        os << std::left << std::setw(26) << name << std::right;
        for (const auto& c : policies) os << std::setw(16) << cell(c);
        os << "\n";
    };
    const auto fixed = [](double v, int digits) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(digits) << v;
        return s.str();
    };
    row("", [](const PolicyResult& c) { return c.policy; });
    row("chip", [](const PolicyResult& c) { return c.arch.name; });
    if (searched()) row("throughput (req/s)", [&](const PolicyResult& c) { return fixed(c.throughput, 1); });
    row("SLA satisfaction", [&](const PolicyResult& c) { return fixed(c.sla_rate * 100, 0) + " %"; });
    row("tasks within QoS", [&](const PolicyResult& c) { return fixed(c.first.vision_met * 100, 1) + " %"; });
    row("fairness", [&](const PolicyResult& c) { return fixed(c.fairness, 3); });
    row("energy (J)", [&](const PolicyResult& c) { return fixed(c.energy, 3); });
    for (const auto& [name, field] : EnergyBreakdown::components())
        row(std::string("  ") + name, [&, field = field](const PolicyResult& c) {
            return fixed(c.energy_by_component.*field, 3);
        });
    row("utilization", [&](const PolicyResult& c) { return fixed(c.utilization * 100, 1) + " %"; });
    row("tasks per second", [&](const PolicyResult& c) { return fixed(c.tasks_per_s, 1); });
    row("p99 latency (ms)", [&](const PolicyResult& c) { return fixed(c.first.p99_latency * 1e3, 2); });
    row("preemptions", [&](const PolicyResult& c) { return std::to_string(c.first.preemptions); });
    if (policies.size() == 2 && searched() && policies[1].throughput > 0)
        os << "\nthroughput gain " << policies[0].policy << " / " << policies[1].policy << ": "
           << fixed(policies[0].throughput / policies[1].throughput, 2) << "x\n";
    return os.str();
}

void Comparison::write(const std::string& dir) const {
    const ComparisonRequest& rq = request;
    std::filesystem::create_directories(dir);
    nlohmann::ordered_json summary;
    summary["scenario"] = rq.scenario.name;
    summary["qos"] = to_string(rq.qos);
    summary["rate"] = rq.rate;
    summary["requests"] = rq.requests;
    summary["seed"] = rq.seed;
    summary["seeds"] = rq.seeds;
    summary["nodes"] = rq.nodes;
    summary["fidelity"] = rq.tile ? "tile" : "table";
    for (const PolicyResult& c : policies) {
        write_tasks_csv(dir + "/tasks-" + c.policy + ".csv", c.run.tasks);
        write_timeline(dir + "/timeline-" + c.policy + ".json", c.run, c.arch);
        nlohmann::ordered_json j = to_json(c.first);
        j["architecture"] = c.arch.name;
        j["sla_satisfaction_rate"] = c.sla_rate;
        if (searched()) j["throughput"] = c.throughput;
        summary["policies"][c.policy] = j;
    }
    write_file_atomically(dir + "/summary.json", summary.dump(2) + "\n");
}

}  // namespace planaria
