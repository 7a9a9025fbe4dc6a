#include "testbench/metrics.h"

#include "hw/config/output_file.h"
#include "testbench/csv_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>

namespace planaria {

namespace {

void check_record(const TaskRecord& t) {
    const auto bad = [&](const std::string& why) {
        throw std::invalid_argument("task " + std::to_string(t.id) + " (" + t.model + "): " + why);
    };
    for (double v : {t.arrival, t.start, t.finish, t.isolated, t.bound, t.energy_j()})
        if (!std::isfinite(v)) bad("a time, bound or energy is not finite");
    if (t.start < t.arrival) bad("starts before it arrives");
    if (t.finish < t.start) bad("finishes before it starts");
    if (!(t.latency() > 0)) bad("latency must be > 0");
    if (t.priority == 0) bad("priority must be >= 1");
    if (!(t.isolated > 0)) bad("isolated latency must be > 0 (fairness needs it)");
    for (const auto& [name, field] : EnergyBreakdown::components())
        if (t.energy.*field < 0) bad(std::string("energy (") + name + ") must not be negative");
}

/// Smallest c in [0, seeds] with c / seeds >= share (the rule of sla_satisfaction_rate).
unsigned passes_needed(unsigned seeds, double share) {
    for (unsigned c = 0; c <= seeds; ++c)
        if (static_cast<double>(c) / static_cast<double>(seeds) >= share) return c;
    return seeds + 1;  // unreachable for share <= 1
}

/// Runs seeds 0..seeds-1 in order until the outcome is decided; true when the
/// SLA satisfaction rate reaches `needed` passes out of `seeds`.
template <class Run, class Arg>
bool passes(const Run& run, Arg arg, unsigned seeds, unsigned needed, unsigned& evaluations) {
    unsigned passed = 0;
    for (unsigned s = 0; s < seeds; ++s) {
        ++evaluations;
        if (run(arg, static_cast<std::uint64_t>(s)).sla_met) ++passed;
        if (passed >= needed) return true;
        if (passed + (seeds - s - 1) < needed) return false;
    }
    return passed >= needed;
}

std::string num(double v, int decimals) {
    char buf[128];
    const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (n >= 0 && n < static_cast<int>(sizeof buf)) return std::string(buf, static_cast<std::size_t>(n));
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::snprintf(&big[0], big.size(), "%.*f", decimals, v);
    big.resize(static_cast<std::size_t>(n));
    return big;
}

}  // namespace

WorkloadMetrics evaluate(const std::vector<TaskRecord>& tasks, double busy_subarray_seconds, unsigned subarrays) {
    if (subarrays == 0) throw std::invalid_argument("evaluate: subarrays must be >= 1");
    if (!(busy_subarray_seconds >= 0) || !std::isfinite(busy_subarray_seconds))
        throw std::invalid_argument("evaluate: busy subarray-seconds must be >= 0 and finite");
    for (const auto& t : tasks) check_record(t);

    WorkloadMetrics m;
    m.tasks = tasks.size();
    if (tasks.empty()) return m;

    double first_arrival = std::numeric_limits<double>::infinity();
    double last_finish = -std::numeric_limits<double>::infinity();
    double priority_sum = 0, latency_sum = 0;
    std::vector<double> latencies;
    latencies.reserve(tasks.size());
    for (const auto& t : tasks) {
        std::size_t& count = t.translation ? m.translation_tasks : m.vision_tasks;
        std::size_t& met = t.translation ? m.translation_tasks_met : m.vision_tasks_met;
        ++count;
        if (t.met()) ++met;
        m.energy_j += t.energy_j();
        m.energy += t.energy;
        m.preemptions += t.preemptions;
        first_arrival = std::min(first_arrival, t.arrival);
        last_finish = std::max(last_finish, t.finish);
        priority_sum += t.priority;
        latency_sum += t.latency();
        latencies.push_back(t.latency());
    }
    if (m.vision_tasks) m.vision_met = double(m.vision_tasks_met) / double(m.vision_tasks);
    if (m.translation_tasks) m.translation_met = double(m.translation_tasks_met) / double(m.translation_tasks);
    // 99 % and 97 % in whole numbers: no rounding of the fractions decides.
    m.sla_met = 100 * m.vision_tasks_met >= 99 * m.vision_tasks &&
                100 * m.translation_tasks_met >= 97 * m.translation_tasks;

    if (tasks.size() >= 2) {
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const auto& t : tasks) {
            const double pp = (t.isolated / t.latency()) / (double(t.priority) / priority_sum);
            lo = std::min(lo, pp);
            hi = std::max(hi, pp);
        }
        m.fairness = lo / hi;
    }

