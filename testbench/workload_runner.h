#pragma once
// Runs multi-tenant workloads on accelerator nodes at configuration-table
// level (testbench/table_level_node.h): a chip (architecture and scheduling
// policy) with the compiled tables of a scenario's DNNs, one or several nodes
// behind a dispatcher (scale-out, each task on one chip).

#include <map>
#include <string>
#include <vector>

#include "compiler/bundle.h"
#include "hw/config/arch_config.h"
#include "sched/policy.h"
#include "sched/task_monitor.h"
#include "testbench/metrics.h"
#include "testbench/table_level_node.h"
#include "testbench/workload.h"

namespace planaria {

/// A kind of node: its architecture, its policy and every DNN compiled for it.
class NodeSetup {
public:
    /// Compiles the scenario's models for `arch` (configuration tables for
    /// k = 1..subarrays, no instruction streams). Throws on a bad model or policy name.
    NodeSetup(const ArchConfig& arch, std::string policy, const Scenario& scenario, PolicyOptions options = {});

    const ArchConfig& arch() const { return arch_; }
    const std::string& policy() const { return policy_; }
    const PolicyOptions& options() const { return options_; }
    const std::map<std::string, TaskProfile>& profiles() const { return profiles_; }

private:
    ArchConfig arch_;
    std::string policy_;
    PolicyOptions options_;
    std::vector<Bundle> bundles_;
    std::map<std::string, TaskProfile> profiles_;
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

/// Writes the Perfetto / Chrome trace of a run: a track per node and subarray,
/// a slice per task holding it.
void write_timeline(const std::string& path, const WorkloadRun& run, const ArchConfig& arch);

}  // namespace planaria
