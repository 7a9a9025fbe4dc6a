#pragma once
// Metrics of multi-tenant runs (paper Section VI-A). Pure C++: the host
// engine records one TaskRecord per finished request and hands them here.
//
// Per workload (evaluate):
//   - QoS met: latency = finish - arrival <= bound (seconds).
//   - SLA (MLPerf server): at least 99 % of the vision tasks and at least 97 %
//     of the translation tasks meet their bound; compared in whole numbers
//     (100 * met >= 99 * tasks), so no rounding decides a borderline case.
//     A class without tasks counts as met (fraction 1.0).
//   - Fairness (the paper, after PREMA): PP_i = (isolated_i / latency_i) /
//     (priority_i / sum_k priority_k); fairness = min_i PP_i / max_j PP_j, in
//     (0, 1], 1 with fewer than two tasks. The sum over k is common to every
//     PP_i and cancels in the ratio; it is kept for fidelity to the definition.
//   - Energy: the sum of the tasks' energy. Makespan: first arrival to last
//     finish. Utilization: busy subarray-seconds / (subarrays x makespan).
//     Tasks per second: tasks / makespan. p99 latency: nearest rank, the
//     ceil(0.99 n)-th smallest latency.
//
// Across runs:
//   - SLA satisfaction rate: the share of runs (seeds) whose SLA is met.
//   - Throughput (find_throughput): the largest arrival rate at which the SLA
//     is met. A rate PASSES when the SLA satisfaction rate over seeds
//     0..seeds-1 (the caller maps a seed index to its RNG seed, e.g.
//     scenario.seed + index) is >= `required` (default 1.0: every seed meets
//     the SLA; pass 0.99 for the Fig. 13/16 criterion with >= 100 seeds). The
//     seeds of one rate are run in order and stop as soon as the outcome is
//     decided (enough passes, or too many failures), so with required = 1.0
//     a failing rate costs as little as one run.
//     Method: (1) if start_rate passes, double it until a rate fails or
//     max_rate is reached (if max_rate itself passes, the result is max_rate);
//     if start_rate fails, halve it until a rate passes, at most 10 times
//     (down to start_rate / 1024), and report rate 0 (the SLA is never met)
//     if none does. (2) Bisect `steps` times between the last passing rate
//     `lo` and the first failing rate `hi` (mid = (lo + hi) / 2). The result
//     is the final `lo`; the final `hi` is reported too, so the answer lies
//     in [rate, failing) with failing - rate = (hi0 - lo0) / 2^steps, where
//     hi0 - lo0 = lo0 for a doubling or halving bracket (or max_rate - lo0).
//     This assumes the SLA outcome is monotone in the rate, which holds for a
//     fixed seed up to scheduling noise; with a non-monotone outcome the
//     search still returns a passing rate with a failing rate above it.
//   - Scale-out (Fig. 16): dispatch() spreads one request stream over n nodes
//     ROUND-ROBIN in arrival order (request i goes to node i mod n); it needs no
//     state of the nodes and no service-time estimate, is deterministic, and
//     balances the count of requests (each node sees an Erlang-n arrival
//     process at rate / n). Requests keep their global ids; the caller merges
//     the nodes' TaskRecords into one list and evaluates it with
//     busy = the sum over the nodes and subarrays = n x (subarrays per chip).
//     nodes_needed() tries n = 1, 2, ... in order and returns the first n
//     whose SLA satisfaction rate over seeds 0..seeds-1 is >= 0.99.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testbench/workload.h"

