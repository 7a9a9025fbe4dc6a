#include "testbench/policy_comparison.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "planaria/version.h"
#include "testbench/bundle_cache.h"

namespace planaria {

bool runs_on_baseline(const std::string& policy) { return policy == "prema" || policy == "fcfs"; }

const ArchConfig& chip_for_policy(const std::string& policy, const ArchConfig& fissionable, const ArchConfig& baseline) {
    return runs_on_baseline(policy) ? baseline : fissionable;
}

Spread Spread::of(const std::vector<double>& values) {
    Spread s;
    if (values.empty()) return s;
    for (double v : values) s.mean += v / double(values.size());
    if (values.size() < 2) return s;
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(squares / double(values.size() - 1));
    return s;
}

namespace {

/// Useful MACs (each finished task's model) over the PE-cycles of the
/// chips for the run's makespan.
double mac_utilization(const WorkloadRun& run, const NodeSetup& setup, unsigned nodes) {
    const auto bundles = setup.bundles();
    double macs = 0;
    for (const TaskRecord& t : run.tasks) macs += double(bundles.at(t.model)->model_macs);
    const double capacity = setup.arch().peak_macs_per_second() * nodes * run.metrics.makespan;
    return capacity > 0 ? macs / capacity : 0;
}

}  // namespace

std::size_t Comparison::chip_index(const PolicyResult& policy) const {
    if (feasibility)
        for (std::size_t c = 0; c < feasibility->chips.size(); ++c)
            if (feasibility->chips[c] == policy.arch.name) return c;
    return 0;
}

bool Comparison::searched() const {
    if (!request.search) return false;
    return !request.tile || std::any_of(policies.begin(), policies.end(), [](const PolicyResult& c) { return c.tile_check; });
}

Comparison compare_policies(const ComparisonRequest& rq, const std::function<void(unsigned, unsigned)>& progress) {
    Comparison out;
    out.request = rq;
    const bool search = rq.search && !rq.tile;  // at tile level the caller confirms a table-level search
    const unsigned seeds = rq.seeds;
    std::vector<std::unique_ptr<NodeSetup>> setups;
    std::vector<ArchConfig> chips;  // distinct, in order of first use
    const std::optional<BundleCache> cache =
        rq.bundle_cache.empty() ? std::nullopt : std::optional<BundleCache>(BundleCache(rq.bundle_cache));
    for (const std::string& policy : rq.policies) {
        const ArchConfig& arch = chip_for_policy(policy, rq.fissionable, rq.baseline);
        const PolicyOptions options = PolicyOptions::for_chip(arch);
        setups.push_back(std::make_unique<NodeSetup>(arch, policy, rq.scenario, options, rq.tile, rq.inputs,
                                                     DepthwiseMapping::Column, cache ? &*cache : nullptr));
        if (std::none_of(chips.begin(), chips.end(), [&](const ArchConfig& c) { return c.name == arch.name; }))
            chips.push_back(arch);
    }
    // Elaborated before any simulation starts: at tile level the replays run
    // in the experiment's simulation, at table level alone after the runs.
    std::unique_ptr<FeasibilityStudy> study;
    if (rq.feasibility) study = std::make_unique<FeasibilityStudy>(rq.scenario, chips, rq.inputs);
    // The runs at the given rate, [policy][seed].
    std::vector<std::vector<WorkloadRun>> at_rate(rq.policies.size());
    out.policies.resize(rq.policies.size());
    unsigned done = 0;
    if (rq.tile) {
        TileLevelExperiment experiment(rq.fidelity);
        for (const auto& setup : setups)
            for (unsigned s = 0; s < seeds; ++s)
                experiment.add(*setup, generate_requests(rq.scenario, rq.qos, rq.rate, rq.requests, rq.seed + s), rq.nodes);
        const unsigned total = unsigned(experiment.size()) * rq.requests;
        experiment.on_progress([&](std::size_t) {
            if (progress) progress(++done, total);
        });
        experiment.run();
        if (study) out.feasibility = study->result();
        out.cycle_check = experiment.cycle_check();
        for (std::size_t p = 0; p < rq.policies.size(); ++p)
            for (unsigned s = 0; s < seeds; ++s) at_rate[p].push_back(experiment.result(p * seeds + s));
    } else {
        // A search that stops early leaves its budget unused: the total is an upper bound.
        const unsigned total = unsigned(rq.policies.size()) * (seeds + (search ? 20 * seeds : 0));
        const auto step = [&] {
            if (progress) progress(++done, total);
        };
        for (std::size_t p = 0; p < rq.policies.size(); ++p)
            at_rate[p] = run_seeds(*setups[p], rq.scenario, rq.qos, rq.rate, rq.requests, rq.seed, seeds, rq.nodes, step);
        for (std::size_t p = 0; p < rq.policies.size() && search; ++p) {
            out.policies[p].search = search_throughput(*setups[p], rq.scenario, rq.qos, rq.rate, rq.requests, rq.seed,
                                                       seeds, 6, rq.nodes, step);
            out.policies[p].throughput = out.policies[p].search.rate;
            // The search's budget is an upper bound: what it left unused counts as done.
            done = unsigned(rq.policies.size()) * seeds + unsigned(p + 1) * 20 * seeds;
            if (progress) progress(done, total);
        }
        // The replays last: after a SystemC simulation has run, AddressSanitizer
        // misreads exceptions thrown on the main stack (google/sanitizers#189),
        // and the table level's placement throws and catches.
        if (study) out.feasibility = study->run();
    }
    for (std::size_t p = 0; p < rq.policies.size(); ++p) {
        PolicyResult& col = out.policies[p];
        col.policy = rq.policies[p];
        col.arch = setups[p]->arch();
        std::vector<WorkloadMetrics> metrics;
        for (unsigned s = 0; s < seeds; ++s) {
            const WorkloadRun& run = at_rate[p][s];
            col.seeds.push_back({rq.seed + s, run.metrics, mac_utilization(run, *setups[p], rq.nodes)});
            metrics.push_back(run.metrics);
            col.energy_by_component += run.metrics.energy.scaled(1.0 / seeds);
        }
        const auto over_seeds = [&](double WorkloadMetrics::*field) {
            std::vector<double> values;
            for (const WorkloadMetrics& m : metrics) values.push_back(m.*field);
            return Spread::of(values);
        };
        col.fairness = over_seeds(&WorkloadMetrics::fairness), col.energy = over_seeds(&WorkloadMetrics::energy_j);
        col.utilization = over_seeds(&WorkloadMetrics::utilization);
        col.tasks_per_s = over_seeds(&WorkloadMetrics::tasks_per_second);
        col.p99_latency = over_seeds(&WorkloadMetrics::p99_latency), col.within_qos = over_seeds(&WorkloadMetrics::vision_met);
        std::vector<double> macs;
        for (const SeedRow& r : col.seeds) macs.push_back(r.mac_utilization);
        col.mac_utilization = Spread::of(macs);
        col.run = std::move(at_rate[p].front());
        col.first = metrics.front();
        col.sla_rate = sla_satisfaction_rate(metrics);
    }
    return out;
}

std::string Comparison::table() const {
    const ComparisonRequest& rq = request;
    std::ostringstream os;
    os << rq.scenario.name << ", QoS-" << to_string(rq.qos) << ": " << rq.requests << " requests at " << rq.rate
       << " per second, " << rq.seeds << " seeds from " << rq.seed
       << (rq.nodes > 1 ? ", " + std::to_string(rq.nodes) + " nodes" : "") << ", "
       << (!rq.tile ? "configuration-table level"
                    : rq.fidelity == Fidelity::Cycle ? "cycle level (host module on the TLM chip, every tile on its datapath)"
                                                     : "tile level (host module on the chip-level TLM model)")
       << "\n";
    if (rq.tile && rq.fidelity == Fidelity::Cycle)
        os << "cycle fidelity: " << cycle_check.tiles << " tiles ran on the datapath, " << cycle_check.differing
           << " took other cycles than the closed form\n";
    os << "values at " << rq.rate << " req/s are the mean over the seeds (+- their standard deviation)\n";
    if (rq.tile && searched())
        os << "throughput: the table-level search on the same requests and seeds, confirmed and bisected by "
              "tile-level runs\n";
    os << "\n";
    const auto row = [&](const std::string& name, const std::function<std::string(const PolicyResult&)>& cell) {
        os << std::left << std::setw(34) << name << std::right;
        for (const auto& c : policies) os << std::setw(20) << cell(c);
        os << "\n";
    };
    const auto fixed = [](double v, int digits) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(digits) << v;
        return s.str();
    };
    const auto spread = [&](const Spread& v, double scale, int digits, const std::string& unit = "") {
        return fixed(v.mean * scale, digits) + (rq.seeds > 1 ? " +- " + fixed(v.std * scale, digits) : "") + unit;
    };
    row("", [](const PolicyResult& c) { return c.policy; });
    row("chip", [](const PolicyResult& c) { return c.arch.name; });
    if (searched()) row("throughput at the SLA (req/s)", [&](const PolicyResult& c) { return fixed(c.throughput, 1); });
    const bool confirmed = std::any_of(policies.begin(), policies.end(), [](const PolicyResult& c) { return c.tile_check; });
    if (confirmed) {
        // The confirmation's size is the same for every policy.
        const TileConfirmation& size = *std::find_if(policies.begin(), policies.end(), [](const PolicyResult& c) {
                                            return c.tile_check.has_value();
                                        })->tile_check;
        const auto table_value = [&](const PolicyResult& c) {
            return c.tile_check ? fixed(c.tile_check->table_throughput, 1) : std::string("-");
        };
        if (rq.tile) {
            // The confirmation is of the run's own size, and its throughput is the one above.
            row("  at configuration-table level", table_value);
        } else {
            const bool own_size = size.requests != rq.requests || size.seeds != rq.seeds;
            if (own_size)
                row("  table level, " + std::to_string(size.requests) + " req x " + std::to_string(size.seeds) +
                        " seeds",
                    table_value);
            row(own_size ? "  tile level, same size" : "  confirmed at tile level", [&](const PolicyResult& c) {
                return c.tile_check ? fixed(c.tile_check->tile.rate, 1) : std::string("-");
            });
        }
        row("  tile / table", [&](const PolicyResult& c) {
            if (!c.tile_check || c.tile_check->table_throughput == 0) return std::string("-");
            return fixed(c.tile_check->tile.rate / c.tile_check->table_throughput, 2);
        });
    }
    // The figures at the rate, each formatted once: for a policy's own runs,
    // and for the same runs at table level beside tile-level ones.
    using FigureCell = std::function<std::string(const RateFigures&)>;
    const FigureCell sla = [&](const RateFigures& v) { return fixed(v.sla_rate * 100, 0) + " %"; };
    const FigureCell within_qos = [&](const RateFigures& v) { return spread(v.within_qos, 100, 1, " %"); };
    const FigureCell fairness = [&](const RateFigures& v) { return spread(v.fairness, 1, 3); };
    const FigureCell energy = [&](const RateFigures& v) { return spread(v.energy, 1, 3); };
    const FigureCell mac_utilization = [&](const RateFigures& v) { return spread(v.mac_utilization, 100, 1, " %"); };
    const FigureCell occupancy = [&](const RateFigures& v) { return spread(v.utilization, 100, 1, " %"); };
    const FigureCell p99 = [&](const RateFigures& v) { return spread(v.p99_latency, 1e3, 2); };
    const auto own = [](const FigureCell& cell) { return [&cell](const PolicyResult& c) { return cell(c.figures()); }; };
    row("SLA satisfaction (share of seeds)", own(sla));
    row("vision tasks within QoS", own(within_qos));
    row("fairness", own(fairness));
    row("energy (J)", own(energy));
    for (const auto& [name, field] : EnergyBreakdown::components())
        row(std::string("  ") + name, [&, field = field](const PolicyResult& c) {
            return fixed(c.energy_by_component.*field, 3);
        });
    row("utilization (MACs / PE-cycles)", own(mac_utilization));
    row("occupancy (busy subarrays)", own(occupancy));
    row("tasks per second", [&](const PolicyResult& c) { return spread(c.tasks_per_s, 1, 1); });
    row("p99 latency (ms)", own(p99));
    row("preemptions (first seed)", [&](const PolicyResult& c) { return std::to_string(c.first.preemptions); });
    if (std::any_of(policies.begin(), policies.end(), [](const PolicyResult& c) { return c.table_level; })) {
        // The estimator's view of the same requests, to see where the two views part.
        os << "the same runs at configuration-table level:\n";
        for (const auto& [name, cell] : {std::pair<const char*, const FigureCell&>{"SLA satisfaction", sla},
                                         {"vision tasks within QoS", within_qos}, {"fairness", fairness},
                                         {"energy (J)", energy}, {"utilization (MACs / PE-cycles)", mac_utilization},
                                         {"occupancy (busy subarrays)", occupancy}, {"p99 latency (ms)", p99}})
            row(std::string("  ") + name, [&, &cell = cell](const PolicyResult& c) {
                return c.table_level ? cell(*c.table_level) : std::string("-");
            });
    }
    if (policies.size() == 2 && searched()) {
        const PolicyResult &a = policies[0], &b = policies[1];
        os << "\nthroughput gain " << a.policy << " / " << b.policy << ": ";
        if (b.throughput > 0) os << fixed(a.throughput / b.throughput, 2) << "x\n";
        else if (a.throughput > 0) os << "unbounded (" << b.policy << " meets the SLA at no rate)\n";
        else os << "undefined (neither meets the SLA at any rate)\n";
    }
    // A zero is explained by the DNNs that cannot meet their bound even alone.
    const auto has_zero = [&](const PolicyResult& c) { return (searched() && c.throughput == 0) || c.sla_rate == 0; };
    if (std::any_of(policies.begin(), policies.end(), has_zero) && feasibility) {
        os << "\n" << feasibility->table(rq.qos);
        for (const PolicyResult& c : policies) {
            if (!has_zero(c)) continue;
            const std::string why = feasibility->explain(chip_index(c), rq.qos);
            std::string cause = why;
            if (cause.empty() && searched() && c.throughput > 0 && rq.rate > c.throughput)
                cause = "every DNN meets its bound alone; the rate, " + fixed(rq.rate, 1) +
                        " req/s, is above its throughput at the SLA, " + fixed(c.throughput, 1) + " req/s";
            else if (cause.empty())
                cause = "every DNN meets its bound alone, so the load (" + fixed(rq.rate, 1) +
                        " req/s) or the co-location is what misses it";
            os << "\n" << c.policy << ": " << (searched() && c.throughput == 0 ? "throughput 0" : "SLA satisfaction 0 %")
               << ": " << cause << "\n";
        }
    }
    return os.str();
}

