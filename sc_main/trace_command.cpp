// planaria trace: a VCD (GTKWave) trace of a small cycle-accurate run.
#include <iostream>
#include <random>

#include <boost/program_options.hpp>

#include "sc_main/cli_support.h"
#include "testbench/vcd_writer.h"
#include "sc_main/command.h"
#include "testbench/datapath_harness.h"

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
        "subarrays", po::value<unsigned>()->default_value(4), "subarrays of the logical array")(
        "vectors", po::value<unsigned>()->default_value(8), "activation vectors of the tile")(
        "subarray", po::value<unsigned>()->default_value(0), "subarray to trace");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("trace", args, opts, {{"what"}}, {"what", "out"}, kTraceUsage, vm)) return *exit;
    if (vm["what"].as<std::string>() != "datapath") {
        std::cerr << "planaria trace: error: unknown trace '" << vm["what"].as<std::string>() << "'\n" << kTraceUsage;
        return kExitUsage;
    }
    return guarded("trace", [&] {
        const ArchConfig cfg = arch_from_options(vm);
        const unsigned k = vm["subarrays"].as<unsigned>(), m = vm["vectors"].as<unsigned>();
        if (k == 0 || k > cfg.subarray.count) {
            std::cerr << "planaria trace: error: --subarrays must be 1.." << cfg.subarray.count << "\n";
            return kExitUsage;
        }
        DatapathHarness bench(cfg);
        const FissionConfiguration best = bench.form_squarest(k);
        const LogicalArray& array = best.placement.front();
        std::mt19937 rng(1);
        const DatapathHarness::Operands op = bench.load_random(array, m, rng, -100, 100);
        SystolicDatapath& dp = bench.dp;

        VcdWriter vcd(vm["out"].as<std::string>(), "planaria");
        const unsigned r1 = cfg.subarray.rows - 1, c1 = cfg.subarray.cols - 1;
        dp.trace(&vcd, vm["subarray"].as<unsigned>(), {{0, 0}, {0, c1}, {r1, 0}, {r1, c1}});
        TileCommand cmd;
        cmd.shape = {m, op.k, op.n};
        const TileRun run = dp.compute_tile(array, cmd);
        dp.trace(nullptr, 0);
        vcd.close();

        const auto out = dp.read_outputs(array, 0, m, op.n);
        const auto expected = reference_gemm(op.activations, op.weights, m, op.k, op.n);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < expected.size(); ++i) wrong += out[i] != expected[i];
        std::cout << best.name(cfg) << " on subarrays";
        for (unsigned s : array.subarrays) std::cout << " " << s;
        std::cout << ": " << m << "x" << op.k << "x" << op.n << " GEMM tile in " << run.cycles << " cycles, "
                  << (wrong ? std::to_string(wrong) + " outputs WRONG" : "all outputs exact") << "\n"
                  << "trace of subarray " << vm["subarray"].as<unsigned>() << " written to " << vcd.path()
                  << " (open with gtkwave)\n";
        return wrong ? kExitFailure : kExitOk;
    });
}

}  // namespace planaria::cli
