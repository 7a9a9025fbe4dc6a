// planaria replay: compiled DNNs on the chip-level model, one after another,
// each alone on k subarrays; latency against the compiler's estimate.
#include <chrono>
#include <iomanip>
#include <iostream>

#include "compiler/compiler.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/replay.h"

namespace planaria::cli {

namespace {
const char* kReplayUsage =
    "Usage: planaria replay MODEL.yaml... [--all] [--subarrays K] [--out DIR] [--arch FILE] [--set PATH=VALUE]...\n\n"
    "Compiles each model, then runs them back to back on the chip-level model (timing only),\n"
    "each alone on the canonical region of K subarrays (default: all), and prints each\n"
    "inference's latency beside the compiler's estimate.\n";
}  // namespace

int replay_back_to_back(const std::vector<std::string>& files, const ArchConfig& cfg, unsigned k,
                        const std::string& out_dir) {
    const Compiler compiler(cfg, {Objective::Cycles, k, true});
    std::vector<Bundle> bundles;
    for (const auto& f : files) bundles.push_back(compiler.compile(load_model_file(f)));

    ReplayPlatform platform("platform", cfg);
    if (!out_dir.empty()) platform.record_timeline(200000);
    for (const auto& b : bundles) {
        ReplayJob job;
        job.bundle = &b;
        job.subarrays = k;
        job.after_previous = true;
        platform.add(job);
    }
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << std::left << std::setw(18) << "DNN" << std::right << std::setw(12) << "latency ms" << std::setw(13)
              << "estimate ms" << std::setw(9) << "diff" << std::setw(10) << "tiles" << std::setw(10) << "estimate" << std::setw(10)
              << "DRAM MB" << std::setw(10) << "estimate" << "\n";
    std::uint64_t tiles = 0;
    bool error = false;
    for (std::size_t i = 0; i < bundles.size(); ++i) {
        const ReplayResult& r = platform.results()[i];
        const ConfigurationTable& table = bundles[i].per_k[k - 1].table;
        const double estimate = double(table.total_cycles()) * cfg.clock_period_ns() * 1e-6;
        std::uint64_t dram = 0;
        for (const auto& e : table.layers) dram += e.dram_bytes;
        tiles += r.tiles;
        error = error || r.error;
        std::cout << std::left << std::setw(18) << r.model << std::right << std::fixed << std::setprecision(3)
                  << std::setw(12) << r.latency_ms() << std::setw(13) << estimate << std::setw(8)
                  << std::setprecision(1) << (r.latency_ms() / estimate - 1) * 100 << "%" << std::setw(10)
                  << r.tiles << std::setw(10) << table.total_tiles() << std::setw(10) << std::setprecision(1)
                  << double(r.bytes) / 1e6 << std::setw(10) << double(dram) / 1e6
                  << (r.error ? "  ERROR" : "") << "\n";
    }
    std::cout << std::fixed << std::setprecision(2) << "simulated " << tiles << " tiles in " << wall
              << " s wall: " << std::setprecision(0) << double(tiles) / wall << " tiles/s\n";
    if (!out_dir.empty()) {
        platform.write_outputs(out_dir);
        std::cout << "results in " << out_dir
                  << ": inferences.csv, subarrays.csv, channels.csv, summary.json, timeline.json (Perfetto)\n";
    }
    return error ? kExitFailure : kExitOk;
}

int replay_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("all", "the whole model zoo")(
        "subarrays", po::value<unsigned>()->default_value(0), "subarrays per inference (0: all)")(
        "out", po::value<std::string>()->default_value(""), "directory for CSV, JSON and the Perfetto timeline");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("replay", args, opts, {{"models", true}}, {}, kReplayUsage, vm)) return *exit;
    return guarded("replay", [&] {
        const std::vector<std::string> files = model_files(vm);
        if (files.empty()) {
            std::cerr << kReplayUsage;
            return kExitUsage;
        }
        const ArchConfig cfg = arch_from_options(vm);
        const unsigned k = vm["subarrays"].as<unsigned>() ? vm["subarrays"].as<unsigned>() : cfg.subarray.count;
        if (k > cfg.subarray.count) throw ConfigError("--subarrays", "--subarrays", "the chip has fewer subarrays");
        return replay_back_to_back(files, cfg, k, vm["out"].as<std::string>());
    });
}

}  // namespace planaria::cli
