// Metrics of multi-tenant runs, each checked against a hand computation on a
// tiny trace, and the searches across runs (throughput, scale-out) on
// synthetic run functions whose answer is known.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "testbench/metrics.h"

using namespace planaria;

namespace {

TaskRecord rec(std::uint64_t id, std::string model, unsigned priority, double arrival, double start, double finish,
               double isolated, double bound, bool translation, double energy_j, unsigned preemptions = 0) {
    TaskRecord t;
    t.id = id;
    t.model = std::move(model);
    t.priority = priority;
    t.arrival = arrival;
    t.start = start;
    t.finish = finish;
    t.isolated = isolated;
    t.bound = bound;
    t.translation = translation;
    t.energy.mac = energy_j;
    t.preemptions = preemptions;
    return t;
}

/// The tiny trace (seconds, joules):
///   id model      prio arrival start  finish  latency isolated bound   class  met  energy
///   0  resnet50   1    0.000   0.000  0.010   0.010   0.005    0.015   vision yes  0.1
///   1  gnmt       2    0.002   0.010  0.040   0.038   0.020    0.0625  transl yes  0.5 (1 preemption)
///   2  mobilenet  4    0.004   0.004  0.012   0.008   0.002    0.0025  vision no   0.2
///   3  tiny_yolo  5    0.005   0.012  0.016   0.011   0.004    0.010   vision no   0.3
std::vector<TaskRecord> tiny_trace() {
    return {rec(0, "resnet50", 1, 0.000, 0.000, 0.010, 0.005, 0.015, false, 0.1),
            rec(1, "gnmt", 2, 0.002, 0.010, 0.040, 0.020, 0.0625, true, 0.5, 1),
            rec(2, "mobilenet_v1", 4, 0.004, 0.004, 0.012, 0.002, 0.0025, false, 0.2),
            rec(3, "tiny_yolo", 5, 0.005, 0.012, 0.016, 0.004, 0.010, false, 0.3)};
}

/// n tasks of one class, the first `met` within their bound (latency 1 ms,
/// bound 2 ms) and the others not (latency 3 ms).
std::vector<TaskRecord> class_trace(std::size_t n, std::size_t met, bool translation, std::uint64_t first_id = 0) {
    std::vector<TaskRecord> v;
    for (std::size_t i = 0; i < n; ++i) {
        const double t0 = 0.001 * double(i);
        v.push_back(rec(first_id + i, translation ? "gnmt" : "resnet50", 1, t0, t0, t0 + (i < met ? 0.001 : 0.003),
                        0.001, 0.002, translation, 0));
    }
    return v;
}

WorkloadMetrics sla(bool met) {
    WorkloadMetrics m;
    m.sla_met = met;
    return m;
}

}  // namespace

