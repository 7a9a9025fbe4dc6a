// planaria trace: a VCD (GTKWave) trace of a small cycle-accurate run.
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/datapath_harness.h"
#include "testbench/vcd_writer.h"

namespace planaria::cli {

namespace {
const char* kTraceUsage =
    "Usage: planaria trace datapath --out FILE.vcd [--subarrays K] [--vectors M] [--subarray S]\n\n"
    "Forms the squarest one-cluster configuration of K subarrays (default 4: a 64x64\n"
    "array in pod 0), runs one GEMM tile of M random vectors on it, checks the result\n"
    "against a plain loop, and writes a VCD trace of subarray S's edges and corner PEs.\n";
}  // namespace

int trace_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("out", po::value<std::string>(), "VCD file to write")(
        "subarrays", po::value<std::string>()->default_value("4"), "subarrays of the logical array")(
        "vectors", po::value<std::string>()->default_value("8"), "activation vectors of the tile")(
        "subarray", po::value<std::string>()->default_value("0"), "subarray to trace");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("trace", args, opts, {{"what"}}, {"what", "out"}, kTraceUsage, vm)) return *exit;
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
