// planaria experiment: the paper's Section VI with this model's numbers, one
// CSV per experiment (testbench/experiments.h). scripts/reproduce runs them
// all, draws the plots and writes results/REPORT.md.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/experiments.h"

namespace planaria::cli {

namespace {

const char* kExperimentUsage =
    "Usage: planaria experiment NAME|all [--profile full|quick|smoke] [--out-dir DIR] [--scenarios DIR]\n"
    "                           [--arch FILE] [--set PATH=VALUE]... [--baseline-arch FILE]\n\n"
    "multitenant  Fig. 12-15: throughput, SLA satisfaction, fairness, energy; workloads A/B/C x QoS S/M/H\n"
    "mlperf       the same for Workloads A and C with SSD-ResNet34 at MLPerf's 1200x1200 (sensitivity)\n"
    "scaleout     Fig. 16: nodes needed for 99 % SLA satisfaction\n"
    "single       Fig. 17, Fig. 18, Table II: single-DNN speedup and energy, granularity, configurations;\n"
    "             the feasibility table (each DNN alone on each chip against its QoS bounds)\n"
    "bandwidth    off-chip bandwidth x0.5, x1, x2 (Workload-C, QoS-S)\n"
    "timeline     which task held which subarray when, in a co-located Planaria run\n\n"
    "Profiles: full (1,000 requests, 10 seeds per point), quick (500, 3), smoke (60, 1: a pipeline test).\n"
    "Planaria runs on --arch (default scenarios/arch/planaria.yaml), PREMA on --baseline-arch\n"
    "(default scenarios/arch/monolithic.yaml).\n";

}  // namespace

int experiment_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("profile", po::value<std::string>()->default_value("full"),
                                                    "full, quick or smoke")(
        "out-dir", po::value<std::string>()->default_value("results"), "where the CSV files go")(
        "scenarios", po::value<std::string>(), "directory of workload-{a,b,c}.yaml, models/, arch/ (default: the shipped scenarios)")(
        "baseline-arch", po::value<std::string>(), "PREMA's chip (default: <scenarios>/arch/monolithic.yaml)");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("experiment", args, opts, {{"name"}}, {"name"}, kExperimentUsage, vm)) return *exit;
    return guarded("experiment", [&] {
        // Every name and the profile are checked before anything is written.
        const std::string name = vm["name"].as<std::string>();
        std::vector<std::string> names = {name};
        if (name == "all") names = experiment_names();
        const std::vector<std::string> known = experiment_names();
        for (const std::string& n : names)
            if (std::find(known.begin(), known.end(), n) == known.end()) {
                std::string list;
                for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
                throw UsageError("experiment", "unknown experiment '" + n + "' (" + list + ")");
            }
        ExperimentSetup setup;
        setup.scenarios_dir = vm.count("scenarios") ? vm["scenarios"].as<std::string>() : data_file("scenarios").string();
        try {
            setup.profile = ExperimentProfile::named(vm["profile"].as<std::string>());
        } catch (const std::invalid_argument& e) {
            throw UsageError("--profile", e.what());
        }
        setup.planaria = arch_from_options(vm);
        setup.monolithic = load_arch_file(vm.count("baseline-arch") ? scenario_file(vm["baseline-arch"].as<std::string>())
                                                                     : setup.scenarios_dir + "/arch/monolithic.yaml");
        unsigned units = 0, done = 0;
        for (const std::string& n : names) units += experiment_units(n, setup);
        ProgressBar bar("experiment");
        setup.log = [&](const std::string& line) {
            bar.note("  " + line);
            bar.update(done++, units);
        };
        const std::string out = vm["out-dir"].as<std::string>();
        OutputFolder folder(out);
        const std::string& dir = folder.staging();
        const auto shown = [&](const std::string& file) { return out + file.substr(dir.size()); };
        std::cout << "-> " << shown(write_profile(setup.profile, dir)) << "\n";
        for (const std::string& n : names) {
            const auto t0 = std::chrono::steady_clock::now();
            bar.note("experiment " + n + " (" + setup.profile.name + " profile)");
            for (const std::string& f : run_experiment(n, setup, dir)) bar.note("-> " + shown(f), std::cout);
            std::ostringstream took;
            took << "  " << n << " took " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                 << " s";
            bar.note(took.str());
        }
        folder.commit();
        return kExitOk;
    });
}

}  // namespace planaria::cli