    m.makespan = last_finish - first_arrival;
    if (m.makespan > 0) {
        m.utilization = busy_subarray_seconds / (double(subarrays) * m.makespan);
        m.tasks_per_second = double(m.tasks) / m.makespan;
    }
    m.mean_latency = latency_sum / double(m.tasks);
    std::sort(latencies.begin(), latencies.end());
    const std::size_t rank = (99 * latencies.size() + 99) / 100;  // ceil(0.99 n), n >= 1
    m.p99_latency = latencies[rank - 1];
    return m;
}

double sla_satisfaction_rate(const std::vector<WorkloadMetrics>& runs) {
    if (runs.empty()) return 0.0;
    const auto met = std::count_if(runs.begin(), runs.end(), [](const WorkloadMetrics& m) { return m.sla_met; });
    return static_cast<double>(met) / static_cast<double>(runs.size());
}

namespace {
/// `steps` bisections of [lo, hi), lo passing and hi failing: r holds the final bracket.
template <class Ok>
void bisect(Ok&& ok, double lo, double hi, unsigned steps, ThroughputResult& r) {
    for (unsigned i = 0; i < steps; ++i) {
        const double mid = (lo + hi) / 2;
        if (ok(mid)) lo = mid;
        else hi = mid;
    }
    r.rate = lo;
    r.failing = hi;
}
}  // namespace

ThroughputResult find_throughput(const std::function<WorkloadMetrics(double rate, std::uint64_t seed)>& run,
                                 double start_rate, unsigned seeds, unsigned steps, double required,
                                 double max_rate) {
    if (!run) throw std::invalid_argument("find_throughput: no run function");
    if (!(start_rate > 0) || !std::isfinite(start_rate))
        throw std::invalid_argument("find_throughput: start rate must be > 0 and finite");
    if (seeds == 0) throw std::invalid_argument("find_throughput: seeds must be >= 1");
    if (!(required > 0 && required <= 1)) throw std::invalid_argument("find_throughput: required must be in (0, 1]");
    if (!(max_rate >= start_rate) || !std::isfinite(max_rate))
        throw std::invalid_argument("find_throughput: max rate must be finite and >= the start rate");

    const unsigned needed = passes_needed(seeds, required);
    ThroughputResult r;
    const auto ok = [&](double rate) { return passes(run, rate, seeds, needed, r.evaluations); };

    double lo = 0, hi = 0;
    if (ok(start_rate)) {
        lo = start_rate;
        for (;;) {
            if (lo >= max_rate) {  // max_rate passes: nothing above it is searched
                r.rate = lo;
                r.failing = 0;
                return r;
            }
            const double next = std::min(2 * lo, max_rate);
            if (ok(next)) {
                lo = next;
            } else {
                hi = next;
                break;
            }
        }
    } else {
        hi = start_rate;
        constexpr int kMaxHalvings = 10;  // down to start_rate / 1024
        for (int i = 0; i < kMaxHalvings && lo == 0; ++i) {
            const double next = hi / 2;
            if (ok(next)) lo = next;
            else hi = next;
        }
        if (lo == 0) {  // the SLA is not met even at start_rate / 1024
            r.rate = 0;
            r.failing = hi;
            return r;
        }
    }
    bisect(ok, lo, hi, steps, r);
    return r;
}

