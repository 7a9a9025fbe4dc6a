#pragma once
// Runs multi-tenant workloads on accelerator nodes: a chip (architecture and
// scheduling policy) with the compiled DNNs of a scenario, one or several
// nodes behind a dispatcher (scale-out, each task on one chip). Two
// fidelities: configuration-table level (testbench/table_level_node.h, the
// host's estimates played out as discrete events; fast enough for throughput
// searches) and tile level (testbench/tile_level_node.h: the host module
// programs the chip-level TLM model over its registers).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hw/bundle/bundle.h"
#include "compiler/lowering.h"
#include "compiler/model.h"
#include "hw/config/arch_config.h"
#include "sched/policy.h"
#include "sched/task_monitor.h"
#include "testbench/metrics.h"
#include "testbench/table_level_node.h"
#include "testbench/tile_level_node.h"
#include "testbench/workload.h"

namespace planaria {

/// A kind of node: its architecture, its policy and every DNN compiled for it.
class BundleCache;

class NodeSetup {
public:
    /// Compiles the scenario's models for `arch` (configuration tables for
    /// k = 1..subarrays; with `instructions`, the instruction streams the tile
    /// level runs too). Throws on a bad model or policy name.
    /// `inputs` change the models' input resolutions (InputOverride);
    /// `depthwise` is the compiler's depth-wise mapping (CompileOptions).
    /// `cache`: where compiled models are kept for other processes of the
    /// same run (testbench/bundle_cache.h); none: compiled here.
    NodeSetup(const ArchConfig& arch, std::string policy, const Scenario& scenario, PolicyOptions options = {},
              bool instructions = false, const std::vector<InputOverride>& inputs = {},
              DepthwiseMapping depthwise = DepthwiseMapping::Column, const BundleCache* cache = nullptr);

    /// The same compiled models with idle PE-cycles priced under `gating`
    /// (energy.pe_gating): the counts behind the tables do not depend on the
    /// option, so each layer's idle-PE energy scales by the ratio of the two
    /// fractions. Throws std::invalid_argument when `other`'s fraction is 0
    /// (nothing to scale from: compile for the other option instead).
    NodeSetup(const NodeSetup& other, PeGating gating);

    const ArchConfig& arch() const { return arch_; }
    const std::string& policy() const { return policy_; }
    const PolicyOptions& options() const { return options_; }
    const std::map<std::string, TaskProfile>& profiles() const { return profiles_; }
    /// The compiled models by scenario key.
    std::map<std::string, const Bundle*> bundles() const;
    bool has_instructions() const { return instructions_; }

private:
    ArchConfig arch_;
    std::string policy_;
    PolicyOptions options_;
    bool instructions_;
    std::vector<std::string> keys_;
    std::vector<Bundle> bundles_;
    std::map<std::string, TaskProfile> profiles_;
    void build_profiles();
};

struct WorkloadRun {
    std::vector<TaskRecord> tasks;   ///< in request order
    WorkloadMetrics metrics;
    std::vector<std::vector<Occupancy>> timelines;  ///< per node
    std::uint64_t scheduling_events = 0;
};

/// Runs `requests` on `nodes` nodes of `setup` (dispatch() spreads them; one
/// fresh policy per node). Deterministic.
WorkloadRun run_workload(const NodeSetup& setup, const std::vector<Request>& requests, unsigned nodes = 1);

/// The scenario's requests at `rate` (Poisson, generate_requests) under seeds
/// seed, seed+1, ..., seed+seeds-1, each run on `nodes` nodes of `setup`;
/// `step` is called after each run (progress reports).
std::vector<WorkloadRun> run_seeds(const NodeSetup& setup, const Scenario& scenario, QosLevel qos, double rate,
                                   unsigned requests, std::uint64_t seed, unsigned seeds, unsigned nodes = 1,
                                   const std::function<void()>& step = {});

/// Throughput: find_throughput over such runs, from `start_rate`, `steps`
/// bisection steps (every seed must meet the SLA); `step` after each run.
/// The result holds the bracket: the rate found and the lowest failing one.
ThroughputResult search_throughput(const NodeSetup& setup, const Scenario& scenario, QosLevel qos, double start_rate,
                         unsigned requests, std::uint64_t seed, unsigned seeds, unsigned steps, unsigned nodes = 1,
                         const std::function<void()>& step = {});

/// Tile-level runs. SystemC elaborates a design once per process, so every
/// run of an experiment (policies x seeds x nodes) is a set of nodes in one
/// simulation, started once by run(). Nodes of one setup share the memory
/// holding the instruction streams.
class TileLevelExperiment {
public:
    /// Every node's chip at `fidelity`.
    explicit TileLevelExperiment(Fidelity fidelity = Fidelity::Tile);
    ~TileLevelExperiment();
    /// Adds a run of `requests` on `nodes` nodes of `setup` (compiled with
    /// instructions; it must outlive the experiment). Returns its index. Before run().
    std::size_t add(const NodeSetup& setup, const std::vector<Request>& requests, unsigned nodes = 1);
    /// Simulates every run to its end. Throws std::runtime_error naming the
    /// task and sequencer if any sequencer stopped on an error.
    void run();
    /// After run(): the run as run_workload reports it.
    WorkloadRun result(std::size_t index) const;
    std::size_t size() const { return runs_.size(); }
    /// After run() at cycle fidelity: all nodes' tiles on the datapath against the closed form.
    CycleCrossCheck cycle_check() const;
    /// Called with the number of tasks finished so far, each time one finishes.
    void on_progress(std::function<void(std::size_t finished)> progress) { progress_ = std::move(progress); }

private:
    struct Run;
    Fidelity fidelity_;
    std::vector<std::unique_ptr<Run>> runs_;
    std::map<const NodeSetup*, TileLevelNode*> first_;
    unsigned next_region_ = 1;  // region 0 holds the program region
    bool done_ = false;
    std::size_t finished_ = 0;
    std::function<void(std::size_t)> progress_;
};

/// Writes the Perfetto / Chrome trace of a run: a track per node and subarray,
/// a slice per task holding it.
void write_timeline(const std::string& path, const WorkloadRun& run, const ArchConfig& arch);

}  // namespace planaria
