// planaria bench: speed of the model, measured (never asserted in tests).
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>

#include <boost/program_options.hpp>

#include "hw/config/arch_yaml.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/datapath_harness.h"
#include "testbench/workload_runner.h"

namespace planaria::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct Measurement {
    std::string what;
    std::uint64_t tiles = 0, cycles = 0, pe_cycles = 0;
    double seconds = 0;
};

void print(const Measurement& m) {
    std::cout << "  " << std::left << std::setw(34) << m.what << std::right << std::setw(8) << m.tiles << " tiles "
              << std::setw(10) << m.cycles << " cycles " << std::fixed << std::setprecision(3) << std::setw(8)
              << m.seconds << " s " << std::setprecision(1) << std::setw(8) << m.pe_cycles / m.seconds / 1e6
              << " M PE-cycles/s " << std::setprecision(0) << std::setw(9) << m.cycles / m.seconds
              << " cycles/s\n";
}

/// Runs full tiles of `vectors` on each array until `seconds` have passed.
Measurement run_tiles(SystolicDatapath& dp, const std::vector<LogicalArray>& arrays, unsigned vectors,
                      double seconds, std::string what) {
    const ArchConfig& cfg = dp.config();
    Measurement m;
    m.what = std::move(what);
    const auto start = Clock::now();
    do {
        for (const auto& array : arrays) {
            TileCommand cmd;
            cmd.shape = {vectors, array.block_rows * cfg.subarray.rows, array.block_cols * cfg.subarray.cols};
            const TileRun run = dp.compute_tile(array, cmd);
            m.cycles += run.cycles;
            m.pe_cycles += run.cycles * array.subarrays.size() * cfg.subarray.rows * cfg.subarray.cols;
            ++m.tiles;
        }
        m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (m.seconds < seconds);
    return m;
}

int bench_datapath(const ArchConfig& cfg, double seconds) {
    const auto t0 = Clock::now();
    DatapathHarness bench(cfg);
    const double elaboration = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cout << "Cycle-accurate datapath (" << cfg.name << ", " << cfg.pe_count() << " PEs), elaboration "
              << std::fixed << std::setprecision(2) << elaboration << " s\n";

    std::mt19937 rng(1);
    // As many vectors as both buffers hold: the longest tile the hardware runs.
    const unsigned vectors = bench.max_vectors();
    // The whole chip as one array (the squarest whole-chip configuration).
    const FissionConfiguration whole = bench.form_squarest(bench.dp.floorplan().subarrays());
    bench.load_random(whole.placement.front(), vectors, rng);
    const Measurement big = run_tiles(bench.dp, whole.placement, vectors, seconds, "one " + whole.name(cfg) + " array");
    print(big);

    // Every subarray its own array.
    bench.form({});
    std::vector<LogicalArray> singles = bench.dp.topology().arrays;
    for (const auto& a : singles) bench.load_random(a, vectors, rng);
    const Measurement small = run_tiles(bench.dp, singles, vectors, seconds,
                                        std::to_string(singles.size()) + " independent " +
                                            std::to_string(cfg.subarray.rows) + "x" +
                                            std::to_string(cfg.subarray.cols) + " arrays");
    print(small);
    std::cout << "  target: 300 M PE-cycles/s on one core\n";
    return kExitOk;
}

/// One multi-tenant run of `requests` requests at the scenario's rate and
/// seed, scheduler in the loop, timed from requests to metrics.
void bench_workload(const Scenario& scenario, const ArchConfig& planaria, const ArchConfig& monolithic,
                    unsigned requests, bool tile) {
    const std::vector<Request> stream = generate_requests(scenario, QosLevel::Soft, scenario.rate, requests, scenario.seed);
    std::cout << scenario.name << ": " << requests << " requests at " << scenario.rate << " per second, "
              << (tile ? "tile level" : "configuration-table level") << "\n";
    std::vector<std::unique_ptr<NodeSetup>> setups;
    for (const std::string policy : {"planaria", "prema"}) {
        const ArchConfig& arch = policy == std::string("prema") ? monolithic : planaria;
        PolicyOptions options;
        options.checkpoint_bandwidth = arch.offchip.bandwidth_gbps * 1e9 * arch.offchip.channels;
        const auto t0 = Clock::now();
        setups.push_back(std::make_unique<NodeSetup>(arch, policy, scenario, options, tile));
        std::cout << "  " << std::left << std::setw(10) << policy << std::right << " compile " << std::fixed
                  << std::setprecision(2) << std::chrono::duration<double>(Clock::now() - t0).count() << " s";
        if (tile) {
            std::cout << "\n";
            continue;
        }
        const auto t1 = Clock::now();
        const WorkloadRun run = run_workload(*setups.back(), stream);
        const double s = std::chrono::duration<double>(Clock::now() - t1).count();
        std::cout << ", run " << std::setprecision(3) << s << " s (" << run.scheduling_events << " scheduling events, "
                  << std::setprecision(0) << requests / s << " requests/s)\n";
    }
    if (tile) {
        // One elaboration per process: both policies in one simulation.
        TileLevelExperiment experiment;
        for (const auto& setup : setups) experiment.add(*setup, stream);
        const auto t1 = Clock::now();
        experiment.run();
        const double s = std::chrono::duration<double>(Clock::now() - t1).count();
        std::uint64_t events = 0;
        for (std::size_t i = 0; i < experiment.size(); ++i) events += experiment.result(i).scheduling_events;
        std::cout << "  both policies simulated in " << std::setprecision(2) << s << " s (" << events
                  << " scheduling events, " << std::setprecision(1) << 2.0 * requests / s << " requests/s)\n";
    }
    std::cout << "  target: a 1,000-request Workload-C run in under 10 s on one core\n";
}

const char* kBenchUsage =
    "Usage: planaria bench datapath|replay|workload [--arch FILE] [--set PATH=VALUE]... [--seconds S]\n"
    "                      [--scenario FILE] [--requests N] [--fidelity table|tile]\n\n"
    "datapath  PE-cycles per second of the cycle-accurate datapath, real values flowing,\n"
    "          for the whole chip as one logical array and for independent subarrays\n"
    "replay    tiles per second of the chip-level model, timing only: the nine DNNs of the\n"
    "          zoo back to back on the whole chip (target: 1 M tiles/s)\n"
    "workload  wall time of one multi-tenant run (default: Workload-C, 1,000 requests, the\n"
    "          scenario's rate and seed) under Planaria and under PREMA, scheduler in the loop\n"
    "          (target: 10 s at table level)\n";

}  // namespace

