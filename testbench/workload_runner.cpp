#include "testbench/workload_runner.h"

#include "hw/config/output_file.h"

#include <fstream>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "compiler/compiler.h"
#include "testbench/bundle_cache.h"

namespace planaria {

NodeSetup::NodeSetup(const ArchConfig& arch, std::string policy, const Scenario& scenario, PolicyOptions options,
                     bool instructions, const std::vector<InputOverride>& inputs, DepthwiseMapping depthwise,
                     const BundleCache* cache)
    : arch_(arch), policy_(std::move(policy)), options_(options), instructions_(instructions), keys_(scenario.models) {
    (void)make_policy(policy_, options_);  // an unknown name fails here, before compiling
    CompileOptions compile(Objective::Cycles, 0, instructions_);
    compile.depthwise = depthwise;
    // With a cache, the cache compiles what it does not hold.
    std::optional<Compiler> compiler;
    if (!cache) compiler.emplace(arch_, compile);
    bundles_.reserve(scenario.models.size());
    for (const std::string& key : scenario.models) {
        const std::string file = model_file(scenario, key);
        bundles_.push_back(cache ? cache->get(arch_, compile, file, inputs)
                                 : compiler->compile(load_model_file(file, inputs)));
    }
    build_profiles();
}

NodeSetup::NodeSetup(const NodeSetup& other, PeGating gating)
    : arch_(other.arch_), policy_(other.policy_), options_(other.options_), instructions_(other.instructions_),
      keys_(other.keys_), bundles_(other.bundles_) {
    const double from = arch_.energy.idle_pe_fraction();
    arch_.energy.pe_gating = gating;
    const double to = arch_.energy.idle_pe_fraction();
    if (from <= 0 && to != from)
        throw std::invalid_argument("NodeSetup: the idle-PE energy of " + arch_.name +
                                    "'s tables is zero (fraction 0): there is nothing to reprice");
    for (Bundle& b : bundles_)
        for (CompiledForK& k : b.per_k)
            for (LayerEntry& l : k.table.layers) l.energy.idle_pe = from > 0 ? l.energy.idle_pe * to / from : 0;
    build_profiles();
}

void NodeSetup::build_profiles() {
    for (std::size_t i = 0; i < bundles_.size(); ++i) {
        std::vector<const ConfigurationTable*> tables;
        for (const auto& k : bundles_[i].per_k) tables.push_back(&k.table);
        profiles_.emplace(keys_[i], TaskProfile(keys_[i], tables, arch_.clock_period_ns() * 1e-9));
    }
}

std::map<std::string, const Bundle*> NodeSetup::bundles() const {
    std::map<std::string, const Bundle*> m;
    for (std::size_t i = 0; i < keys_.size(); ++i) m.emplace(keys_[i], &bundles_[i]);
    return m;
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

std::vector<WorkloadRun> run_seeds(const NodeSetup& setup, const Scenario& scenario, QosLevel qos, double rate,
                                   unsigned requests, std::uint64_t seed, unsigned seeds, unsigned nodes,
                                   const std::function<void()>& step) {
    std::vector<WorkloadRun> runs;
    for (unsigned s = 0; s < seeds; ++s) {
        runs.push_back(run_workload(setup, generate_requests(scenario, qos, rate, requests, seed + s), nodes));
        if (step) step();
    }
    return runs;
}

ThroughputResult search_throughput(const NodeSetup& setup, const Scenario& scenario, QosLevel qos, double start_rate,
                         unsigned requests, std::uint64_t seed, unsigned seeds, unsigned steps, unsigned nodes,
                         const std::function<void()>& step) {
    const auto run = [&](double rate, std::uint64_t s) {
        if (step) step();
        return run_workload(setup, generate_requests(scenario, qos, rate, requests, seed + s), nodes).metrics;
    };
    return find_throughput(run, start_rate, seeds, steps);
}

struct TileLevelExperiment::Run {
    const NodeSetup* setup = nullptr;
    std::vector<Request> requests;
    std::vector<std::unique_ptr<TileLevelNode>> nodes;
};

TileLevelExperiment::TileLevelExperiment(Fidelity fidelity) : fidelity_(fidelity) {}
TileLevelExperiment::~TileLevelExperiment() = default;

std::size_t TileLevelExperiment::add(const NodeSetup& setup, const std::vector<Request>& requests, unsigned nodes) {
    if (done_) throw std::logic_error("TileLevelExperiment: add() after run()");
    if (nodes == 0) throw std::invalid_argument("TileLevelExperiment: at least one node");
    if (!setup.has_instructions())
        throw std::invalid_argument("TileLevelExperiment: the node setup was compiled without instruction streams");
    auto run = std::make_unique<Run>();
    run->setup = &setup;
    run->requests = requests;
    const std::vector<std::vector<Request>> shares = dispatch(requests, nodes);
    const auto bundles = setup.bundles();
    for (std::size_t n = 0; n < shares.size(); ++n) {
        TileLevelNode::Options o;
        o.policy = setup.options();
        o.fidelity = fidelity_;
        o.host.data_region = next_region_++ * TileLevelNode::kDataRegionBytes;
        o.host.on_finish = [this](const TaskRecord&) {
            ++finished_;
            if (progress_) progress_(finished_);
        };
        const auto first = first_.find(&setup);
        if (first != first_.end()) o.share_memory_with = first->second;
        const std::string name = "run" + std::to_string(runs_.size()) + "_node" + std::to_string(n);
        run->nodes.push_back(std::make_unique<TileLevelNode>(name.c_str(), setup.arch(), bundles, setup.policy(), shares[n], o));
        first_.emplace(&setup, run->nodes.back().get());
    }
    runs_.push_back(std::move(run));
    return runs_.size() - 1;
}

void TileLevelExperiment::run() {
    if (done_) throw std::logic_error("TileLevelExperiment: run() twice");
    done_ = true;
    sc_core::sc_start();
    for (const auto& r : runs_)
        for (const auto& n : r->nodes) {
            if (!n->host().failures().empty())
                throw std::runtime_error(std::string(n->name()) + ": " + n->host().failures().front());
            if (!n->host().finished())
                throw std::runtime_error(std::string(n->name()) + ": the simulation ended with tasks unfinished");
            const CycleCrossCheck& c = n->accelerator().cycle_check();
            if (c.differing)
                throw std::runtime_error(std::string(n->name()) + ": " + std::to_string(c.differing) +
                                         " tiles took other cycles on the datapath than the closed form; first: " +
                                         c.first_difference);
        }
}

CycleCrossCheck TileLevelExperiment::cycle_check() const {
    CycleCrossCheck sum;
    for (const auto& r : runs_)
        for (const auto& n : r->nodes) sum += n->accelerator().cycle_check();
    return sum;
}

WorkloadRun TileLevelExperiment::result(std::size_t index) const {
    if (!done_) throw std::logic_error("TileLevelExperiment: result() before run()");
    const Run& r = *runs_.at(index);
    WorkloadRun out;
    std::map<std::uint64_t, TaskRecord> by_id;
    double busy = 0;
    for (const auto& n : r.nodes) {
        for (const TaskRecord& t : n->records()) by_id.emplace(t.id, t);
        busy += n->host().busy_subarray_seconds();
        out.scheduling_events += n->host().scheduling_events();
        out.timelines.push_back(n->host().timeline());
    }
    for (const Request& q : r.requests) out.tasks.push_back(by_id.at(q.id));
    out.metrics = evaluate(out.tasks, busy, r.setup->arch().subarray.count * unsigned(r.nodes.size()));
    return out;
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
    write_file_atomically(path, nlohmann::ordered_json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() + "\n");
}

}  // namespace planaria