TEST_CASE("metrics of a tiny trace equal a hand computation", "[metrics]") {
    const WorkloadMetrics m = evaluate(tiny_trace(), 0.32, 16);
    CHECK(m.tasks == 4);
    // Vision: tasks 0, 2, 3; only task 0 within its bound -> 1/3.
    CHECK(m.vision_tasks == 3);
    CHECK(m.vision_tasks_met == 1);
    CHECK(m.vision_met == Approx(1.0 / 3.0));
    // Translation: task 1, 38 ms <= 62.5 ms -> 1/1.
    CHECK(m.translation_tasks == 1);
    CHECK(m.translation_tasks_met == 1);
    CHECK(m.translation_met == 1.0);
    CHECK_FALSE(m.sla_met);  // 1/3 < 0.99
    // Fairness: priorities 1, 2, 4, 5 sum to 12;
    //   PP0 = (0.005 / 0.010) / (1/12) = 0.5 x 12      = 6
    //   PP1 = (0.020 / 0.038) / (2/12) = 0.526316 x 6  = 3.157895
    //   PP2 = (0.002 / 0.008) / (4/12) = 0.25 x 3      = 0.75
    //   PP3 = (0.004 / 0.011) / (5/12) = 0.363636 x 2.4 = 0.872727
    //   fairness = min / max = 0.75 / 6 = 0.125.
    CHECK(m.fairness == Approx(0.125));
    // Energy 0.1 + 0.5 + 0.2 + 0.3 = 1.1 J.
    CHECK(m.energy_j == Approx(1.1));
    // Makespan: first arrival 0 to last finish 0.040 = 0.040 s.
    CHECK(m.makespan == Approx(0.040));
    // Utilization: 0.32 busy subarray-seconds / (16 x 0.040 = 0.64) = 0.5.
    CHECK(m.utilization == Approx(0.5));
    // Tasks per second: 4 / 0.040 = 100.
    CHECK(m.tasks_per_second == Approx(100.0));
    // Mean latency (0.010 + 0.038 + 0.008 + 0.011) / 4 = 0.067 / 4 = 0.01675 s.
    CHECK(m.mean_latency == Approx(0.01675));
    // p99 by nearest rank: ceil(0.99 x 4) = 4th smallest = the largest, 0.038 s.
    CHECK(m.p99_latency == Approx(0.038));
    CHECK(m.preemptions == 1);
}

TEST_CASE("fairness is 1 for equal progress per priority and with one task", "[metrics]") {
    // Priorities 1 and 3 (sum 4). Task 0: isolated 1, latency 3 -> NP 1/3, PP = (1/3) / (1/4) = 4/3.
    // Task 1: isolated 1, latency 1 -> NP 1, PP = 1 / (3/4) = 4/3. Equal -> fairness 1.
    const std::vector<TaskRecord> equal = {rec(0, "a", 1, 0, 0, 3, 1, 10, false, 0),
                                           rec(1, "b", 3, 0, 0, 1, 1, 10, false, 0)};
    CHECK(evaluate(equal, 0, 16).fairness == Approx(1.0));
    // The same two tasks with the priorities swapped: PP0 = (1/3) / (3/4) = 4/9,
    // PP1 = 1 / (1/4) = 4 -> fairness (4/9) / 4 = 1/9.
    std::vector<TaskRecord> swapped = equal;
    swapped[0].priority = 3;
    swapped[1].priority = 1;
    CHECK(evaluate(swapped, 0, 16).fairness == Approx(1.0 / 9.0));
    CHECK(evaluate({equal[0]}, 0, 16).fairness == 1.0);
    const WorkloadMetrics none = evaluate({}, 0, 16);
    CHECK(none.tasks == 0);
    CHECK(none.fairness == 1.0);
    CHECK(none.sla_met);
    CHECK(none.makespan == 0);
    CHECK(none.tasks_per_second == 0);
    CHECK(none.utilization == 0);
}

TEST_CASE("the SLA needs 99 percent of vision and 97 percent of translation tasks", "[metrics]") {
    // 100 vision tasks: 99 met -> 0.99 passes, 98 met -> 0.98 fails.
    CHECK(evaluate(class_trace(100, 99, false), 0, 16).sla_met);
    CHECK_FALSE(evaluate(class_trace(100, 98, false), 0, 16).sla_met);
    // 100 translation tasks: 97 met -> 0.97 passes, 96 met -> 0.96 fails.
    CHECK(evaluate(class_trace(100, 97, true), 0, 16).sla_met);
    const WorkloadMetrics t96 = evaluate(class_trace(100, 96, true), 0, 16);
    CHECK_FALSE(t96.sla_met);
    CHECK(t96.translation_met == Approx(0.96));
    CHECK(t96.vision_met == 1.0);  // no vision tasks
    // 97 % would not do for vision: 100 vision tasks with 97 met fail.
    CHECK_FALSE(evaluate(class_trace(100, 97, false), 0, 16).sla_met);
    // Mixed: 3 vision met + 1 translation not met -> vision 1.0, translation 0.0, fails.
    auto mixed = class_trace(3, 3, false);
    for (auto& t : class_trace(1, 0, true, 3)) mixed.push_back(t);
    const WorkloadMetrics mm = evaluate(mixed, 0, 16);
    CHECK(mm.vision_met == 1.0);
    CHECK(mm.translation_met == 0.0);
    CHECK_FALSE(mm.sla_met);
    // Exactly at the bound counts as met (latency <= bound): 0.5 s latency, 0.5 s bound.
    const auto edge = rec(0, "a", 1, 0, 0, 0.5, 0.1, 0.5, false, 0);
    CHECK(edge.met());
    CHECK(evaluate({edge}, 0, 16).sla_met);
}