int bench_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("seconds", po::value<double>()->default_value(2.0),
                                                    "minimum run time per measurement")(
        "scenario", po::value<std::string>()->default_value(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/workload-c.yaml"),
        "workload: the scenario")("requests", po::value<unsigned>()->default_value(1000), "workload: requests")(
        "fidelity", po::value<std::string>()->default_value("table"), "workload: table or tile")(
        "baseline-arch", po::value<std::string>(), "workload: PREMA's chip (default: arch/monolithic.yaml next to the scenario)");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("bench", args, opts, {{"what"}}, {"what"}, kBenchUsage, vm)) return *exit;
    return guarded("bench", [&] {
        const std::string what = vm["what"].as<std::string>();
        const ArchConfig cfg = arch_from_options(vm);
        if (what == "datapath") return bench_datapath(cfg, vm["seconds"].as<double>());
        if (what == "replay") return print_replay(replay_models(zoo_models(), cfg, {}));
        if (what == "workload") {
            const Scenario scenario = load_scenario(vm["scenario"].as<std::string>());
            const std::string fidelity = vm["fidelity"].as<std::string>();
            if (fidelity != "table" && fidelity != "tile")
                throw ConfigError("--fidelity", "--fidelity", "must be table or tile, not '" + fidelity + "'");
            const std::string baseline =
                vm.count("baseline-arch")
                    ? vm["baseline-arch"].as<std::string>()
                    : (std::filesystem::path(scenario.file).parent_path() / "arch" / "monolithic.yaml").string();
            bench_workload(scenario, cfg, load_arch_file(baseline), vm["requests"].as<unsigned>(), fidelity == "tile");
            return kExitOk;
        }
        std::cerr << "planaria bench: error: unknown benchmark '" << what << "'\n" << kBenchUsage;
        return kExitUsage;
    });
}

}  // namespace planaria::cli
