// Multi-tenant runs at configuration-table level: the node's physics on
// hand-built configuration tables, no task lost or run twice, determinism.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "hw/config/arch_yaml.h"
#include "testbench/table_level_node.h"
#include "testbench/workload_runner.h"

using namespace planaria;

namespace {

/// A configuration table of `layers` layers of `cycles` cycles each, on k subarrays
/// the layer takes cycles / k (perfect scaling) and `pj` picojoules.
ConfigurationTable table(unsigned k, unsigned layers, std::uint64_t cycles, double pj = 1000) {
    ConfigurationTable t;
    t.subarrays = k;
    for (unsigned l = 0; l < layers; ++l) {
        LayerEntry e;
        e.layer = "l" + std::to_string(l);
        e.tiles = k;
        e.cycles = cycles / k;
        e.energy.mac = pj;
        t.layers.push_back(e);
    }
    return t;
}

struct Fixture {
    ArchConfig cfg;
    std::vector<std::vector<ConfigurationTable>> tables;
    std::map<std::string, TaskProfile> profiles;
    double period = 0;

    Fixture() {
        period = cfg.clock_period_ns() * 1e-9;
        // "a": 4 layers of 16,000 cycles (on one subarray); "b": 2 layers of 32,000.
        for (const auto& [name, layers, cycles] : {std::tuple<std::string, unsigned, std::uint64_t>{"a", 4, 16000},
                                                   {"b", 2, 32000}}) {
            tables.emplace_back();
            for (unsigned k = 1; k <= cfg.subarray.count; ++k) tables.back().push_back(table(k, layers, cycles));
        }
        const char* names[] = {"a", "b"};
        for (std::size_t m = 0; m < tables.size(); ++m) {
            std::vector<const ConfigurationTable*> ptrs;
            for (const auto& t : tables[m]) ptrs.push_back(&t);
            profiles.emplace(names[m], TaskProfile(names[m], ptrs, period));
        }
    }
    Request request(std::uint64_t id, const std::string& model, double arrival, unsigned priority, double bound = 1) {
        return {id, model, arrival, priority, bound, false};
    }
};

}  // namespace

TEST_CASE("the task monitor predicts remaining time from the configuration tables", "[node]") {
    Fixture f;
    const TaskProfile& a = f.profiles.at("a");
    // 4 layers of 16,000 / k cycles: on 4 subarrays 4,000 cycles each.
    CHECK(a.isolated(4) == Approx(4 * 4000 * f.period));
    CHECK(a.remaining(4, 2, 0.5) == Approx(1.5 * 4000 * f.period));
    CHECK(a.remaining(16, 4, 0) == 0);
}

TEST_CASE("a single task runs at its isolated latency under every policy", "[node]") {
    Fixture f;
    for (const std::string policy : {"planaria", "fcfs", "static", "prema"}) {
        INFO(policy);
        const auto p = make_policy(policy);
        NodeOptions options;
        options.scheduling_s = 0;
        TableLevelNode node(f.cfg, f.profiles, *p, options);
        const std::vector<Request> requests = {f.request(0, "a", 1e-3, 5)};
        const auto records = node.run(requests);
        REQUIRE(records.size() == 1);
        // Planaria and FCFS give the lone task the whole chip; static one partition of 4.
        const unsigned k = policy == "static" ? 4 : 16;
        CHECK(records[0].start == Approx(1e-3));
        CHECK(records[0].latency() == Approx(f.profiles.at("a").isolated(k)));
        CHECK(records[0].energy_j() == Approx(4 * 1000e-12));
        CHECK(records[0].preemptions == 0);
        CHECK(node.busy_subarray_seconds() == Approx(k * f.profiles.at("a").isolated(k)));
    }
}

TEST_CASE("FCFS runs tasks one after another on the whole chip", "[node]") {
    Fixture f;
    const auto p = make_policy("fcfs");
    NodeOptions options;
    options.scheduling_s = 0;
    TableLevelNode node(f.cfg, f.profiles, *p, options);
    const std::vector<Request> requests = {f.request(0, "a", 0, 1), f.request(1, "b", 1e-6, 11)};
    const auto r = node.run(requests);
    // By hand: a takes 4 x 16,000 / 16 = 4,000 cycles; b starts when a ends and takes 2 x 2,000.
    const double a = 4000 * f.period, b = 4000 * f.period;
    CHECK(r[0].finish == Approx(a));
    CHECK(r[1].start == Approx(a));
    CHECK(r[1].finish == Approx(a + b));
}