TEST_CASE("p99 latency is the nearest-rank percentile", "[metrics]") {
    // 200 tasks with latencies 1, 2, ..., 200 ms: ceil(0.99 x 200) = 198th smallest = 198 ms.
    std::vector<TaskRecord> v;
    for (unsigned i = 0; i < 200; ++i) {
        const unsigned ms = 200 - i;  // out of order on purpose
        v.push_back(rec(i, "a", 1, 0, 0, ms * 1e-3, 1e-3, 1, false, 0));
    }
    const WorkloadMetrics m = evaluate(v, 0, 16);
    CHECK(m.p99_latency == Approx(0.198));
    // Mean (1 + ... + 200) / 200 ms = 100.5 ms.
    CHECK(m.mean_latency == Approx(0.1005));
    // 101 tasks: ceil(0.99 x 101) = ceil(99.99) = 100th smallest = 100 ms.
    v.resize(101);
    for (unsigned i = 0; i < 101; ++i) v[i].finish = (i + 1) * 1e-3;  // latencies 1 .. 101 ms
    CHECK(evaluate(v, 0, 16).p99_latency == Approx(0.100));
}

TEST_CASE("evaluate rejects inconsistent records", "[metrics]") {
    auto t = tiny_trace();
    CHECK_THROWS_AS(evaluate(t, 0.32, 0), std::invalid_argument);
    CHECK_THROWS_AS(evaluate(t, -1, 16), std::invalid_argument);
    auto bad = t;
    bad[2].finish = bad[2].start - 0.001;
    CHECK_THROWS_WITH(evaluate(bad, 0, 16), Catch::Contains("task 2"));
    bad = t;
    bad[1].start = bad[1].arrival - 0.001;
    CHECK_THROWS_AS(evaluate(bad, 0, 16), std::invalid_argument);
    bad = t;
    bad[0].priority = 0;
    CHECK_THROWS_AS(evaluate(bad, 0, 16), std::invalid_argument);
    bad = t;
    bad[3].isolated = 0;
    CHECK_THROWS_AS(evaluate(bad, 0, 16), std::invalid_argument);
}

TEST_CASE("SLA satisfaction rate is the share of runs meeting the SLA", "[metrics]") {
    CHECK(sla_satisfaction_rate({sla(true), sla(false), sla(true), sla(true)}) == Approx(0.75));  // 3 of 4
    CHECK(sla_satisfaction_rate({sla(true)}) == 1.0);
    CHECK(sla_satisfaction_rate({sla(false), sla(false)}) == 0.0);
    CHECK(sla_satisfaction_rate({}) == 0.0);
}

