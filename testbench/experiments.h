#pragma once
// The paper's Section VI with this model (issue 7): each experiment writes
// one CSV into a results directory; scripts/plot_results.py draws them and
// scripts/make_report.py sets them beside the paper's numbers (REPORT.md).
//
//   multitenant  Fig. 12-15: workloads A/B/C x QoS S/M/H, Planaria on the
//                fissionable chip and PREMA on the monolithic array: the
//                throughput (largest rate meeting the SLA on every seed), and
//                at the scenario's rate the SLA satisfaction rate over seeds,
//                fairness, energy, utilization, p99 latency (means over seeds);
//                energy again with idle PEs ungated; on Workload-B also
//                PREMA with depth-wise channels packed block-diagonally
//   mlperf       the same for Workloads A and C with SSD-ResNet34 at MLPerf's
//                1200x1200 instead of the paper set's 300x300 (sensitivity)
//   scaleout     Fig. 16: nodes needed for 99 % SLA satisfaction at the
//                scenario's rate (every seed must meet the SLA)
//   single       Fig. 17 (and by energy component, and against a baseline
//                packing depth-wise channels), Fig. 18, Table II, Fig. 19:
//                the whole-chip single-DNN studies and the area breakdown;
//                the feasibility table (each DNN alone against its bounds)
//   bandwidth    beyond the paper: Workload-C throughput with the off-chip
//                bandwidth of both chips scaled by 0.5, 1 and 2
//   timeline     beyond the paper: who held which subarray when, in a
//                co-located Planaria run (CSV and Perfetto trace)
//
// Every experiment is a pure function of the profile, the architecture files
// and the scenario files: the same inputs give byte-identical CSVs.

#include <functional>
#include <string>
#include <vector>

#include "hw/config/arch_config.h"

namespace planaria {

/// How much simulation an experiment spends: requests per run, seeds per
/// point, search steps, the largest node count tried.
struct ExperimentProfile {
    std::string name;
    unsigned requests = 1000, seeds = 5, search_steps = 6, max_nodes = 16;
    /// The DNNs of the single-DNN studies (model keys; empty: the whole zoo).
    std::vector<std::string> single_dnns;
    /// "full" (1,000 requests, 10 seeds, 8 search steps), "quick" (500
    /// requests, 3 seeds, 5 steps) or "smoke" (60 requests, 1 seed, two DNNs
    /// in the single-DNN studies: a test of the pipeline, not of the numbers). Throws std::invalid_argument otherwise.
    static ExperimentProfile named(const std::string& name);
};

struct ExperimentSetup {
    std::string scenarios_dir;   ///< holds workload-{a,b,c}.yaml, models/ and arch/
    ArchConfig planaria;         ///< the fissionable chip
    ArchConfig monolithic;       ///< PREMA's chip
    ExperimentProfile profile;
    std::function<void(const std::string&)> log = [](const std::string&) {};
};

/// The experiments by name, in the order `all` runs them.
const std::vector<std::string>& experiment_names();

/// Writes `out_dir`/profile.json: the profile's name and figures.
std::string write_profile(const ExperimentProfile& profile, const std::string& out_dir);

/// How many lines experiment `name` logs through ExperimentSetup::log, one
/// per unit of work (for progress bars). Throws std::invalid_argument for an
/// unknown name.
unsigned experiment_units(const std::string& name, const ExperimentSetup& setup);

/// Runs one experiment and writes its CSV file(s) into `out_dir` (created if
/// missing); returns the files written. Throws std::invalid_argument for an
/// unknown name (listing the known ones).
std::vector<std::string> run_experiment(const std::string& name, const ExperimentSetup& setup, const std::string& out_dir);

}  // namespace planaria