namespace planaria {


struct WorkloadMetrics {
    std::size_t tasks = 0;
    double vision_met = 1, translation_met = 1;  ///< fractions within bound (1.0 when there are none of a class)
    bool sla_met = true;                         ///< vision_met >= 0.99 && translation_met >= 0.97 (MLPerf)
    double fairness = 1;                         ///< min_i PP_i / max_j PP_j in (0, 1]; 1 with fewer than two tasks
    double energy_j = 0;
    EnergyBreakdown energy;                      ///< energy_j by component (joules)
    double makespan = 0;                         ///< seconds, first arrival to last finish
    double utilization = 0;                      ///< busy subarray-seconds / (subarrays x makespan)
    double tasks_per_second = 0;                 ///< tasks / makespan
    double mean_latency = 0, p99_latency = 0;    ///< seconds; p99 by nearest rank
    // Beyond the summary: the counts behind the fractions.
    std::size_t vision_tasks = 0, translation_tasks = 0;
    std::size_t vision_tasks_met = 0, translation_tasks_met = 0;
    unsigned long long preemptions = 0;          ///< sum over the tasks
};

/// The metrics of one run. Throws std::invalid_argument for subarrays == 0, a
/// negative busy time, or a record that is inconsistent (start < arrival,
/// finish < start, latency <= 0, priority 0, isolated < 0, a non-finite time).
/// An empty list gives tasks = 0, SLA met, fairness 1 and zeros elsewhere.
WorkloadMetrics evaluate(const std::vector<TaskRecord>& tasks, double busy_subarray_seconds, unsigned subarrays);

/// Share of runs (seeds) whose sla_met is true; 0 for no runs.
double sla_satisfaction_rate(const std::vector<WorkloadMetrics>& runs);

struct ThroughputResult {
    double rate = 0;           ///< the largest passing rate found; 0 if none passed
    unsigned evaluations = 0;  ///< calls of run()
    double failing = 0;        ///< the lowest failing rate found above `rate` (0 if none failed)
};

/// See the file comment for the method. Throws std::invalid_argument for
/// start_rate <= 0, seeds == 0, required outside (0, 1] or max_rate < start_rate.
ThroughputResult find_throughput(const std::function<WorkloadMetrics(double rate, std::uint64_t seed)>& run,
                                 double start_rate, unsigned seeds, unsigned steps, double required = 1.0,
                                 double max_rate = kMaxRate);

/// A throughput found by a cheaper model, confirmed and refined by a
/// costlier one (issue 18: the configuration-table level's search, then the
/// tile level's runs): `passes(rate)` says whether every seed meets the SLA
/// at `rate` in the costlier model. From the bracket [found.rate,
/// found.failing): when found.rate passes, the bracket's top is tried
/// (doubled while it passes, at most 4 times: the costlier model may be
/// faster); when it fails, found.rate is halved until a rate passes (at most
/// 4 times, else the result is 0 with that bracket). Then `steps`
/// bisections. evaluations counts the calls of passes(). A found rate of 0
/// gives 0 without a call (nothing to confirm). No rate above `max_rate` is
/// tried (the search's own ceiling): passing there ends the climb. Throws
/// std::invalid_argument for no function, a negative or non-finite rate, or a
/// found rate above max_rate.
ThroughputResult confirm_throughput(const std::function<bool(double rate)>& passes, const ThroughputResult& found,
                                    unsigned steps, double max_rate = kMaxRate);

/// The same in rounds of up to `probes` rates tried at once (each rate's runs
/// are processes of their own, so a round costs the time of one rate on
/// enough cores): `passes(rates)` answers for every rate of a round. The
/// first round tries found.rate and, in case it fails, its first probes - 1
/// halvings; a climb or a descent tries its next `probes` rates at once
/// (still at most 4 in all); each of the `steps` rounds of refinement cuts
/// the bracket into probes + 1 equal parts. The bracket is the highest
/// passing rate below the lowest failing one. With probes = 1 it is the
/// sequential search above, rate for rate. evaluations counts the rates
/// tried, speculative ones included. Also throws std::invalid_argument for
/// probes = 0, and std::logic_error when passes() does not answer every rate.
ThroughputResult confirm_throughput_in_rounds(
    const std::function<std::vector<bool>(const std::vector<double>& rates)>& passes, const ThroughputResult& found,
    unsigned steps, unsigned probes, double max_rate = kMaxRate);

/// The smallest n in [1, max_nodes] with SLA satisfaction rate >= 0.99 over
/// seeds 0..seeds-1, or 0 if none. Throws std::invalid_argument for seeds == 0.
unsigned nodes_needed(const std::function<WorkloadMetrics(unsigned nodes, std::uint64_t seed)>& run, unsigned seeds,
                      unsigned max_nodes);

/// Round-robin in arrival order (see the file comment): result[j] holds the
/// requests i with i mod nodes == j, in their input order. Throws
/// std::invalid_argument for nodes == 0.
std::vector<std::vector<Request>> dispatch(const std::vector<Request>& requests, unsigned nodes);

/// Per-task CSV, rows sorted by id, header
/// id,model,priority,arrival_s,start_s,finish_s,latency_ms,isolated_ms,bound_ms,met,energy_mj,preemptions;
/// seconds with 12 decimals (ps), ms and mJ with 9 decimals, met as 1/0.
std::string tasks_csv(const std::vector<TaskRecord>& tasks);
/// Writes tasks_csv(); throws std::runtime_error naming the path on failure.
void write_tasks_csv(const std::string& path, const std::vector<TaskRecord>& tasks);

/// Every field of WorkloadMetrics in declaration order (times in seconds, energy in joules).
nlohmann::ordered_json to_json(const WorkloadMetrics& m);
/// Every component of `e` by name, times `scale` (a unit change).
nlohmann::ordered_json to_json(const EnergyBreakdown& e, double scale = 1);

}  // namespace planaria