TEST_CASE("throughput search converges to a known SLA limit", "[metrics]") {
    // The SLA holds up to 123.0 requests/s for every seed.
    unsigned calls = 0;
    const auto run = [&](double rate, std::uint64_t) {
        ++calls;
        return sla(rate <= 123.0);
    };
    const ThroughputResult r = find_throughput(run, 10.0, 3, 20);
    // Doubling: 10, 20, 40, 80 pass, 160 fails: bracket [80, 160], width 80.
    // 20 bisection steps leave a width of 80 / 2^20 = 7.63e-5.
    CHECK(r.rate <= 123.0);
    CHECK(r.failing > 123.0);
    CHECK(r.failing - r.rate == Approx(80.0 / (1 << 20)));
    CHECK(r.rate == Approx(123.0).margin(80.0 / (1 << 20)));
    // Evaluations: a passing rate runs all 3 seeds, a failing one stops at its
    // first seed (required 1.0). Doubling: 4 passes x 3 + 1 fail = 13. Bisection:
    // mid passes when its binary digit of (123 - 80) / 80 = 0.5375 =
    // 0.10001001100110011001 1..._2 is 1: 9 ones in the first 20 digits,
    // so 9 x 3 + 11 x 1 = 38. Total 51.
    CHECK(r.evaluations == 51);
    CHECK(calls == r.evaluations);
    // Deterministic: the same search gives the same answer.
    const ThroughputResult again = find_throughput(run, 10.0, 3, 20);
    CHECK(again.rate == r.rate);
    CHECK(again.evaluations == r.evaluations);
}

