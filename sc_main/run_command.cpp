// planaria run: a multi-tenant workload scenario under Planaria (spatial,
// Algorithm 1, on the fissionable chip) and PREMA (temporal, on the
// monolithic array with the same PEs, buffers, clock and bandwidth), side by
// side: throughput (the largest arrival rate meeting the SLA), SLA
// satisfaction over seeds, fairness, energy, utilization.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "hw/config/arch_yaml.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/workload_runner.h"

namespace planaria::cli {

namespace {

const char* kRunUsage =
    "Usage: planaria run SCENARIO.yaml [--qos S|M|H] [--policy NAME]... [--rate R] [--requests N] [--seed S]\n"
    "                    [--seeds N] [--nodes N] [--no-search] [--out DIR] [--arch FILE] [--set PATH=VALUE]...\n"
    "                    [--baseline-arch FILE]\n\n"
    "Runs the scenario's requests (Poisson arrivals at R per second, DNN and priority uniform) under each\n"
    "policy (default: planaria on the Planaria chip and prema on the monolithic baseline) and prints them\n"
    "side by side. SLA satisfaction is the share of N seeds meeting the SLA at rate R; throughput is the\n"
    "largest rate at which every seed meets it (doubling, then bisection). --nodes spreads the requests\n"
    "over several chips. --out DIR writes per-task CSV, summary.json and a Perfetto timeline per policy.\n"
    "Policies: planaria, prema, fcfs, static.\n\n"
    "--fidelity table (default) plays the host's decisions out on the compiler's configuration tables:\n"
    "fast enough for the throughput search. --fidelity tile runs the host module as a TLM initiator\n"
    "programming the chip-level model (every tile, every register access): all policies and seeds in one\n"
    "simulation, at the given rate only (no throughput search). --input NAME=CxHxW changes every model's\n"
    "input resolution (e.g. image=3x64x64, to keep tile-level runs short).\n";

/// One policy on its chip, evaluated.
struct Column {
    std::string policy, arch;
    double throughput = 0, sla_rate = 0;
    WorkloadMetrics first;  ///< the run at the given rate and seed
    WorkloadRun run;
    double fairness = 0, energy = 0, utilization = 0, tasks_per_s = 0;  ///< averaged over the seeds
};

class Progress {
public:
    explicit Progress(unsigned total) : total_(total) {}
    void step() {
        ++done_;
        const unsigned width = 40, filled = unsigned(double(done_) / total_ * width);
        std::cerr << "\r[" << std::string(std::min(filled, width), '=') << std::string(width - std::min(filled, width), ' ')
                  << "] " << std::min(done_, total_) << "/" << total_ << std::flush;
    }
    void done() const { std::cerr << "\r" << std::string(60, ' ') << "\r" << std::flush; }

private:
    unsigned total_, done_ = 0;
};

}  // namespace

int run_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("qos", po::value<std::string>()->default_value("M"), "QoS level S, M or H")(
        "policy", po::value<std::vector<std::string>>(), "a policy to run (repeatable; default planaria and prema)")(
        "rate", po::value<double>(), "arrival rate, requests per second (default: the scenario's)")(
        "requests", po::value<unsigned>(), "requests per run (default: the scenario's)")(
        "seed", po::value<std::uint64_t>(), "first seed (default: the scenario's)")(
        "seeds", po::value<unsigned>()->default_value(5), "seeds per rate for SLA satisfaction and throughput")(
        "nodes", po::value<unsigned>()->default_value(1), "accelerator nodes behind the dispatcher")(
        "no-search", "skip the throughput search")(
        "out", po::value<std::string>()->default_value(""), "directory for per-task CSV, summary JSON, timelines")(
        "baseline-arch", po::value<std::string>(), "architecture of the temporal policies (default: arch/monolithic.yaml next to the scenario)")(
        "fidelity", po::value<std::string>()->default_value("table"), "table or tile")(
        "input", po::value<std::vector<std::string>>(), "NAME=CxHxW: an input resolution for every model (repeatable)");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("run", args, opts, {{"scenario", false}}, {"scenario"}, kRunUsage, vm)) return *exit;
    return guarded("run", [&] {
        const Scenario scenario = load_scenario(vm["scenario"].as<std::string>());
        const QosLevel qos = parse_qos(vm["qos"].as<std::string>());
        const double rate = vm.count("rate") ? vm["rate"].as<double>() : scenario.rate;
        const unsigned requests = vm.count("requests") ? vm["requests"].as<unsigned>() : scenario.requests;
        const std::uint64_t seed = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : scenario.seed;
        const unsigned seeds = std::max(1u, vm["seeds"].as<unsigned>()), nodes = vm["nodes"].as<unsigned>();
        if (rate <= 0) throw ConfigError("--rate", "--rate", "must be positive");
        if (nodes == 0) throw ConfigError("--nodes", "--nodes", "must be at least 1");
        const std::vector<std::string> policies = vm.count("policy") ? vm["policy"].as<std::vector<std::string>>()
                                                                       : std::vector<std::string>{"planaria", "prema"};
        const ArchConfig planaria = arch_from_options(vm);
        const std::string baseline_file =
            vm.count("baseline-arch") ? vm["baseline-arch"].as<std::string>()
                                      : (std::filesystem::path(scenario.file).parent_path() / "arch" / "monolithic.yaml").string();
        const std::string fidelity = vm["fidelity"].as<std::string>();
        if (fidelity != "table" && fidelity != "tile")
            throw ConfigError("--fidelity", "--fidelity", "must be table or tile, not '" + fidelity + "'");
        const bool tile = fidelity == "tile";
        const bool search = !vm.count("no-search") && !tile;
        std::vector<InputOverride> inputs;
        if (vm.count("input"))
            for (const auto& text : vm["input"].as<std::vector<std::string>>()) inputs.push_back(InputOverride::parse(text));

        // Temporal policies run on the monolithic baseline, spatial ones on the fissionable chip.
        const auto arch_of = [&](const std::string& policy) {
            return policy == "prema" || policy == "fcfs" ? load_arch_file(baseline_file) : planaria;
        };
        std::vector<std::unique_ptr<NodeSetup>> setups;
        for (const std::string& policy : policies) {
            const ArchConfig arch = arch_of(policy);
            PolicyOptions options;
            options.checkpoint_bandwidth = arch.offchip.bandwidth_gbps * 1e9 * arch.offchip.channels;
            setups.push_back(std::make_unique<NodeSetup>(arch, policy, scenario, options, tile, inputs));
        }
        // The runs at the given rate, [policy][seed].
        std::vector<std::vector<WorkloadRun>> at_rate(policies.size());
        Progress progress(unsigned(policies.size()) * (seeds + (search ? 20 * seeds : 0)));
        if (tile) {
            TileLevelExperiment experiment;
            for (const auto& setup : setups)
                for (unsigned s = 0; s < seeds; ++s)
                    experiment.add(*setup, generate_requests(scenario, qos, rate, requests, seed + s), nodes);
            Progress tasks{unsigned(experiment.size()) * requests};
            experiment.on_progress([&](std::size_t) { tasks.step(); });
            experiment.run();
            tasks.done();
            for (std::size_t p = 0; p < policies.size(); ++p)
                for (unsigned s = 0; s < seeds; ++s) at_rate[p].push_back(experiment.result(p * seeds + s));
        } else {
            for (std::size_t p = 0; p < policies.size(); ++p)
                at_rate[p] = run_seeds(*setups[p], scenario, qos, rate, requests, seed, seeds, nodes, [&] { progress.step(); });
        }
        std::vector<Column> columns;
        for (std::size_t p = 0; p < policies.size(); ++p) {
            const NodeSetup& setup = *setups[p];
            Column col;
            col.policy = policies[p];
            col.arch = setup.arch().name;
            std::vector<WorkloadMetrics> metrics;
            for (const WorkloadRun& run : at_rate[p]) metrics.push_back(run.metrics);
            col.run = std::move(at_rate[p].front());
            col.first = metrics.front();
            col.sla_rate = sla_satisfaction_rate(metrics);
            for (const auto& m : metrics) {
                col.fairness += m.fairness / seeds, col.energy += m.energy_j / seeds;
                col.utilization += m.utilization / seeds, col.tasks_per_s += m.tasks_per_second / seeds;
            }
            if (search)
                col.throughput =
                    search_throughput(setup, scenario, qos, rate, requests, seed, seeds, 6, nodes, [&] { progress.step(); });
            columns.push_back(std::move(col));
        }
        progress.done();

        std::cout << scenario.name << ", QoS-" << to_string(qos) << ": " << requests << " requests at " << rate
                  << " per second, " << seeds << " seeds from " << seed << (nodes > 1 ? ", " + std::to_string(nodes) + " nodes" : "")
                  << ", " << (tile ? "tile level (host module on the chip-level TLM model)" : "configuration-table level")
                  << "\n\n";
        const auto row = [&](const std::string& name, const std::function<std::string(const Column&)>& cell) {
            std::cout << std::left << std::setw(26) << name << std::right;
            for (const auto& c : columns) std::cout << std::setw(16) << cell(c);
            std::cout << "\n";
        };
        const auto fixed = [](double v, int digits) {
            std::ostringstream os;
            os << std::fixed << std::setprecision(digits) << v;
            return os.str();
        };
        row("", [](const Column& c) { return c.policy; });
        row("chip", [](const Column& c) { return c.arch; });
        if (search) row("throughput (req/s)", [&](const Column& c) { return fixed(c.throughput, 1); });
        row("SLA satisfaction", [&](const Column& c) { return fixed(c.sla_rate * 100, 0) + " %"; });
        row("tasks within QoS", [&](const Column& c) { return fixed(c.first.vision_met * 100, 1) + " %"; });
        row("fairness", [&](const Column& c) { return fixed(c.fairness, 3); });
        row("energy (J)", [&](const Column& c) { return fixed(c.energy, 3); });
        row("utilization", [&](const Column& c) { return fixed(c.utilization * 100, 1) + " %"; });
        row("tasks per second", [&](const Column& c) { return fixed(c.tasks_per_s, 1); });
        row("p99 latency (ms)", [&](const Column& c) { return fixed(c.first.p99_latency * 1e3, 2); });
        row("preemptions", [&](const Column& c) { return std::to_string(c.first.preemptions); });
        if (columns.size() == 2 && search && columns[1].throughput > 0)
            std::cout << "\nthroughput gain " << columns[0].policy << " / " << columns[1].policy << ": "
                      << fixed(columns[0].throughput / columns[1].throughput, 2) << "x\n";

        const std::string out = vm["out"].as<std::string>();
        if (!out.empty()) {
            std::filesystem::create_directories(out);
            nlohmann::ordered_json summary;
            summary["scenario"] = scenario.name;
            summary["qos"] = to_string(qos);
            summary["rate"] = rate;
            summary["requests"] = requests;
            summary["seed"] = seed;
            summary["seeds"] = seeds;
            summary["nodes"] = nodes;
            summary["fidelity"] = fidelity;
            for (const Column& c : columns) {
                write_tasks_csv(out + "/tasks-" + c.policy + ".csv", c.run.tasks);
                write_timeline(out + "/timeline-" + c.policy + ".json", c.run, arch_of(c.policy));
                nlohmann::ordered_json j = to_json(c.first);
                j["architecture"] = c.arch;
                j["sla_satisfaction_rate"] = c.sla_rate;
                if (search) j["throughput"] = c.throughput;
                summary["policies"][c.policy] = j;
            }
            std::ofstream f(out + "/summary.json");
            if (!f) throw std::runtime_error(out + "/summary.json: cannot write");
            f << summary.dump(2) << "\n";
            std::cout << "\nresults in " << out << ": tasks-POLICY.csv, timeline-POLICY.json (Perfetto), summary.json\n";
        }
        return kExitOk;
    });
}

}  // namespace planaria::cli
