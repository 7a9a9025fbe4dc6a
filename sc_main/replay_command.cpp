// planaria replay: compiled DNNs on the chip-level model, one after another,
// each alone on k subarrays; latency against the compiler's estimate.
#include <iostream>

#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/replay_session.h"

namespace planaria::cli {

namespace {
const char* kReplayUsage =
    "Usage: planaria replay MODEL.yaml... [--all] [--subarrays K] [--out DIR] [--functional [--seed N]]\n"
    "                       [--input NAME=CxHxW]... [--preempt-after US] [--tolerance PCT [--dram-tolerance PCT]] [--fidelity tile|cycle] [--arch FILE] [--set PATH=VALUE]...\n\n"
    "Compiles each model, then runs them back to back on the chip-level model, each alone\n"
    "on the canonical region of K subarrays (default: all), and prints each inference's\n"
    "latency beside the compiler's estimate. Timing only, unless --functional: then real\n"
    "int16 data (random weights and inputs from the seed) flows through the tiles and every\n"
    "tensor each inference stores is compared with a plain reference execution. With\n"
    "--fidelity cycle every tile runs on the datapath modules cycle by cycle, and the\n"
    "tiles whose cycles differ from the closed form of the tile level are counted.\n";

}  // namespace

int print_replay(const ReplayReport& report) {
    std::cout << report.text;
    return report.ok ? kExitOk : kExitFailure;
}

int replay_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("all", "the whole model zoo")(
        "subarrays", po::value<std::string>()->default_value("0"), "subarrays per inference (0: all)")(
        "out", po::value<std::string>()->default_value(""), "directory for CSV, JSON and the Perfetto timeline")(
        "functional", "move real data and compare it with the reference execution")(
        "seed", po::value<std::string>()->default_value("1"), "seed of the random weights and inputs (--functional)")(
        "input", po::value<std::vector<std::string>>(), "override a model input shape, e.g. image=3x32x32")(
        "preempt-after", po::value<std::string>(), "preempt every inference this many microseconds after it starts and resume it at once (checkpoint and restore)")(
        "tolerance", po::value<std::string>(), "fail unless every latency and energy is within this many percent of the estimate (of the chip's), the data bytes "
        "within --dram-tolerance and the tiles equal")(
        "dram-tolerance", po::value<std::string>()->default_value("2"), "percent the data bytes may differ from the estimate (with --tolerance)")(
        "depthwise", po::value<std::string>()->default_value("column"),
        "depth-wise channels per pass: column (one, the paper's) or block-diagonal (timing only)")(
        "fidelity", po::value<std::string>()->default_value("tile"),
        "tile (closed-form tile times) or cycle (every tile on the datapath modules, checked against the closed form)");
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
        const unsigned given = unsigned(whole_number(vm, "subarrays", 0, cfg.subarray.count));
        const unsigned k = given ? given : cfg.subarray.count;
        ReplayOptions data;
        data.subarrays = k;
        data.out_dir = vm["out"].as<std::string>();
        data.functional = vm.count("functional") > 0;
        data.depthwise = depthwise_option(vm);
        data.fidelity = fidelity_option(vm);
        // The functional data layout holds one channel per pass (testbench/functional_image.h).
        if (data.functional && data.depthwise != DepthwiseMapping::Column)
            throw UsageError("--depthwise", "block-diagonal is timing only: it cannot run with --functional");
        data.seed = whole_number(vm, "seed", 0, UINT64_MAX);
        if (vm.count("preempt-after")) data.preempt_after_us = real_number(vm, "preempt-after", 1e-3, 1e9);
        if (vm.count("tolerance")) data.tolerance = real_number(vm, "tolerance", 0, 1000);
        data.dram_tolerance = real_number(vm, "dram-tolerance", 0, 1000);
        if (vm.count("input"))
            for (const auto& s : vm["input"].as<std::vector<std::string>>()) data.inputs.push_back(InputOverride::parse(s));
        ReplayReport report;
        {
            ProgressBar bar("replay");
            data.progress = bar.callback();
            report = replay_models(files, cfg, data);
        }
        return print_replay(report);
    });
}

}  // namespace planaria::cli
