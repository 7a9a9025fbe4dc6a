#pragma once
// Policies side by side on one workload (the main job, `planaria run`):
// each policy on its chip (the spatial ones on the fissionable chip, the
// temporal ones on the monolithic baseline with the same PEs, buffers, clock
// and bandwidth), every seed at the given rate, SLA satisfaction over the
// seeds, fairness, energy, utilization and tasks per second averaged over
// them, and (at configuration-table level) the throughput search.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/model.h"
#include "hw/config/arch_config.h"
#include "testbench/feasibility.h"
#include "testbench/metrics.h"
#include "testbench/workload.h"
#include "testbench/workload_runner.h"

namespace planaria {

/// The temporal policies (prema, fcfs) run on the monolithic baseline, the
/// spatial ones on the fissionable chip.
bool runs_on_baseline(const std::string& policy);
/// The chip a policy runs on.
const ArchConfig& chip_for_policy(const std::string& policy, const ArchConfig& fissionable, const ArchConfig& baseline);

struct ComparisonRequest {
    Scenario scenario;
    QosLevel qos = QosLevel::Medium;
    double rate = 0;                 ///< requests per second
    unsigned requests = 0;
    std::uint64_t seed = 0;          ///< the first seed
    unsigned seeds = 1;
    unsigned nodes = 1;
    std::vector<std::string> policies = {"planaria", "prema"};
    ArchConfig fissionable, baseline;
    bool tile = false;               ///< tile level (host module on the TLM chip) or configuration-table level
    Fidelity fidelity = Fidelity::Tile;  ///< the TLM chip's (tile level only)
    /// Throughput search: at table level the search; at tile level the
    /// search's result as tile-level runs confirmed it (run_command).
    bool search = true;
    bool feasibility = true;         ///< each DNN alone on each chip against its bounds (FeasibilityStudy)
    std::vector<InputOverride> inputs;
    /// A folder of compiled models shared with the run's other processes
    /// (testbench/bundle_cache.h); empty: each compiles its own.
    std::string bundle_cache;
    std::string command_line, commit;  ///< recorded in summary.json
};

/// The mean and the sample standard deviation (0 for one value) over seeds.
struct Spread {
    double mean = 0, std = 0;
    static Spread of(const std::vector<double>& values);
};

/// One seed's run at the given rate.
struct SeedRow {
    std::uint64_t seed = 0;
    WorkloadMetrics metrics;
    double mac_utilization = 0;  ///< useful MACs / (the chip's PEs x cycles of the makespan)
};

/// A table-level throughput confirmed and refined by tile-level runs
/// (confirm_throughput), at a size of its own: each tile-level run simulates
/// every tile, so it may run fewer requests and seeds than the table level.
struct TileConfirmation {
    unsigned requests = 0, seeds = 0;  ///< of the runs at each rate
    double table_throughput = 0;       ///< the table-level search at that size, whose bracket it starts from
    ThroughputResult tile;             ///< the tile-level bracket
};

/// A policy's figures at the given rate, over the seeds: of its own runs
/// (PolicyResult::figures), or of the same runs in the other view.
struct RateFigures {
    double sla_rate = 0;
    Spread within_qos, fairness, energy, mac_utilization, utilization, p99_latency;
};

/// One policy on its chip, evaluated.
struct PolicyResult {
    std::string policy;
    ArchConfig arch;
    double throughput = 0, sla_rate = 0;
    ThroughputResult search;  ///< the throughput search's bracket (searched runs only)
    /// The search confirmed and refined at tile level (confirm_throughput), when asked for.
    std::optional<TileConfirmation> tile_check;
    WorkloadMetrics first;  ///< the run at the given rate and first seed
    WorkloadRun run;        ///< that run
    std::vector<SeedRow> seeds;  ///< every seed's run at the given rate
    /// Over the seeds. utilization: busy subarray-seconds over the chip's
    /// (occupancy); mac_utilization: useful MACs over the chip's PE-cycles.
    Spread fairness, energy, utilization, mac_utilization, tasks_per_s, p99_latency, within_qos;
    EnergyBreakdown energy_by_component;  ///< `energy` by component (joules, averaged over the seeds)
    /// At tile level: the same runs as the configuration tables play them out.
    std::optional<RateFigures> table_level;
    RateFigures figures() const {
        return {sla_rate, within_qos, fairness, energy, mac_utilization, utilization, p99_latency};
    }
};

struct Comparison {
    ComparisonRequest request;
    std::vector<PolicyResult> policies;
    CycleCrossCheck cycle_check;  ///< cycle fidelity: every node's tiles on the datapath
    std::optional<Feasibility> feasibility;  ///< chips in order of first use by the policies
    std::size_t chip_index(const PolicyResult& policy) const;  ///< its chip among feasibility->chips
    /// A throughput to show: searched at table level; at tile level, the
    /// search confirmed by tile-level runs (the caller's, into tile_check).
    bool searched() const;
    /// The summary for a person: one column per policy.
    std::string table() const;
    /// tasks-POLICY.csv, timeline-POLICY.json (Perfetto) and summary.json in `dir`.
    void write(const std::string& dir) const;
};

/// Runs every policy. `progress(done, total)` is called after each unit of work.
Comparison compare_policies(const ComparisonRequest& request,
                            const std::function<void(unsigned, unsigned)>& progress = {});

}  // namespace planaria
