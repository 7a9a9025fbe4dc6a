// planaria run: a multi-tenant workload scenario under Planaria (spatial,
// Algorithm 1, on the fissionable chip) and PREMA (temporal, on the
// monolithic array with the same PEs, buffers, clock and bandwidth), side by
// side: throughput (the largest arrival rate meeting the SLA), SLA
// satisfaction over seeds, fairness, energy, utilization.
#include <filesystem>
#include <fstream>
#include <optional>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "sc_main/child_runs.h"
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
    "--confirm tile confirms and refines each policy's table-level throughput with tile-level runs, one\n"
    "process per seed and rate, --jobs at a time (default: the machine's cores): from the search's\n"
    "bracket, in rounds of --confirm-probes rates tried at once (default 2: a round costs one rate's time\n"
    "on two cores), then --confirm-steps rounds that cut the bracket into probes + 1 equal parts (one\n"
    "probe: bisection). The table shows the tile-level throughput beside the\n"
    "table-level one. --confirm-requests and --confirm-seeds give the tile-level runs a size of their\n"
    "own (each simulates every tile): the search is then made again at that size for them to start from,\n"
    "and the table shows both at that size.\n"
    "--fidelity table (default) plays the host's decisions out on the compiler's configuration tables:\n"
    "fast enough for the throughput search. --fidelity tile runs the host module as a TLM initiator\n"
    "programming the chip-level model (every tile, every register access): all policies and seeds at the\n"
    "given rate in one simulation, shown beside the same runs at table level; its throughput is the\n"
    "table-level search on the same requests and seeds, confirmed and bisected as --confirm tile does\n"
    "(--no-search skips it). --fidelity cycle runs every tile on the chip's datapath modules, cycle by\n"
    "cycle, checked against the closed form (fails on a difference), at the given rate only.\n"
    "--input NAME=CxHxW changes every model's input resolution (e.g. image=3x64x64, to keep tile-level\n"
    "runs short).\n";