ThroughputResult confirm_throughput(const std::function<bool(double rate)>& passes, const ThroughputResult& found,
                                    unsigned steps, double max_rate) {
    if (!passes) throw std::invalid_argument("confirm_throughput: no function");
    const auto one_by_one = [&](const std::vector<double>& rates) {
        std::vector<bool> ok;
        for (double rate : rates) ok.push_back(passes(rate));
        return ok;
    };
    return confirm_throughput_in_rounds(one_by_one, found, steps, 1, max_rate);
}

ThroughputResult confirm_throughput_in_rounds(
    const std::function<std::vector<bool>(const std::vector<double>& rates)>& passes, const ThroughputResult& found,
    unsigned steps, unsigned probes, double max_rate) {
    if (!passes) throw std::invalid_argument("confirm_throughput: no function");
    if (probes == 0) throw std::invalid_argument("confirm_throughput: at least one rate per round");
    if (!(found.rate >= 0) || !std::isfinite(found.rate) || !(found.failing >= 0) || !std::isfinite(found.failing))
        throw std::invalid_argument("confirm_throughput: the found rates must be >= 0 and finite");
    if (found.rate > max_rate) throw std::invalid_argument("confirm_throughput: the found rate is above max_rate");
    ThroughputResult r;
    if (found.rate == 0) {
        r.failing = found.failing;
        return r;
    }
    std::map<double, bool> seen;
    const auto round = [&](const std::vector<double>& rates) {
        std::vector<double> fresh;
        for (double rate : rates)
            if (!seen.count(rate) && std::find(fresh.begin(), fresh.end(), rate) == fresh.end()) fresh.push_back(rate);
        if (fresh.empty()) return;
        const std::vector<bool> ok = passes(fresh);
        if (ok.size() != fresh.size()) throw std::logic_error("confirm_throughput: passes() must answer every rate");
        r.evaluations += unsigned(fresh.size());
        for (std::size_t i = 0; i < fresh.size(); ++i) seen[fresh[i]] = ok[i];
    };
    constexpr unsigned kMaxMoves = 4;
    // The moves are the sequential search's; a move to a rate not tried yet
    // also tries, in the same round, the rates the next moves would take if
    // this one went on the same way.
    const auto ahead = [&](double rate, unsigned moves, double factor) {
        if (seen.count(rate)) return;
        std::vector<double> batch;
        for (double t = rate; batch.size() < probes && moves + batch.size() < kMaxMoves; t *= factor) {
            batch.push_back(std::min(t, max_rate));
            if (t >= max_rate) break;
        }
        round(batch);
    };
    // The first round: found.rate and, in case it fails, its halvings.
    std::vector<double> first{found.rate};
    for (unsigned i = 1; i < probes && i <= kMaxMoves; ++i) first.push_back(first.back() / 2);
    round(first);
    double lo = 0, hi = 0;
    if (seen.at(found.rate)) {
        lo = found.rate;
        double top = found.failing > found.rate ? found.failing : 2 * found.rate;
        for (unsigned moves = 0; moves < kMaxMoves && hi == 0 && lo < max_rate; ++moves) {
            top = std::min(top, max_rate);
            ahead(top, moves, 2);
            if (seen.at(top)) lo = top, top *= 2;
            else hi = top;
        }
        if (hi == 0) {  // still passing after the doublings, or at the ceiling: the last one is the answer
            r.rate = lo;
            return r;
        }
    } else {
        hi = found.rate;
        for (unsigned moves = 0; moves < kMaxMoves && lo == 0; ++moves) {
            const double next = hi / 2;
            ahead(next, moves, 0.5);
            if (seen.at(next)) lo = next;
            else hi = next;
        }
        if (lo == 0) {
            r.failing = hi;
            return r;
        }
    }
    for (unsigned s = 0; s < steps; ++s) {
        std::vector<double> cuts;
        // One cut is the midpoint, computed as the sequential bisection always has.
        for (unsigned j = 1; j <= probes; ++j)
            cuts.push_back(probes == 1 ? (lo + hi) / 2 : lo + (hi - lo) * double(j) / double(probes + 1));
        round(cuts);
        for (double rate : cuts) {
            if (!seen.at(rate)) {
                hi = rate;
                break;
            }
            lo = rate;
        }
    }
    r.rate = lo;
    r.failing = hi;
    return r;
}

