#include "testbench/workload_runner.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "compiler/compiler.h"

namespace planaria {

NodeSetup::NodeSetup(const ArchConfig& arch, std::string policy, const Scenario& scenario, PolicyOptions options)
    : arch_(arch), policy_(std::move(policy)), options_(options) {
    (void)make_policy(policy_, options_);  // an unknown name fails here, before compiling
    const Compiler compiler(arch_, {Objective::Cycles, 0, false});
    bundles_.reserve(scenario.models.size());
    for (const std::string& key : scenario.models) bundles_.push_back(compiler.compile(load_model_file(model_file(scenario, key))));
    for (std::size_t i = 0; i < bundles_.size(); ++i) {
        std::vector<const ConfigurationTable*> tables;
        for (const auto& k : bundles_[i].per_k) tables.push_back(&k.table);
        profiles_.emplace(scenario.models[i], TaskProfile(scenario.models[i], tables, arch_.clock_period_ns() * 1e-9));
    }
}

WorkloadRun run_workload(const NodeSetup& setup, const std::vector<Request>& requests, unsigned nodes) {
    if (nodes == 0) throw std::invalid_argument("run_workload: at least one node");
    WorkloadRun run;
    const std::vector<std::vector<Request>> shares = dispatch(requests, nodes);
    std::map<std::uint64_t, TaskRecord> by_id;
    double busy = 0;
    for (const auto& share : shares) {
        const auto policy = make_policy(setup.policy(), setup.options());
        TableLevelNode node(setup.arch(), setup.profiles(), *policy);
        for (TaskRecord& r : node.run(share)) by_id.emplace(r.id, std::move(r));
        busy += node.busy_subarray_seconds();
        run.scheduling_events += node.scheduling_events();
        run.timelines.push_back(node.timeline());
    }
    for (const Request& r : requests) run.tasks.push_back(by_id.at(r.id));
    run.metrics = evaluate(run.tasks, busy, setup.arch().subarray.count * nodes);
    return run;
}

void write_timeline(const std::string& path, const WorkloadRun& run, const ArchConfig& arch) {
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (std::size_t n = 0; n < run.timelines.size(); ++n) {
        events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", n}, {"args", {{"name", "node " + std::to_string(n)}}}});
        for (unsigned s = 0; s < arch.subarray.count; ++s)
            events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", n}, {"tid", s},
                              {"args", {{"name", "subarray " + std::to_string(s)}}}});
        for (const Occupancy& o : run.timelines[n])
            for (unsigned s : o.subarrays)
                events.push_back({{"name", o.model + " #" + std::to_string(o.task)},
                                  {"cat", o.model},
                                  {"ph", "X"},
                                  {"ts", o.start * 1e6},
                                  {"dur", (o.end - o.start) * 1e6},
                                  {"pid", n},
                                  {"tid", s},
                                  {"args", {{"task", o.task}}}});
    }
    std::ofstream out(path);
    if (!out) throw std::runtime_error(path + ": cannot write");
    out << nlohmann::ordered_json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() << "\n";
}

}  // namespace planaria
