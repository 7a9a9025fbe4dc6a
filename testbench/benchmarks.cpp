#include "testbench/benchmarks.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <iomanip>
#include <memory>
#include <random>
#include <sstream>

#include <unistd.h>

#include "hw/accelerator/accelerator.h"
#include "testbench/datapath_harness.h"
#include "testbench/policy_comparison.h"
#include "testbench/workload_runner.h"

namespace planaria {

namespace {

using Clock = std::chrono::steady_clock;

struct Measurement {
    std::string what;
    std::uint64_t tiles = 0, cycles = 0, pe_cycles = 0;
    double seconds = 0;
};

void print(std::ostream& os, const Measurement& m) {
    os << "  " << std::left << std::setw(34) << m.what << std::right << std::setw(8) << m.tiles << " tiles "
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

/// PE-cycles per second of the plain C++ loop on a rows x cols array, from
/// its runner's RESULT line; nothing if it is absent or fails.
std::optional<double> reference_speed(const std::string& runner, unsigned rows, unsigned cols) {
    if (runner.empty() || access(runner.c_str(), X_OK) != 0) return std::nullopt;
    // About a second of cycles at the loop's usual speed.
    const std::uint64_t cycles = std::max<std::uint64_t>(1000, 4'000'000'000ull / (std::uint64_t(rows) * cols));
    const std::string command = "'" + runner + "' " + std::to_string(rows) + " " + std::to_string(cols) + " " +
                                std::to_string(cycles) + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string out;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
    if (pclose(pipe) != 0) return std::nullopt;
    const auto at = out.find("pe_cycles_per_s=");
    if (at == std::string::npos || out.find("gemm_mismatches=0") == std::string::npos) return std::nullopt;
    return std::strtod(out.c_str() + at + 16, nullptr);
}

void print_reference(std::ostream& os, const Measurement& m, const std::string& runner, unsigned rows, unsigned cols) {
    const auto speed = reference_speed(runner, rows, cols);
    if (!speed) return;
    os << "    plain C++ loop on one " << rows << "x" << cols << " array, same flags: " << std::fixed
       << std::setprecision(1) << *speed / 1e6 << " M PE-cycles/s; this datapath " << std::setprecision(2)
       << m.pe_cycles / m.seconds / *speed << " of it\n";
}

}  // namespace

std::string bench_datapath(const ArchConfig& cfg, double seconds, const std::string& reference) {
    std::ostringstream os;
    const auto t0 = Clock::now();
    DatapathHarness bench(cfg);
    const double elaboration = std::chrono::duration<double>(Clock::now() - t0).count();
    os << "Cycle-accurate datapath (" << cfg.name << ", " << cfg.pe_count() << " PEs), elaboration "
              << std::fixed << std::setprecision(2) << elaboration << " s\n";

    std::mt19937 rng(1);
    // As many vectors as both buffers hold: the longest tile the hardware runs.
    const unsigned vectors = bench.max_vectors();
    // The whole chip as one array (the squarest whole-chip configuration).
    const FissionConfiguration whole = bench.form_squarest(bench.dp.floorplan().subarrays());
    bench.load_random(whole.placement.front(), vectors, rng);
    const Measurement big = run_tiles(bench.dp, whole.placement, vectors, seconds, "one " + whole.name(cfg) + " array");
    print(os, big);
    print_reference(os, big, reference, whole.block_rows * cfg.subarray.rows, whole.block_cols * cfg.subarray.cols);

    // Every subarray its own array.
    bench.form({});
    std::vector<LogicalArray> singles = bench.dp.topology().arrays;
    for (const auto& a : singles) bench.load_random(a, vectors, rng);
    const Measurement small = run_tiles(bench.dp, singles, vectors, seconds,
                                        std::to_string(singles.size()) + " independent " +
                                            std::to_string(cfg.subarray.rows) + "x" +
                                            std::to_string(cfg.subarray.cols) + " arrays");
    print(os, small);
    print_reference(os, small, reference, cfg.subarray.rows, cfg.subarray.cols);
    os << "  target: half the speed of the plain C++ loop (" << (reference.empty() ? "no reference given" : reference)
       << "); 300 M PE-cycles/s on one core\n";
    return os.str();
}

namespace {
/// Resident bytes of this process.
double resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    double pages = 0, resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return resident * double(sysconf(_SC_PAGESIZE));
}
}  // namespace

std::string bench_chips(const ArchConfig& cfg, unsigned chips) {
    std::ostringstream os;
    os << "Chips elaborated in one process (" << cfg.name << ", " << chips << " of each fidelity)\n";
    std::vector<std::unique_ptr<Accelerator<64>>> built;
    for (const Fidelity f : {Fidelity::Tile, Fidelity::Cycle}) {
        const double before = resident_bytes();
        const auto t0 = Clock::now();
        for (unsigned i = 0; i < chips; ++i)
            built.push_back(std::make_unique<Accelerator<64>>(
                (std::string(to_string(f)) + "_chip_" + std::to_string(i)).c_str(), cfg, f));
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        os << "  " << std::left << std::setw(6) << to_string(f) << std::right << std::fixed << std::setprecision(1)
           << std::setw(8) << (resident_bytes() - before) / chips / 1e6 << " MB and " << std::setprecision(0)
           << std::setw(5) << s / chips * 1e3 << " ms per chip\n";
    }
    // What a chip allocates when its datapath first runs (cycle fidelity): PE state and Pod Memory.
    const double pe_state = double(cfg.pe_count()) *
                            (cfg.subarray.weight_buffer_bytes + sizeof(Weight) + sizeof(Activation) + 1 +
                             sizeof(Accumulator) + 1);
    const double pod_memory = double(cfg.subarray.count) *
                              (double(cfg.pod.activation_buffer.entries()) * cfg.pod.activation_buffer.banks * sizeof(Activation) +
                               double(cfg.pod.output_buffer.entries()) * cfg.pod.output_buffer.banks * sizeof(Accumulator));
    os << "  a chip at cycle fidelity allocates " << std::setprecision(1) << (pe_state + pod_memory) / 1e6
       << " MB more when its datapath first runs (PE state " << pe_state / 1e6 << " MB, Pod Memory "
       << pod_memory / 1e6 << " MB)\n";
    return os.str();
}

/// One multi-tenant run of `requests` requests at the scenario's rate and
/// seed, scheduler in the loop, timed from requests to metrics.
std::string bench_workload(const Scenario& scenario, const ArchConfig& planaria, const ArchConfig& monolithic,
                           unsigned requests, bool tile) {
    std::ostringstream os;
    const std::vector<Request> stream = generate_requests(scenario, QosLevel::Soft, scenario.rate, requests, scenario.seed);
    os << scenario.name << ": " << requests << " requests at " << scenario.rate << " per second, "
              << (tile ? "tile level" : "configuration-table level") << "\n";
    std::vector<std::unique_ptr<NodeSetup>> setups;
    for (const std::string policy : {"planaria", "prema"}) {
        const ArchConfig& arch = chip_for_policy(policy, planaria, monolithic);
        const PolicyOptions options = PolicyOptions::for_chip(arch);
        const auto t0 = Clock::now();
        setups.push_back(std::make_unique<NodeSetup>(arch, policy, scenario, options, tile));
        os << "  " << std::left << std::setw(10) << policy << std::right << " compile " << std::fixed
                  << std::setprecision(2) << std::chrono::duration<double>(Clock::now() - t0).count() << " s";
        if (tile) {
            os << "\n";
            continue;
        }
        const auto t1 = Clock::now();
        const WorkloadRun run = run_workload(*setups.back(), stream);
        const double s = std::chrono::duration<double>(Clock::now() - t1).count();
        os << ", run " << std::setprecision(3) << s << " s (" << run.scheduling_events << " scheduling events, "
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
        os << "  both policies simulated in " << std::setprecision(2) << s << " s (" << events
                  << " scheduling events, " << std::setprecision(1) << 2.0 * requests / s << " requests/s)\n";
    }
    os << "  target: a 1,000-request Workload-C run in under 10 s on one core\n";
    return os.str();
}

}  // namespace planaria