unsigned nodes_needed(const std::function<WorkloadMetrics(unsigned nodes, std::uint64_t seed)>& run, unsigned seeds,
                      unsigned max_nodes) {
    if (!run) throw std::invalid_argument("nodes_needed: no run function");
    if (seeds == 0) throw std::invalid_argument("nodes_needed: seeds must be >= 1");
    const unsigned needed = passes_needed(seeds, 0.99);
    unsigned evaluations = 0;
    for (unsigned n = 1; n <= max_nodes; ++n)
        if (passes(run, n, seeds, needed, evaluations)) return n;
    return 0;
}

std::vector<std::vector<Request>> dispatch(const std::vector<Request>& requests, unsigned nodes) {
    if (nodes == 0) throw std::invalid_argument("dispatch: nodes must be >= 1");
    std::vector<std::vector<Request>> out(nodes);
    for (auto& v : out) v.reserve(requests.size() / nodes + 1);
    for (std::size_t i = 0; i < requests.size(); ++i) out[i % nodes].push_back(requests[i]);
    return out;
}

std::string tasks_csv(const std::vector<TaskRecord>& tasks) {
    std::vector<const TaskRecord*> order;
    order.reserve(tasks.size());
    for (const auto& t : tasks) order.push_back(&t);
    std::stable_sort(order.begin(), order.end(), [](const TaskRecord* a, const TaskRecord* b) { return a->id < b->id; });
    CsvWriter csv({"id", "model", "priority", "arrival_s", "start_s", "finish_s", "latency_ms", "isolated_ms", "bound_ms",
                   "met", "energy_mj", "preemptions"});
    for (const TaskRecord* t : order)
        csv.row({std::to_string(t->id), t->model, std::to_string(t->priority), num(t->arrival, 12), num(t->start, 12),
                 num(t->finish, 12), num(t->latency() * 1e3, 9), num(t->isolated * 1e3, 9), num(t->bound * 1e3, 9),
                 t->met() ? "1" : "0", num(t->energy_j() * 1e3, 9), std::to_string(t->preemptions)});
    return csv.text();
}

void write_tasks_csv(const std::string& path, const std::vector<TaskRecord>& tasks) {
    write_file_atomically(path, tasks_csv(tasks));
}

nlohmann::ordered_json to_json(const WorkloadMetrics& m) {
    nlohmann::ordered_json j;
    j["tasks"] = m.tasks;
    j["vision_met"] = m.vision_met;
    j["translation_met"] = m.translation_met;
    j["sla_met"] = m.sla_met;
    j["fairness"] = m.fairness;
    j["energy_j"] = m.energy_j;
    j["energy_by_component_j"] = to_json(m.energy);
    j["makespan_s"] = m.makespan;
    j["utilization"] = m.utilization;
    j["tasks_per_second"] = m.tasks_per_second;
    j["mean_latency_s"] = m.mean_latency;
    j["p99_latency_s"] = m.p99_latency;
    j["vision_tasks"] = m.vision_tasks;
    j["translation_tasks"] = m.translation_tasks;
    j["vision_tasks_met"] = m.vision_tasks_met;
    j["translation_tasks_met"] = m.translation_tasks_met;
    j["preemptions"] = m.preemptions;
    return j;
}

nlohmann::ordered_json to_json(const EnergyBreakdown& e, double scale) {
    nlohmann::ordered_json j;
    for (const auto& [name, field] : EnergyBreakdown::components()) j[name] = e.*field * scale;
    return j;
}

}  // namespace planaria
