// Policies side by side (testbench/policy_comparison.h) and the feasibility
// table (testbench/feasibility.h) behind `planaria run`.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "hw/config/arch_yaml.h"
#include "testbench/feasibility.h"
#include "testbench/policy_comparison.h"

using namespace planaria;

namespace {

const std::string kSource = PLANARIA_SOURCE_DIR;

Feasibility hand_built() {
    // Two vision DNNs and one translation DNN, two chips.
    Feasibility f;
    f.chips = {"fast", "slow"};
    f.rows = {{"a", 10, false, {1.0, 3.0}}, {"b", 8, false, {0.5, 0.5}}, {"t", 100, true, {20, 40}}};
    f.vision_share = 0.5, f.translation_share = 1.0;
    return f;
}

}  // namespace

TEST_CASE("the feasibility table names the DNNs slower alone than their bound, and by how much", "[feasibility]") {
    const Feasibility f = hand_built();
    // QoS-S: bounds 10, 8, 100: nothing misses on either chip.
    CHECK(f.blockers(0, QosLevel::Soft).empty());
    CHECK(f.blockers(1, QosLevel::Soft).empty());
    CHECK(f.explain(1, QosLevel::Soft).empty());
    // QoS-M: bounds 2.5, 2, 25. "a" takes 3.0 on the slow chip (1.2x), "t" 40 (1.6x).
    const std::vector<Blocker> m = f.blockers(1, QosLevel::Medium);
    REQUIRE(m.size() == 2);
    CHECK(m[0].model == "a");
    CHECK(m[0].bound_ms == Approx(2.5));
    CHECK(m[0].excess() == Approx(1.2));
    CHECK(m[1].model == "t");
    CHECK(m[1].excess() == Approx(1.6));
    CHECK(f.blockers(0, QosLevel::Medium).empty());
    // Half of the vision requests and all translation ones miss: far above the 1 % and 3 % tails.
    CHECK(f.sla_unreachable(1, QosLevel::Medium));
    CHECK_FALSE(f.sla_unreachable(0, QosLevel::Medium));
    const std::string why = f.explain(1, QosLevel::Medium);
    CHECK(why.find("a alone takes 3.00 ms, 1.20x its 2.500 ms bound") != std::string::npos);
    CHECK(why.find("t alone takes 40.00 ms, 1.60x") != std::string::npos);
    CHECK(why.find("no rate meets the SLA") != std::string::npos);
    // QoS-H: bounds 0.625, 0.5, 6.25: the fast chip misses "a" (1.0 > 0.625) and "t" too.
    CHECK(f.blockers(0, QosLevel::Hard).size() == 2);
    // The table marks the misses at the level asked.
    const std::string table = f.table(QosLevel::Medium);
    CHECK(table.find("3.000*") != std::string::npos);
    CHECK(table.find("1.000*") == std::string::npos);
    const auto j = f.to_json();
    CHECK(j["rows"][0]["bound_ms"]["H"].get<double>() == Approx(0.625));
    CHECK(j["rows"][2]["latency_ms"]["slow"].get<double>() == Approx(40));
}

TEST_CASE("a DNN drawing fewer requests than the SLA's tail does not make it unreachable", "[feasibility]") {
    Feasibility f;
    f.chips = {"chip"};
    f.rows = {{"rare", 10, false, {5.0}}};
    f.vision_share = 0.005;  // half of the 1 % tail
    CHECK(f.blockers(0, QosLevel::Medium).size() == 1);
    CHECK_FALSE(f.sla_unreachable(0, QosLevel::Medium));
    CHECK(f.explain(0, QosLevel::Medium).find("too few requests") != std::string::npos);
}

TEST_CASE("the spread over seeds is the mean and the sample standard deviation", "[feasibility]") {
    const Spread s = Spread::of({2, 4, 4, 4, 5, 5, 7, 9});
    CHECK(s.mean == Approx(5));
    CHECK(s.std == Approx(std::sqrt(32.0 / 7)));
    CHECK(Spread::of({3}).std == 0);
    CHECK(Spread::of({}).mean == 0);
}

TEST_CASE("a comparison keeps every seed, their mean and spread, the MAC utilization and the feasibility",
          "[feasibility]") {
    ComparisonRequest rq;
    rq.scenario = load_scenario(kSource + "/scenarios/workload-b.yaml");
    rq.qos = QosLevel::Medium;
    rq.rate = 200;
    rq.requests = 40;
    rq.seed = 7;
    rq.seeds = 3;
    rq.fissionable = load_arch_file(kSource + "/scenarios/arch/planaria.yaml");
    rq.baseline = load_arch_file(kSource + "/scenarios/arch/monolithic.yaml");
    rq.search = false;
    rq.inputs = {InputOverride::parse("image=3x64x64")};
    const Comparison c = compare_policies(rq);
    REQUIRE(c.policies.size() == 2);
    REQUIRE(c.feasibility);
    CHECK(c.feasibility->chips == std::vector<std::string>{"planaria", "monolithic"});
    REQUIRE(c.feasibility->rows.size() == rq.scenario.models.size());
    for (const FeasibilityRow& r : c.feasibility->rows) {
        CHECK(r.bound_s_ms == rq.scenario.qos_ms.at(r.model));
        for (double l : r.latency_ms) CHECK(l > 0);
    }
    const ArchConfig& a = rq.fissionable;
    for (const PolicyResult& p : c.policies) {
        REQUIRE(p.seeds.size() == 3);
        double fairness = 0;
        for (unsigned s = 0; s < 3; ++s) {
            CHECK(p.seeds[s].seed == 7 + s);
            fairness += p.seeds[s].metrics.fairness / 3;
        }
        CHECK(p.fairness.mean == Approx(fairness));
        CHECK(p.first.fairness == p.seeds[0].metrics.fairness);
        CHECK(p.mac_utilization.mean > 0);
        CHECK(p.mac_utilization.mean < p.utilization.mean);  // busy PEs are not all multiplying
    }
    // By hand for Planaria's first seed: every task's model MACs over the chip's PE-cycles of the makespan.
    const PolicyResult& planaria = c.policies[0];
    double macs = 0;
    for (const TaskRecord& t : planaria.run.tasks)
        macs += double(load_model_file(model_file(rq.scenario, t.model), rq.inputs).macs());
    const double pe_cycles = double(a.subarray.count) * a.subarray.rows * a.subarray.cols *
                             (planaria.run.metrics.makespan * a.clock_mhz * 1e6);
    CHECK(planaria.seeds[0].mac_utilization == Approx(macs / pe_cycles).epsilon(1e-9));
}
