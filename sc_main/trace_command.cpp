// planaria trace: a VCD (GTKWave) trace of a small cycle-accurate run.
#include <iostream>
#include <random>

#include <boost/program_options.hpp>

#include "hw/datapath/systolic_datapath.h"
#include "hw/fission/fission_configurations.h"
#include "sc_main/cli_support.h"
#include "testbench/vcd_writer.h"
#include "sc_main/command.h"
#include "sched/reconfiguration_driver.h"

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
        SystolicDatapath dp("datapath", cfg);
        ReconfigurationDriver host("host", dp.floorplan());
        host.socket.bind(dp.registers().socket);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        const Floorplan& fp = dp.floorplan();
        const auto configs = enumerate_configurations(fp, canonical_region(fp, k));
        const FissionConfiguration* best = squarest_single_array(configs);
        FissionState st = FissionState::reset(fp);
        for (const auto& c : best->placement) st = place_array(fp, c, st);
        host.program(st);
        host.commit();
        dp.registers().tile_boundary();
        const LogicalArray& array = best->placement.front();

        const unsigned kk = best->pe_rows(cfg), n = best->pe_cols(cfg);
        std::mt19937 rng(1);
        std::uniform_int_distribution<int> d(-100, 100);
        std::vector<Weight> w(std::size_t(kk) * n);
        std::vector<Activation> a(std::size_t(m) * kk);
        for (auto& v : w) v = Weight(d(rng));
        for (auto& v : a) v = Activation(d(rng));
        dp.write_weights(array, 0, w, kk, n);
        dp.write_activations(array, 0, a, m, kk);

        VcdWriter vcd(vm["out"].as<std::string>(), "planaria");
        const unsigned r1 = cfg.subarray.rows - 1, c1 = cfg.subarray.cols - 1;
        dp.trace(&vcd, vm["subarray"].as<unsigned>(), {{0, 0}, {0, c1}, {r1, 0}, {r1, c1}});
        TileCommand cmd;
        cmd.shape = {m, kk, n};
        const TileRun run = dp.compute_tile(array, cmd);
        dp.trace(nullptr, 0);
        vcd.close();

        const auto out = dp.read_outputs(array, 0, m, n);
        std::size_t wrong = 0;
        for (unsigned i = 0; i < m; ++i)
            for (unsigned j = 0; j < n; ++j) {
                std::int64_t sum = 0;
                for (unsigned x = 0; x < kk; ++x) sum += std::int64_t(a[i * kk + x]) * w[x * n + j];
                wrong += out[std::size_t(i) * n + j] != sum;
            }
        std::cout << best->name(cfg) << " on subarrays";
        for (unsigned s : array.subarrays) std::cout << " " << s;
        std::cout << ": " << m << "x" << kk << "x" << n << " GEMM tile in " << run.cycles << " cycles, "
                  << (wrong ? std::to_string(wrong) + " outputs WRONG" : "all outputs exact") << "\n"
                  << "trace of subarray " << vm["subarray"].as<unsigned>() << " written to " << vcd.path()
                  << " (open with gtkwave)\n";
        return wrong ? kExitFailure : kExitOk;
    });
}

}  // namespace planaria::cli