TEST_CASE("every request finishes exactly once under every policy and preemption", "[node]") {
    ArchConfig cfg;
    const Scenario scenario = load_scenario(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/workload-b.yaml");
    const ArchConfig mono = load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/monolithic.yaml");
    for (const std::string policy : {"planaria", "prema", "fcfs", "static"}) {
        INFO(policy);
        const NodeSetup setup(policy == "prema" || policy == "fcfs" ? mono : cfg, policy, scenario);
        // Overloaded, so that tasks are preempted, re-allocated, drained and killed.
        const auto requests = generate_requests(scenario, QosLevel::Hard, 3000, 300, 7);
        const WorkloadRun run = run_workload(setup, requests, 1);
        REQUIRE(run.tasks.size() == requests.size());
        std::set<std::uint64_t> ids;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const TaskRecord& t = run.tasks[i];
            ids.insert(t.id);
            CHECK(t.id == requests[i].id);
            CHECK(t.start >= t.arrival);
            CHECK(t.finish > t.start);
            CHECK(t.latency() >= t.isolated * (1 - 1e-9));  // nobody runs faster than alone on the whole chip
        }
        CHECK(ids.size() == requests.size());
        if (policy == "planaria" || policy == "prema") CHECK(run.metrics.preemptions > 0);
        // The same inputs give the same outputs, byte for byte.
        CHECK(tasks_csv(run_workload(setup, requests, 1).tasks) == tasks_csv(run.tasks));
    }
}

TEST_CASE("repricing a node's tables for another gating option equals compiling for it", "[node][energy]") {
    const Scenario scenario = load_scenario(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/workload-b.yaml");
    ArchConfig ungated_arch;
    ungated_arch.energy.pe_gating = PeGating::None;
    const NodeSetup clock(ArchConfig{}, "planaria", scenario);
    const NodeSetup repriced(clock, PeGating::None), compiled(ungated_arch, "planaria", scenario);
    CHECK(repriced.arch().energy.pe_gating == PeGating::None);
    for (const auto& [key, bundle] : compiled.bundles()) {
        const Bundle& r = *repriced.bundles().at(key);
        for (std::size_t k = 0; k < bundle->per_k.size(); ++k)
            for (std::size_t l = 0; l < bundle->per_k[k].table.layers.size(); ++l) {
                const LayerEntry &want = bundle->per_k[k].table.layers[l], &got = r.per_k[k].table.layers[l];
                CHECK(got.cycles == want.cycles);
                for (const auto& [name, field] : EnergyBreakdown::components()) {
                    INFO(key << " k=" << k + 1 << " layer " << want.layer << " " << name);
                    CHECK(got.energy.*field == Approx(want.energy.*field).epsilon(1e-9));
                }
            }
    }
    // The same requests cost more with idle PEs ungated, and run the same.
    const auto requests = generate_requests(scenario, QosLevel::Soft, 500, 40, 5);
    const WorkloadRun a = run_workload(clock, requests, 1), b = run_workload(repriced, requests, 1);
    CHECK(b.metrics.energy.idle_pe > a.metrics.energy.idle_pe);
    CHECK(b.metrics.p99_latency == a.metrics.p99_latency);
    // A zero fraction leaves nothing to scale from.
    ArchConfig zero;
    zero.energy.clock_gated_pe_fraction = 0;
    CHECK_THROWS_AS(NodeSetup(NodeSetup(zero, "planaria", scenario), PeGating::None), std::invalid_argument);
}

TEST_CASE("scale-out spreads the requests over nodes and meets more deadlines", "[node]") {
    const Scenario scenario = load_scenario(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/workload-b.yaml");
    const NodeSetup setup(ArchConfig{}, "planaria", scenario);
    const auto requests = generate_requests(scenario, QosLevel::Medium, 2000, 400, 3);
    const WorkloadRun one = run_workload(setup, requests, 1), four = run_workload(setup, requests, 4);
    CHECK(four.tasks.size() == requests.size());
    CHECK(four.timelines.size() == 4);
    CHECK(four.metrics.vision_met >= one.metrics.vision_met);
    CHECK(four.metrics.p99_latency <= one.metrics.p99_latency);
}

TEST_CASE("a run whose time stops advancing ends with an error, not a hang", "[node][reliability]") {
    Fixture f;
    auto policy = make_policy("planaria");
    TableLevelNode node(f.cfg, f.profiles, *policy);
    // At 10^15 s a double resolves 0.125 s: the layers (tens of microseconds)
    // cannot advance the clock.
    const std::vector<Request> requests = {f.request(0, "a", 1e15, 1), f.request(1, "b", 1e15, 2)};
    CHECK_THROWS_WITH(node.run(requests), Catch::Contains("stopped advancing"));
}
