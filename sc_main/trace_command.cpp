// planaria trace: a VCD (GTKWave) trace of a small cycle-accurate run.
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/datapath_harness.h"
#include "testbench/replay_session.h"
#include "testbench/vcd_writer.h"

namespace planaria::cli {

namespace {
const char* kTraceUsage =
    "Usage: planaria trace datapath --out FILE.vcd [--subarrays K] [--vectors M] [--subarray S]\n"
    "       planaria trace replay MODEL.yaml --layer NAME --out FILE.vcd [--subarrays K] [--subarray S]\n"
    "                             [--functional [--seed N]] [--input NAME=CxHxW]...\n\n"
    "datapath  forms the squarest one-cluster configuration of K subarrays (default 4: a\n"
    "          64x64 array in pod 0), runs one GEMM tile of M random vectors on it, checks\n"
    "          the result against a plain loop, and writes a VCD trace of subarray S's edges\n"
    "          and corner PEs\n"
    "replay    compiles MODEL for K subarrays (default: all) and replays it on the chip at\n"
    "          cycle fidelity; every tile of layer NAME that runs on subarray S (default 0)\n"
    "          is recorded: the activations and partial sums crossing its four edges (the\n"
    "          ring-bus and Pod Memory sides) and its corner PEs' registers, at chip time\n";
}  // namespace

int trace_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("out", po::value<std::string>(), "VCD file to write")(
        "subarrays", po::value<std::string>()->default_value("4"), "subarrays of the logical array")(
        "vectors", po::value<std::string>()->default_value("8"), "activation vectors of the tile")(
        "subarray", po::value<std::string>()->default_value("0"), "subarray to trace")(
        "layer", po::value<std::string>(), "replay: the layer to trace")(
        "functional", "replay: real data (random weights and inputs from the seed)")(
        "seed", po::value<std::string>()->default_value("1"), "replay: seed of the data (--functional)")(
        "input", po::value<std::vector<std::string>>(), "replay: override a model input shape, e.g. image=3x32x32");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("trace", args, opts, {{"what"}, {"models", true}}, {"what", "out"}, kTraceUsage, vm))
        return *exit;
    if (vm["what"].as<std::string>() == "replay") return guarded("trace", [&] {
        const std::vector<std::string> files = model_files(vm);
        if (files.size() != 1) throw UsageError("MODEL", "name one model file");
        if (!vm.count("layer")) throw UsageError("--layer", "name the layer to trace");
        const ArchConfig cfg = arch_from_options(vm);
        ReplayOptions data;
        data.subarrays = unsigned(whole_number(vm, "subarrays", 1, cfg.subarray.count, cfg.subarray.count));
        data.fidelity = Fidelity::Cycle;
        data.functional = vm.count("functional") > 0;
        data.seed = whole_number(vm, "seed", 0, UINT64_MAX);
        if (vm.count("input"))
            for (const auto& s : vm["input"].as<std::vector<std::string>>()) data.inputs.push_back(InputOverride::parse(s));
        data.trace_vcd = vm["out"].as<std::string>();
        data.trace_layer = vm["layer"].as<std::string>();
        data.trace_subarray = unsigned(whole_number(vm, "subarray", 0, cfg.subarray.count - 1));
        const std::filesystem::path out = data.trace_vcd;
        if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
        try {
            return print_replay(replay_models(files, cfg, data));
        } catch (const std::invalid_argument& e) {
            throw UsageError("trace replay", e.what());  // the layer or subarray named does not fit the run
        }
    });
    if (vm["what"].as<std::string>() != "datapath") {
        std::cerr << "planaria trace: error: unknown trace '" << vm["what"].as<std::string>() << "'\n" << kTraceUsage;
        return kExitUsage;
    }
    return guarded("trace", [&] {
        const ArchConfig cfg = arch_from_options(vm);
        const unsigned k = unsigned(whole_number(vm, "subarrays", 1, cfg.subarray.count));
        const unsigned m = unsigned(whole_number(vm, "vectors", 1, 65535));
        const unsigned traced = unsigned(whole_number(vm, "subarray", 0, cfg.subarray.count - 1));
        const std::filesystem::path out = vm["out"].as<std::string>();
        if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
        VcdWriter vcd(out.string(), "planaria");
        const TracedTile tile = trace_tile(cfg, k, m, traced, vcd);
        vcd.close();
        std::cout << tile.configuration << " on subarrays";
        for (unsigned s : tile.subarrays) std::cout << " " << s;
        std::cout << ": " << tile.m << "x" << tile.k << "x" << tile.n << " GEMM tile in " << tile.cycles << " cycles, "
                  << (tile.wrong ? std::to_string(tile.wrong) + " outputs WRONG" : "all outputs exact") << "\n"
                  << "trace of subarray " << traced << " written to " << vcd.path() << " (open with gtkwave)\n";
        return tile.wrong ? kExitFailure : kExitOk;
    });
}

}  // namespace planaria::cli