namespace {

nlohmann::ordered_json spread_json(const Spread& s) { return {{"mean", s.mean}, {"std", s.std}}; }

/// The figures at the given rate over the seeds, as both views give them.
nlohmann::ordered_json over_seeds_json(const RateFigures& v) {
    nlohmann::ordered_json j;
    j["within_qos"] = spread_json(v.within_qos);
    j["fairness"] = spread_json(v.fairness);
    j["energy_j"] = spread_json(v.energy);
    j["utilization"] = spread_json(v.mac_utilization);
    j["occupancy"] = spread_json(v.utilization);
    j["p99_latency_s"] = spread_json(v.p99_latency);
    return j;
}

nlohmann::ordered_json arch_json(const ArchConfig& a) {
    // The fully expanded architecture: every field, as the YAML writer gives it.
    nlohmann::ordered_json j;
    j["name"] = a.name;
    j["yaml"] = to_yaml(a);
    return j;
}

}  // namespace

void Comparison::write(const std::string& dir) const {
    const ComparisonRequest& rq = request;
    std::filesystem::create_directories(dir);
    nlohmann::ordered_json summary;
    summary["command"] = rq.command_line;
    summary["version"] = PLANARIA_VERSION_STRING;
    summary["commit"] = rq.commit;
    summary["scenario"] = rq.scenario.name;
    summary["scenario_file"] = rq.scenario.file;
    summary["qos"] = to_string(rq.qos);
    summary["rate"] = rq.rate;
    summary["requests"] = rq.requests;
    summary["seed"] = rq.seed;
    summary["seeds"] = rq.seeds;
    summary["nodes"] = rq.nodes;
    summary["fidelity"] = !rq.tile ? "table" : rq.fidelity == Fidelity::Cycle ? "cycle" : "tile";
    summary["utilization_definition"] = "useful MACs (each finished task's model) / (the chip's PEs x clock cycles of "
                                        "the makespan); occupancy: busy subarray-seconds / (subarrays x makespan)";
    for (const PolicyResult& c : policies) {
        write_tasks_csv(dir + "/tasks-" + c.policy + ".csv", c.run.tasks);
        write_timeline(dir + "/timeline-" + c.policy + ".json", c.run, c.arch);
        nlohmann::ordered_json j;
        j["architecture"] = arch_json(c.arch);
        j["sla_satisfaction_rate"] = c.sla_rate;
        if (searched()) {
            j["throughput"] = c.throughput;
            j["search"] = {{"passing_rate", c.search.rate},
                           {"failing_rate", c.search.failing},
                           {"runs", c.search.evaluations},
                           {"start_rate", rq.rate}};
        }
        if (searched())
            j["throughput_fidelity"] = rq.tile ? "tile: the table-level search at the same size, confirmed and bisected "
                                                 "by tile-level runs"
                                               : "table";
        if (c.table_level) {
            nlohmann::ordered_json t = over_seeds_json(*c.table_level);
            t["sla_satisfaction_rate"] = c.table_level->sla_rate;
            j["table_level"] = t;
        }
        if (c.tile_check)
            j["tile_confirmation"] = {{"requests", c.tile_check->requests},
                                      {"seeds", c.tile_check->seeds},
                                      {"table_throughput", c.tile_check->table_throughput},
                                      {"passing_rate", c.tile_check->tile.rate},
                                      {"failing_rate", c.tile_check->tile.failing},
                                      {"rates_run", c.tile_check->tile.evaluations},
                                      {"method", "tile-level runs (one process each, every seed) from the table-level "
                                                 "bracket, then bisection"}};
        nlohmann::ordered_json mean = over_seeds_json(c.figures());
        mean["energy_by_component_j"] = to_json(c.energy_by_component);
        mean["tasks_per_second"] = spread_json(c.tasks_per_s);
        j["over_seeds"] = mean;
        for (const SeedRow& r : c.seeds) {
            nlohmann::ordered_json row = to_json(r.metrics);
            row["seed"] = r.seed;
            row["mac_utilization"] = r.mac_utilization;
            j["per_seed"].push_back(row);
        }
        summary["policies"][c.policy] = j;
    }
    if (feasibility) summary["feasibility"] = feasibility->to_json();
    write_file_atomically(dir + "/summary.json", summary.dump(2) + "\n");
}

}  // namespace planaria