/// Whether every seed meets the SLA at tile level, for each of `rates`: the
/// run's own arguments, with the policy, the rate and one seed each, in
/// child processes, all of a round's rates and seeds at once.
std::vector<bool> tile_level_passes(const std::vector<std::string>& args, const std::string& policy,
                                    const std::vector<double>& rates, unsigned requests, std::uint64_t seed,
                                    unsigned seeds, unsigned jobs, const std::string& bundle_cache) {
    // The options the child gets its own values of.
    const std::vector<std::string> base =
        without_options(args, {"--policy", "--rate", "--requests", "--seed", "--seeds", "--out", "--confirm",
                               "--confirm-steps", "--confirm-probes", "--confirm-requests", "--confirm-seeds", "--jobs",
                               "--fidelity", "--bundle-cache"},
                        {"--no-search", "--no-feasibility"});
    const TemporaryFolder dir("planaria-confirm");
    const auto text = [](double rate) {
        std::ostringstream os;
        os << std::setprecision(17) << rate;
        return os.str();
    };
    struct Child {
        std::size_t rate;
        std::uint64_t seed;
        std::string out;
    };
    std::vector<ChildRun> runs;
    std::vector<Child> children;
    for (std::size_t i = 0; i < rates.size(); ++i)
        for (unsigned s = 0; s < seeds; ++s) {
            ChildRun r;
            r.args = {"run"};
            r.args.insert(r.args.end(), base.begin(), base.end());
            const std::string out = dir.path() + "/rate-" + std::to_string(i) + "-seed-" + std::to_string(seed + s);
            children.push_back({i, seed + s, out});
            for (const std::string& a : {std::string("--fidelity"), std::string("tile"), std::string("--no-search"),
                                         std::string("--no-feasibility"), std::string("--policy"), policy,
                                         std::string("--rate"), text(rates[i]), std::string("--requests"),
                                         std::to_string(requests), std::string("--seed"), std::to_string(seed + s),
                                         std::string("--seeds"), std::string("1"), std::string("--out"), out,
                                         std::string("--bundle-cache"), bundle_cache})
                r.args.push_back(a);
            r.log = out + ".log";
            runs.push_back(std::move(r));
        }
    const std::vector<int> status = run_children(runs, jobs);
    std::vector<bool> all(rates.size(), true);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const Child& c = children[i];
        if (status[i] != 0) {
            std::ifstream log(runs[i].log);
            const std::string output((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
            throw std::runtime_error("the tile-level run of " + policy + " at " + text(rates[c.rate]) +
                                     " req/s, seed " + std::to_string(c.seed) + " failed (exit " +
                                     std::to_string(status[i]) + "):\n" + output);
        }
        const std::string summary = c.out + "/summary.json";
        std::ifstream f(summary);
        const nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
        if (j.is_discarded() || !j.contains("policies") || !j["policies"].contains(policy))
            throw std::runtime_error("the tile-level run wrote no readable " + summary);
        if (!j["policies"][policy]["per_seed"][0]["sla_met"].get<bool>()) all[c.rate] = false;
    }
    return all;
}

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
        "input", po::value<std::vector<std::string>>(), "NAME=CxHxW: an input resolution for every model (repeatable)")(
        "confirm", po::value<std::string>(), "tile: confirm the table-level throughput with tile-level runs")(
        "confirm-steps", po::value<std::string>()->default_value("3"), "rounds of refinement of the confirmation")(
        "confirm-probes", po::value<std::string>()->default_value("2"),
        "rates tried at once in each round of the confirmation (its result depends on this, not on --jobs)")(
        "confirm-requests", po::value<std::string>(), "requests per tile-level run of --confirm (default: --requests)")(
        "confirm-seeds", po::value<std::string>(), "seeds per rate of --confirm (default: --seeds)")(
        "jobs", po::value<std::string>(), "child runs at once for --confirm (default: the cores)")(
        "no-feasibility", "skip the feasibility table (each DNN alone on each chip)")(
        "bundle-cache", po::value<std::string>(),
        "a folder where compiled models are kept for other runs (default with --confirm or --fidelity tile: a "
        "temporary one shared with the tile-level runs)");
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
        // At tile level the throughput is the table-level search confirmed by
        // tile-level runs; cycle-level runs are too slow for one.
        const bool search = !vm.count("no-search") && fidelity != "cycle";
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
        request.feasibility = !vm.count("no-feasibility");
        if (vm.count("confirm") && vm["confirm"].as<std::string>() != "tile")
            throw UsageError("--confirm", "must be tile, not '" + vm["confirm"].as<std::string>() + "'");
        if (vm.count("confirm") && !search)
            throw UsageError("--confirm", "confirms a table-level throughput search: not with --fidelity cycle or --no-search");
        if (tile && (vm.count("confirm-requests") || vm.count("confirm-seeds")))
            throw UsageError(vm.count("confirm-requests") ? "--confirm-requests" : "--confirm-seeds",
                             "at tile level the confirmation runs at the run's own size (--requests, --seeds)");
        const bool confirm = search && (tile || vm.count("confirm"));
        const unsigned confirm_steps = unsigned(whole_number(vm, "confirm-steps", 0, 20));
        const unsigned probes = unsigned(whole_number(vm, "confirm-probes", 1, 16));
        const unsigned confirm_requests = unsigned(whole_number(vm, "confirm-requests", 1, kMaxRequests, requests));
        const unsigned confirm_seeds = unsigned(whole_number(vm, "confirm-seeds", 1, 10000, seeds));
        if (!confirm && (vm.count("confirm-requests") || vm.count("confirm-seeds")))
            throw UsageError(vm.count("confirm-requests") ? "--confirm-requests" : "--confirm-seeds",
                             "sizes the tile-level runs of --confirm tile: not without it");
        check_workload_size(rate, confirm_requests, "--rate/--confirm-requests");
        const unsigned jobs =
            unsigned(whole_number(vm, "jobs", 1, 1024, std::max(1u, std::thread::hardware_concurrency())));
        // The tile-level runs of the confirmation are processes of their
        // own: they read the models this one compiled instead of compiling
        // them again.
        std::optional<TemporaryFolder> own_cache;
        if (vm.count("bundle-cache")) {
            request.bundle_cache = vm["bundle-cache"].as<std::string>();
            if (!std::filesystem::is_directory(request.bundle_cache))
                throw UsageError("--bundle-cache", "'" + request.bundle_cache + "' is not a folder");
        } else if (confirm) {
            request.bundle_cache = own_cache.emplace("planaria-bundles").path();
        }
        request.command_line = command_line("run", args);
        request.commit = build_commit();
        // The tile-level runs of --confirm start from a table-level search at
        // their own size. It runs first: the feasibility replays simulate, and
        // after a simulation AddressSanitizer misreads the exceptions the
        // table-level placement throws and catches (google/sanitizers#189).
        // At tile level that search is of the run's own size, and its runs at
        // the given rate are the estimator's view of the tile-level ones.
        Comparison sized;
        const bool own_size = confirm && (tile || confirm_requests != requests || confirm_seeds != seeds);
        if (own_size) {
            ComparisonRequest small = request;
            small.requests = confirm_requests;
            small.seeds = confirm_seeds;
            small.feasibility = false;
            small.tile = false;
            ProgressBar bar(tile ? "search at table level" : "search at the confirmation's size");
            sized = compare_policies(small, bar.callback());
        }
        Comparison comparison;
        {
            ProgressBar bar("run");
            comparison = compare_policies(request, bar.callback());
        }
        if (confirm) {
            ProgressBar bar("confirm at tile level");
            // About two rounds to find the bracket (one when a round tries several rates), then the refinements, per policy.
            const unsigned estimate = unsigned(comparison.policies.size()) * ((probes > 1 ? 1 : 2) + confirm_steps);
            unsigned done = 0;
            for (std::size_t i = 0; i < comparison.policies.size(); ++i) {
                PolicyResult& p = comparison.policies[i];
                const PolicyResult& from = own_size ? sized.policies.at(i) : p;
                const auto passes = [&](const std::vector<double>& rates) {
                    std::ostringstream what;
                    what << "  " << p.policy << ": tile-level runs at";
                    for (std::size_t r = 0; r < rates.size(); ++r) what << (r ? ", " : " ") << rates[r];
                    what << " req/s";
                    bar.note(what.str());
                    const std::vector<bool> ok =
                        tile_level_passes(args, p.policy, rates, confirm_requests, seed, confirm_seeds, jobs,
                                          request.bundle_cache);
                    ++done;
                    bar.update(done, std::max(estimate, done + 1));
                    return ok;
                };
                p.tile_check = TileConfirmation{confirm_requests, confirm_seeds, from.throughput,
                                                confirm_throughput_in_rounds(passes, from.search, confirm_steps, probes)};
                if (tile) {
                    // The tile level's throughput is the confirmed one.
                    p.search = from.search;
                    p.throughput = p.tile_check->tile.rate;
                    p.table_level = from.figures();
                }
            }
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