TEST_CASE("throughput search from above the limit and with no passing rate", "[metrics]") {
    const auto run = [](double rate, std::uint64_t) { return sla(rate <= 123.0); };
    // Start 1000: 1000, 500, 250, 125 fail, 62.5 passes: bracket [62.5, 125].
    const ThroughputResult r = find_throughput(run, 1000.0, 2, 16);
    CHECK(r.rate == Approx(123.0).margin(62.5 / (1 << 16)));
    CHECK(r.rate <= 123.0);
    CHECK(r.failing - r.rate == Approx(62.5 / (1 << 16)));
    // Never met: 1000 and 10 halvings (down to 1000 / 1024) all fail, one seed each.
    const ThroughputResult never = find_throughput([](double, std::uint64_t) { return sla(false); }, 1000.0, 5, 10);
    CHECK(never.rate == 0.0);
    CHECK(never.evaluations == 11);
    CHECK(never.failing == Approx(1000.0 / 1024));
    // Always met: doubling stops at max_rate 100: 10, 20, 40, 80, 100 -> 5 rates x 2 seeds.
    const ThroughputResult always = find_throughput([](double, std::uint64_t) { return sla(true); }, 10.0, 2, 10, 1.0, 100.0);
    CHECK(always.rate == 100.0);
    CHECK(always.evaluations == 10);
    CHECK_THROWS_AS(find_throughput(run, 0.0, 3, 10), std::invalid_argument);
    CHECK_THROWS_AS(find_throughput(run, 10.0, 0, 10), std::invalid_argument);
    CHECK_THROWS_AS(find_throughput(run, 10.0, 3, 10, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(find_throughput(run, 10.0, 3, 10, 1.0, 5.0), std::invalid_argument);
}

TEST_CASE("throughput search applies the required share of seeds", "[metrics]") {
    // Seed 2 of 0..2 fails above 100, the others above 123.
    const auto run = [](double rate, std::uint64_t seed) { return sla(rate <= (seed == 2 ? 100.0 : 123.0)); };
    // All seeds must pass: the limit is 100.
    const ThroughputResult all = find_throughput(run, 10.0, 3, 24);
    CHECK(all.rate == Approx(100.0).margin(1e-4));
    CHECK(all.rate <= 100.0);
    // 2 of 3 suffice (0.6 <= 2/3): the limit is 123.
    const ThroughputResult most = find_throughput(run, 10.0, 3, 24, 0.6);
    CHECK(most.rate == Approx(123.0).margin(1e-4));
    CHECK(most.rate <= 123.0);
}

TEST_CASE("a confirmation refines a found throughput against the costlier model's limit", "[metrics]") {
    std::vector<double> tried;
    const auto below = [&](double limit) {
        return [&tried, limit](double rate) {
            tried.push_back(rate);
            return rate <= limit;
        };
    };
    // Found 100 (failing 150); the costlier model passes up to 80: 100 fails, 50 passes, then
    // bisections 75 (pass), 87.5 (fail), 81.25 (fail).
    ThroughputResult found{100, 0, 150};
    ThroughputResult r = confirm_throughput(below(80), found, 3);
    CHECK(tried == std::vector<double>{100, 50, 75, 87.5, 81.25});
    CHECK(r.rate == 75);
    CHECK(r.failing == 81.25);
    CHECK(r.evaluations == 5);
    // Up to 200: 100 passes, the bracket's top 150 passes, 300 fails; bisect 225 (fail), 187.5 (pass).
    tried.clear();
    r = confirm_throughput(below(200), found, 2);
    CHECK(tried == std::vector<double>{100, 150, 300, 225, 187.5});
    CHECK(r.rate == 187.5);
    CHECK(r.failing == 225);
    // Nothing passes: four halvings, then 0 with the last failing rate.
    tried.clear();
    r = confirm_throughput(below(1), found, 5);
    CHECK(tried == std::vector<double>{100, 50, 25, 12.5, 6.25});
    CHECK(r.rate == 0);
    CHECK(r.failing == 6.25);
    // A found rate of 0 is not confirmed: no run.
    tried.clear();
    r = confirm_throughput(below(1e9), ThroughputResult{0, 20, 3}, 5);
    CHECK(tried.empty());
    CHECK(r.rate == 0);
    CHECK(r.failing == 3);
    // Never above the ceiling: found 600 (failing 900) under a ceiling of 1000 passes everywhere:
    // 600, 900, then 1000 (not 1800), and the climb ends there.
    tried.clear();
    r = confirm_throughput(below(1e9), ThroughputResult{600, 0, 900}, 3, 1000);
    CHECK(tried == std::vector<double>{600, 900, 1000});
    CHECK(r.rate == 1000);
    CHECK(r.failing == 0);
    // A found rate at the ceiling that passes is the answer without a climb.
    tried.clear();
    r = confirm_throughput(below(1e9), ThroughputResult{1000, 0, 0}, 3, 1000);
    CHECK(tried == std::vector<double>{1000});
    CHECK(r.rate == 1000);
    CHECK_THROWS_AS(confirm_throughput(below(1), ThroughputResult{2000, 0, 0}, 1, 1000), std::invalid_argument);
    CHECK_THROWS_AS(confirm_throughput({}, found, 1), std::invalid_argument);
    CHECK_THROWS_AS(confirm_throughput(below(1), ThroughputResult{-1, 0, 0}, 1), std::invalid_argument);
}

TEST_CASE("a confirmation in rounds tries several rates at once and cuts the bracket in equal parts", "[metrics]") {
    std::vector<std::vector<double>> rounds;
    const auto below = [&](double limit) {
        return [&rounds, limit](const std::vector<double>& rates) {
            rounds.push_back(rates);
            std::vector<bool> ok;
            for (double rate : rates) ok.push_back(rate <= limit);
            return ok;
        };
    };
    // Found 100 (failing 150), the costlier model passes up to 80, two rates a round:
    // 100 and its halving 50 at once; then [50, 100) in thirds twice.
    const ThroughputResult found{100, 0, 150};
    ThroughputResult r = confirm_throughput_in_rounds(below(80), found, 2, 2);
    REQUIRE(rounds.size() == 3);
    CHECK(rounds[0] == std::vector<double>{100, 50});
    CHECK(rounds[1][0] == Approx(50 + 50.0 / 3));
    CHECK(rounds[1][1] == Approx(50 + 100.0 / 3));
    CHECK(r.rate == Approx(50 + 50.0 / 3 + 2 * (50.0 / 9)));  // both thirds of [66.7, 83.3) pass
    CHECK(r.failing == Approx(50 + 100.0 / 3));
    CHECK(r.evaluations == 6);
    // Up to 200: 100 passes (50 was speculative), then 150 and 300 at once: the bracket
    // [150, 300) in thirds: 200 passes, 250 fails.
    rounds.clear();
    r = confirm_throughput_in_rounds(below(200), found, 1, 2);
    REQUIRE(rounds.size() == 3);
    CHECK(rounds[1] == std::vector<double>{150, 300});
    CHECK(rounds[2] == std::vector<double>{200, 250});
    CHECK(r.rate == 200);
    CHECK(r.failing == 250);
    CHECK(r.evaluations == 6);
    // Nothing passes: the four halvings in two rounds, none asked twice.
    rounds.clear();
    r = confirm_throughput_in_rounds(below(1), found, 3, 2);
    REQUIRE(rounds.size() == 3);
    CHECK(rounds[1] == std::vector<double>{25, 12.5});
    CHECK(rounds[2] == std::vector<double>{6.25});
    CHECK(r.rate == 0);
    CHECK(r.failing == 6.25);
    // One rate a round is the sequential search, rate for rate.
    std::vector<double> tried;
    const auto sequential = [&tried](double rate) {
        tried.push_back(rate);
        return rate <= 80;
    };
    const ThroughputResult one = confirm_throughput(sequential, found, 3);
    rounds.clear();
    r = confirm_throughput_in_rounds(below(80), found, 3, 1);
    std::vector<double> flat;
    for (const auto& round : rounds) {
        CHECK(round.size() == 1);
        flat.insert(flat.end(), round.begin(), round.end());
    }
    CHECK(flat == tried);
    CHECK(r.rate == one.rate);
    CHECK(r.failing == one.failing);
    CHECK_THROWS_AS(confirm_throughput_in_rounds(below(80), found, 1, 0), std::invalid_argument);
    const auto short_answer = [](const std::vector<double>&) { return std::vector<bool>{true}; };
    CHECK_THROWS_AS(confirm_throughput_in_rounds(short_answer, found, 1, 2), std::logic_error);
}

TEST_CASE("nodes needed is the smallest node count with 99 percent SLA satisfaction", "[metrics]") {
    // The SLA holds from 3 nodes on for every seed.
    CHECK(nodes_needed([](unsigned n, std::uint64_t) { return sla(n >= 3); }, 10, 8) == 3);
    // At 3 nodes seed 7 fails: 99 of 100 seeds = 0.99 still suffices.
    CHECK(nodes_needed([](unsigned n, std::uint64_t s) { return sla(n >= 4 || (n == 3 && s != 7)); }, 100, 8) == 3);
    // At 3 nodes seeds 7 and 8 fail: 98 of 100 is too few -> 4.
    CHECK(nodes_needed([](unsigned n, std::uint64_t s) { return sla(n >= 4 || (n == 3 && s != 7 && s != 8)); },
                       100, 8) == 4);
    // Never within 8 nodes -> 0.
    CHECK(nodes_needed([](unsigned n, std::uint64_t) { return sla(n >= 9); }, 4, 8) == 0);
    CHECK_THROWS_AS(nodes_needed([](unsigned, std::uint64_t) { return sla(true); }, 0, 8), std::invalid_argument);
}

TEST_CASE("dispatch is round-robin in arrival order and deterministic", "[metrics]") {
    std::vector<Request> rs;
    for (std::uint64_t i = 0; i < 10; ++i) rs.push_back(Request{i, i % 2 ? "gnmt" : "resnet50", 0.01 * i, 1, 0.015, i % 2 == 1});
    const auto d = dispatch(rs, 3);
    REQUIRE(d.size() == 3);
    // 10 requests over 3 nodes: node 0 gets 0, 3, 6, 9; node 1 gets 1, 4, 7; node 2 gets 2, 5, 8.
    const std::vector<std::vector<std::uint64_t>> expected = {{0, 3, 6, 9}, {1, 4, 7}, {2, 5, 8}};
    for (std::size_t n = 0; n < 3; ++n) {
        std::vector<std::uint64_t> ids;
        for (const auto& r : d[n]) ids.push_back(r.id);
        CHECK(ids == expected[n]);
    }
    CHECK(d[1][1].model == "resnet50");  // request 4
    CHECK(d[1][1].arrival == rs[4].arrival);
    // Same input, same output.
    const auto again = dispatch(rs, 3);
    for (std::size_t n = 0; n < 3; ++n) {
        REQUIRE(again[n].size() == d[n].size());
        for (std::size_t i = 0; i < d[n].size(); ++i) CHECK(again[n][i].id == d[n][i].id);
    }
    // One node gets everything; more nodes than requests leaves some empty.
    CHECK(dispatch(rs, 1)[0].size() == 10);
    const auto many = dispatch(rs, 16);
    CHECK(many.size() == 16);
    CHECK(many[9].size() == 1);
    CHECK(many[10].empty());
    CHECK_THROWS_AS(dispatch(rs, 0), std::invalid_argument);
}

TEST_CASE("the per-task CSV is fixed-format and sorted by id", "[metrics]") {
    auto t = tiny_trace();
    std::reverse(t.begin(), t.end());
    const std::string csv = tasks_csv(t);
    std::istringstream in(csv);
    std::string header, row0, row1;
    std::getline(in, header);
    std::getline(in, row0);
    std::getline(in, row1);
    CHECK(header == "id,model,priority,arrival_s,start_s,finish_s,latency_ms,isolated_ms,bound_ms,met,energy_mj,"
                    "preemptions");
    // Task 0: latency 10 ms, isolated 5 ms, bound 15 ms, met, 0.1 J = 100 mJ.
    CHECK(row0 == "0,resnet50,1,0.000000000000,0.000000000000,0.010000000000,10.000000000,5.000000000,"
                  "15.000000000,1,100.000000000,0");
    // Task 1: latency 38 ms, isolated 20 ms, bound 62.5 ms, met, 500 mJ, one preemption.
    CHECK(row1 == "1,gnmt,2,0.002000000000,0.010000000000,0.040000000000,38.000000000,20.000000000,"
                  "62.500000000,1,500.000000000,1");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
    CHECK(tasks_csv(tiny_trace()) == csv);  // the input order does not matter
    // A model name with a comma is quoted.
    auto odd = tiny_trace();
    odd[0].model = "a,b";
    CHECK_THAT(tasks_csv(odd), Catch::Contains("\n0,\"a,b\",1,"));

    const auto path = std::filesystem::temp_directory_path() /
                      ("planaria-metrics-test-" + std::to_string(::getpid()) + ".csv");
    write_tasks_csv(path.string(), t);
    std::ifstream back(path, std::ios::binary);
    std::stringstream text;
    text << back.rdbuf();
    CHECK(text.str() == csv);
    std::filesystem::remove(path);
    CHECK_THROWS_WITH(write_tasks_csv("/nonexistent-dir/x.csv", t), Catch::Contains("/nonexistent-dir/x.csv"));
}

TEST_CASE("the summary JSON holds every metric in order", "[metrics]") {
    const nlohmann::ordered_json j = to_json(evaluate(tiny_trace(), 0.32, 16));
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"tasks", "vision_met", "translation_met", "sla_met", "fairness",
                                           "energy_j", "energy_by_component_j", "makespan_s", "utilization", "tasks_per_second",
                                           "mean_latency_s", "p99_latency_s", "vision_tasks", "translation_tasks",
                                           "vision_tasks_met", "translation_tasks_met", "preemptions"});
    CHECK(j["tasks"] == 4);
    CHECK(j["sla_met"] == false);
    CHECK(j["fairness"].get<double>() == Approx(0.125));
    CHECK(j["utilization"].get<double>() == Approx(0.5));
    CHECK(j["tasks_per_second"].get<double>() == Approx(100.0));
    CHECK(j.dump() == to_json(evaluate(tiny_trace(), 0.32, 16)).dump());
}
