// planaria bench: speed of the model, measured (never asserted in tests).
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "hw/config/arch_yaml.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/benchmarks.h"

namespace planaria::cli {

namespace {

const char* kBenchUsage =
    "Usage: planaria bench datapath|replay|workload|chips [--arch FILE] [--set PATH=VALUE]... [--seconds S]\n"
    "                      [--scenario FILE] [--requests N] [--fidelity table|tile]\n\n"
    "datapath  PE-cycles per second of the cycle-accurate datapath, real values flowing,\n"
    "          for the whole chip as one logical array and for independent subarrays, each\n"
    "          beside the plain C++ cycle loop of ../shared/bench (--reference) when present\n"
    "replay    tiles per second of the chip-level model, timing only: the nine DNNs of the\n"
    "          zoo back to back on the whole chip (target: 1 M tiles/s)\n"
    "workload  wall time of one multi-tenant run (default: Workload-C, 1,000 requests, the\n"
    "          scenario's rate and seed) under Planaria and under PREMA, scheduler in the loop\n"
    "          (target: 10 s at table level)\n"
    "chips     memory and elaboration time per chip at tile and at cycle fidelity (--chips N of each)\n";

}  // namespace

int bench_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("seconds", po::value<std::string>()->default_value("2.0"),
                                                    "minimum run time per measurement")(
        "scenario", po::value<std::string>()->default_value("workload-c.yaml"),
        "workload: the scenario (a file, or a name among the shipped scenarios)")("requests", po::value<std::string>()->default_value("1000"), "workload: requests")(
        "fidelity", po::value<std::string>()->default_value("table"), "workload: table or tile")(
        "chips", po::value<std::string>()->default_value("8"), "chips: how many of each fidelity")(
        "reference", po::value<std::string>()->default_value(PLANARIA_BENCH_REFERENCE),
        "datapath: the plain C++ cycle loop's runner, run beside each measurement (skipped when absent)")(
        "baseline-arch", po::value<std::string>(), "workload: PREMA's chip (default: arch/monolithic.yaml next to the scenario)");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("bench", args, opts, {{"what"}}, {"what"}, kBenchUsage, vm)) return *exit;
    return guarded("bench", [&] {
        const std::string what = vm["what"].as<std::string>();
        const ArchConfig cfg = arch_from_options(vm);
        if (what == "datapath") {
            std::cout << bench_datapath(cfg, real_number(vm, "seconds", 0, 3600), vm["reference"].as<std::string>());
            return kExitOk;
        }
        if (what == "replay") return print_replay(replay_models(zoo_models(), cfg, {}));
        if (what == "chips") {
            std::cout << bench_chips(cfg, unsigned(whole_number(vm, "chips", 1, 1000)));
            return kExitOk;
        }
        if (what == "workload") {
            const Scenario scenario = load_scenario(scenario_file(vm["scenario"].as<std::string>()));
            const std::string fidelity = vm["fidelity"].as<std::string>();
            if (fidelity != "table" && fidelity != "tile")
                throw UsageError("--fidelity", "must be table or tile, not '" + fidelity + "'");
            const std::string baseline =
                vm.count("baseline-arch")
                    ? scenario_file(vm["baseline-arch"].as<std::string>())
                    : (std::filesystem::path(scenario.file).parent_path() / "arch" / "monolithic.yaml").string();
            std::cout << bench_workload(scenario, cfg, load_arch_file(baseline),
                                        unsigned(whole_number(vm, "requests", 1, 1000000)),
                                        fidelity == "tile");
            return kExitOk;
        }
        std::cerr << "planaria bench: error: unknown benchmark '" << what << "'\n" << kBenchUsage;
        return kExitUsage;
    });
}

}  // namespace planaria::cli
