// planaria run: a multi-tenant workload scenario under Planaria (spatial,
// Algorithm 1, on the fissionable chip) and PREMA (temporal, on the
// monolithic array with the same PEs, buffers, clock and bandwidth), side by
// side: throughput (the largest arrival rate meeting the SLA), SLA
// satisfaction over seeds, fairness, energy, utilization.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/policy_comparison.h"

namespace planaria::cli {

namespace {

const char* kRunUsage =
    "Usage: planaria run [SCENARIO.yaml] [--qos S|M|H] [--policy NAME]... [--rate R] [--requests N] [--seed S]\n"
    "                    [--seeds N] [--nodes N] [--no-search] [--out DIR] [--arch FILE] [--set PATH=VALUE]...\n"
    "                    [--baseline-arch FILE]\n\n"
    "Runs the scenario's requests (Poisson arrivals at R per second, DNN and priority uniform) under each\n"
    "policy (default: planaria on the Planaria chip and prema on the monolithic baseline) and prints them\n"
    "side by side. SLA satisfaction is the share of N seeds meeting the SLA at rate R; throughput is the\n"
    "largest rate at which every seed meets it (doubling, then bisection). --nodes spreads the requests\n"
    "over several chips. --out DIR writes per-task CSV, summary.json and a Perfetto timeline per policy.\n"
    "Policies: planaria, prema, fcfs, static. Without SCENARIO it runs the main job (the shipped\n"
    "workload-c.yaml); a scenario, --arch or --baseline-arch file not found as named is looked up among\n"
    "the shipped scenarios (workload-a.yaml, arch/monolithic.yaml).\n\n"
    "--fidelity table (default) plays the host's decisions out on the compiler's configuration tables:\n"
    "fast enough for the throughput search. --fidelity tile runs the host module as a TLM initiator\n"
    "programming the chip-level model (every tile, every register access): all policies and seeds in one\n"
    "simulation, at the given rate only (no throughput search). --fidelity cycle does the same with every\n"
    "tile on the chip's datapath modules, cycle by cycle, checked against the closed form (fails on a\n"
    "difference). --input NAME=CxHxW changes every model's\n"
    "input resolution (e.g. image=3x64x64, to keep tile-level runs short).\n";

}  // namespace

int run_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("qos", po::value<std::string>()->default_value("M"), "QoS level S, M or H")(
        "policy", po::value<std::vector<std::string>>(), "a policy to run (repeatable; default planaria and prema)")(
        "rate", po::value<std::string>(), "arrival rate, requests per second (default: the scenario's)")(
        "requests", po::value<std::string>(), "requests per run (default: the scenario's)")(
        "seed", po::value<std::string>(), "first seed (default: the scenario's)")(
        "seeds", po::value<std::string>()->default_value("5"), "seeds per rate for SLA satisfaction and throughput")(
        "nodes", po::value<std::string>()->default_value("1"), "accelerator nodes behind the dispatcher")(
        "no-search", "skip the throughput search")(
        "out", po::value<std::string>()->default_value(""), "directory for per-task CSV, summary JSON, timelines")(
        "baseline-arch", po::value<std::string>(), "architecture of the temporal policies (default: arch/monolithic.yaml next to the scenario)")(
        "fidelity", po::value<std::string>()->default_value("table"), "table, tile or cycle")(
        "input", po::value<std::vector<std::string>>(), "NAME=CxHxW: an input resolution for every model (repeatable)");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("run", args, opts, {{"scenario", false}}, {}, kRunUsage, vm)) return *exit;
    return guarded("run", [&] {
        const Scenario scenario = load_scenario(scenario_file(vm.count("scenario") ? vm["scenario"].as<std::string>() : "workload-c.yaml"));
        QosLevel qos;
        try {
            qos = parse_qos(vm["qos"].as<std::string>());
        } catch (const std::invalid_argument& e) {
            throw UsageError("--qos", e.what());
        }
        const double rate = real_number(vm, "rate", kMinRate, kMaxRate, scenario.rate);
        const unsigned requests = unsigned(whole_number(vm, "requests", 1, kMaxRequests, scenario.requests));
        const std::uint64_t seed = whole_number(vm, "seed", 0, UINT64_MAX, scenario.seed);
        const unsigned seeds = unsigned(whole_number(vm, "seeds", 1, 10000));
        const unsigned nodes = unsigned(whole_number(vm, "nodes", 1, 1024));
        check_workload_size(rate, requests, "--rate/--requests");
        const std::vector<std::string> policies = vm.count("policy") ? vm["policy"].as<std::vector<std::string>>()
                                                                       : std::vector<std::string>{"planaria", "prema"};
        for (const std::string& p : policies) try {
                make_policy(p);
            } catch (const std::invalid_argument& e) {
                throw UsageError("--policy", e.what());
            }
        const ArchConfig planaria = arch_from_options(vm);
        const std::string baseline_file =
            vm.count("baseline-arch") ? scenario_file(vm["baseline-arch"].as<std::string>())
                                      : (std::filesystem::path(scenario.file).parent_path() / "arch" / "monolithic.yaml").string();
        const std::string fidelity = vm["fidelity"].as<std::string>();
        if (fidelity != "table" && fidelity != "tile" && fidelity != "cycle")
            throw UsageError("--fidelity", "must be table, tile or cycle, not '" + fidelity + "'");
        const bool tile = fidelity != "table";
        const bool search = !vm.count("no-search") && !tile;
        std::vector<InputOverride> inputs;
        if (vm.count("input"))
            for (const auto& text : vm["input"].as<std::vector<std::string>>()) inputs.push_back(InputOverride::parse(text));

        ComparisonRequest request;
        request.scenario = scenario;
        request.qos = qos;
        request.rate = rate;
        request.requests = requests;
        request.seed = seed;
        request.seeds = seeds;
        request.nodes = nodes;
        request.policies = policies;
        request.fissionable = planaria;
        // The baseline file is read only when a policy runs on it.
        request.baseline = planaria;
        for (const std::string& p : policies)
            if (runs_on_baseline(p)) request.baseline = load_arch_file(baseline_file);
        request.tile = tile;
        request.fidelity = fidelity == "cycle" ? Fidelity::Cycle : Fidelity::Tile;
        request.search = search;
        request.inputs = inputs;
        request.command_line = command_line("run", args);
        request.commit = build_commit();
        Comparison comparison;
        {
            ProgressBar bar("run");
            comparison = compare_policies(request, bar.callback());
        }
        std::cout << comparison.table();

        const std::string out = vm["out"].as<std::string>();
        if (!out.empty()) {
            OutputFolder folder(out);
            comparison.write(folder.staging());
            folder.commit();
            std::cout << "\nresults in " << out << ": tasks-POLICY.csv, timeline-POLICY.json (Perfetto), summary.json\n";
        }
        return kExitOk;
    });
}

}  // namespace planaria::cli
