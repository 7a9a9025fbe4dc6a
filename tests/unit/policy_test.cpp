// Scheduling policies on hand-built queues: every expected allocation below
// is worked out by hand in the comment next to it.
#include <catch2/catch.hpp>

#include <functional>

#include "sched/planaria_policy.h"
#include "sched/prema_policy.h"
#include "sched/simple_policies.h"

using namespace planaria;

namespace {

/// remaining[k-1] = f(k) for k = 1..chip.
std::vector<double> curve(unsigned chip, const std::function<double(unsigned)>& f) {
    std::vector<double> v;
    for (unsigned k = 1; k <= chip; ++k) v.push_back(f(k));
    return v;
}

/// Perfect scaling: work / k seconds on k subarrays.
std::vector<double> scaling(unsigned chip, double work) {
    return curve(chip, [work](unsigned k) { return work / k; });
}

TaskState task(std::uint64_t id, unsigned priority, double deadline, std::vector<double> remaining) {
    TaskState t;
    t.id = id;
    t.priority = priority;
    t.deadline = deadline;
    t.remaining = std::move(remaining);
    t.isolated = t.remaining.empty() ? 0.0 : t.remaining.back();
    return t;
}

std::vector<unsigned> counts(const Decision& d) {
    std::vector<unsigned> v;
    for (const auto& g : d.grants) v.push_back(g.subarrays);
    return v;
}

}  // namespace

// ---------------------------------------------------------------------------
// Planaria, Algorithm 1
// ---------------------------------------------------------------------------

TEST_CASE("planaria estimates the smallest count that meets the slack", "[policy]") {
    // 12/k s on k subarrays, slack 5 s: k = 2 needs 6 s, k = 3 needs 4 s.
    CHECK(PlanariaPolicy::estimate_resources(task(1, 1, 5, scaling(16, 12)), 0) == 3);
    // Slack is deadline - now: at now = 1 the slack is 4 s, k = 3 (4 s) still fits exactly.
    CHECK(PlanariaPolicy::estimate_resources(task(1, 1, 5, scaling(16, 12)), 1) == 3);
    // At now = 2 the slack is 3 s: k = 4.
    CHECK(PlanariaPolicy::estimate_resources(task(1, 1, 5, scaling(16, 12)), 2) == 4);
    // No count meets 0.5 s: 12/16 = 0.75 is the least remaining time, on all 16.
    CHECK(PlanariaPolicy::estimate_resources(task(1, 1, 0.5, scaling(16, 12)), 0) == 16);
    // The least remaining time is reached first at k = 4 (flat after it): 4 is enough.
    const auto flat = curve(16, [](unsigned k) { return k <= 4 ? 12.0 / k : 3.0; });
    CHECK(PlanariaPolicy::estimate_resources(task(1, 1, 0.5, flat), 0) == 4);
}

TEST_CASE("planaria fit case shares the spare by priority over remaining time", "[policy]") {
    PlanariaPolicy p;
    // A: 12/k s, slack 5 -> minimum 3, 4 s there, priority 2 -> score 2/4 = 0.5.
    // B: 6/k s, slack 7  -> minimum 1, 6 s there, priority 6 -> score 6/6 = 1.
    // Spare 16 - 4 = 12: A gets 12 x 0.5/1.5 = 4 -> 7, B gets 8 -> 9.
    const Decision d = p.schedule({16, 0}, {task(1, 2, 5, scaling(16, 12)), task(2, 6, 7, scaling(16, 6))});
    REQUIRE(d.grants.size() == 2);
    CHECK(d.grants[0].task == 1);
    CHECK(d.grants[1].task == 2);
    CHECK(counts(d) == std::vector<unsigned>{7, 9});
}

TEST_CASE("planaria fit case rounds shares by the largest remainder", "[policy]") {
    PlanariaPolicy p;
    // Three tasks of 4/k s with ample slack: minimum 1 each, 4 s there.
    // Scores 1/4, 1/4, 2/4; spare 13 -> shares 3.25, 3.25, 6.5.
    // Integer parts 3 + 3 + 6 = 12; the 13th subarray goes to the largest remainder (0.5).
    const Decision d = p.schedule({16, 0}, {task(1, 1, 10, scaling(16, 4)), task(2, 1, 10, scaling(16, 4)),
                                            task(3, 2, 10, scaling(16, 4))});
    CHECK(counts(d) == std::vector<unsigned>{4, 4, 8});
}

TEST_CASE("planaria breaks equal remainders by task id", "[policy]") {
    PlanariaPolicy p;
    // Three identical tasks: minimum 1 each, spare 13 -> 4.333 each. Integer parts 4 + 4 + 4,
    // the one left over goes to the lowest id (4), whatever the queue order.
    const Decision d = p.schedule({16, 0}, {task(9, 3, 10, scaling(16, 4)), task(4, 3, 10, scaling(16, 4)),
                                            task(6, 3, 10, scaling(16, 4))});
    CHECK(counts(d) == std::vector<unsigned>{5, 6, 5});
}

TEST_CASE("planaria gives a single task the count that minimises its time", "[policy]") {
    PlanariaPolicy p;
    // Perfect scaling: all 16.
    CHECK(counts(p.schedule({16, 0}, {task(1, 5, 100, scaling(16, 8))})) == std::vector<unsigned>{16});
    // No gain after 4 subarrays: 4, the other 12 stay idle.
    const auto flat = curve(16, [](unsigned k) { return k <= 4 ? 12.0 / k : 3.0; });
    CHECK(counts(p.schedule({16, 0}, {task(1, 5, 100, flat)})) == std::vector<unsigned>{4});
    // 4, 2, then 2 again except 0.5 at 6: 6.
    const auto bumpy = curve(16, [](unsigned k) { return k == 6 ? 0.5 : k <= 2 ? 4.0 / k : 2.0; });
    CHECK(counts(p.schedule({16, 0}, {task(1, 5, 100, bumpy)})) == std::vector<unsigned>{6});
}

TEST_CASE("planaria never gives a count slower than a smaller one", "[policy]") {
    PlanariaPolicy p;
    // Chip of 8. A: 12, 6, 4, 3, 3.5 (slower at 5), then 2 from 6 on; priority 2 -> score 2/12.
    // B: 12/k, priority 1 -> score 1/12. Minimum 1 each, spare 6: A 4 -> 5, B 2 -> 3.
    // 5 is slower than 4 for A, so A is cut to 4 and B takes the freed subarray: 4 + 4.
    const auto a = curve(8, [](unsigned k) { return k <= 4 ? 12.0 / k : k == 5 ? 3.5 : 2.0; });
    const Decision d = p.schedule({8, 0}, {task(1, 2, 100, a), task(2, 1, 100, scaling(8, 12))});
    CHECK(counts(d) == std::vector<unsigned>{4, 4});
}

TEST_CASE("planaria unfit case allocates minimums by score and gives the leftover", "[policy]") {
    PlanariaPolicy p;
    // A: 40/k, slack 5 -> minimum 8, score 2 / (5 x 8) = 0.05.
    // B: 30/k, slack 5 -> minimum 6, score 6 / (5 x 6) = 0.2.
    // C: 18/k, slack 2 -> minimum 9, score 4 / (2 x 9) = 0.222.
    // 8 + 6 + 9 = 23 > 16. Order C, B, A: C 9, B 6, A gets the 1 left.
    const Decision d = p.schedule({16, 0}, {task(1, 2, 5, scaling(16, 40)), task(2, 6, 5, scaling(16, 30)),
                                            task(3, 4, 2, scaling(16, 18))});
    CHECK(counts(d) == std::vector<unsigned>{1, 6, 9});
}

TEST_CASE("planaria unfit case breaks equal scores by task id", "[policy]") {
    PlanariaPolicy p;
    // Two identical tasks of 20/k with slack 2: minimum 10 each, equal scores.
    // Id 2 goes first (10), id 5 gets the 6 left; a third task waits.
    const Decision d = p.schedule({16, 0}, {task(5, 3, 2, scaling(16, 20)), task(2, 3, 2, scaling(16, 20)),
                                            task(7, 1, 2, scaling(16, 20))});
    CHECK(counts(d) == std::vector<unsigned>{6, 10, 0});
}

TEST_CASE("planaria handles zero slack without dividing by zero", "[policy]") {
    PlanariaPolicy p;
    // Z: deadline = now, 8/k up to 4 then flat 2: no count meets slack 0, least time at 4 -> minimum 4;
    //    score 1 / (1e-9 x 4), the highest.
    // Y: 16/k with slack 1 -> minimum 16, score 11 / (1 x 16).
    // 4 + 16 > 16: Z first with 4, Y gets the 12 left.
    const auto z = curve(16, [](unsigned k) { return k <= 4 ? 8.0 / k : 2.0; });
    const Decision d = p.schedule({16, 3}, {task(1, 1, 3, z), task(2, 11, 4, scaling(16, 16))});
    CHECK(counts(d) == std::vector<unsigned>{4, 12});
}

TEST_CASE("planaria puts a task that is already late first", "[policy]") {
    PlanariaPolicy p;
    // L: late by 0.5 s, 10/k up to 2 then flat 5 -> minimum 2 (least time), slack counts as 1e-9: top score.
    // M and N: 100/k, slack 10 -> minimum 10 each, score 11 / (10 x 10), equal: M (id 1) before N (id 2).
    // 2 + 10 + 10 > 16: L 2, M 10, N the 4 left.
    const auto late = curve(16, [](unsigned k) { return k <= 2 ? 10.0 / k : 5.0; });
    const Decision d = p.schedule({16, 10}, {task(3, 1, 9.5, late), task(1, 11, 20, scaling(16, 100)),
                                             task(2, 11, 20, scaling(16, 100))});
    CHECK(counts(d) == std::vector<unsigned>{2, 10, 4});
    // A late task in a queue that fits: minimum 2, no negative shares. Spare 16 - 2 - 1 = 13 goes
    // to the on-time task (4/k, cap 16) only, since the late task gains nothing beyond 2.
    const Decision fit = p.schedule({16, 10}, {task(3, 1, 9.5, late), task(4, 1, 20, scaling(16, 4))});
    CHECK(counts(fit) == std::vector<unsigned>{2, 14});
}

TEST_CASE("planaria checkpoints a running task whose count changes", "[policy]") {
    PlanariaPolicy p;
    // Same queue as the fit case: A gets 7, B 9. A held 7 (unchanged), B held 4 (changes), C is new.
    auto a = task(1, 2, 5, scaling(16, 12));
    auto b = task(2, 6, 7, scaling(16, 6));
    a.allocated = 7;
    b.allocated = 4;
    Decision d = p.schedule({16, 0}, {a, b});
    CHECK(counts(d) == std::vector<unsigned>{7, 9});
    CHECK(d.grants[0].how == Preemption::None);
    CHECK(d.grants[1].how == Preemption::Checkpoint);
    // A new task that displaces a running one entirely: the running one is checkpointed.
    auto late = task(3, 11, 0, curve(16, [](unsigned k) { return 16.0 / k; }));
    d = p.schedule({16, 1}, {late, b});
    CHECK(counts(d) == std::vector<unsigned>{16, 0});
    CHECK(d.grants[0].how == Preemption::None);
    CHECK(d.grants[1].how == Preemption::Checkpoint);
}

TEST_CASE("planaria rejects remaining times that do not match the chip", "[policy]") {
    PlanariaPolicy p;
    CHECK_THROWS_AS(p.schedule({16, 0}, {task(1, 1, 1, scaling(8, 1))}), std::invalid_argument);
    CHECK(p.schedule({16, 0}, {}).grants.empty());
}

// ---------------------------------------------------------------------------
// PREMA
// ---------------------------------------------------------------------------

TEST_CASE("prema thresholds are the priority levels reached", "[policy]") {
    CHECK(PremaPolicy::threshold(0.3) == 1);
    CHECK(PremaPolicy::threshold(1.0) == 1);
    CHECK(PremaPolicy::threshold(2.5) == 2);
    CHECK(PremaPolicy::threshold(11.0) == 11);
    CHECK(PremaPolicy::threshold(37.2) == 11);
}

TEST_CASE("prema grows tokens while tasks wait and runs the shortest candidate", "[policy]") {
    PremaPolicy p;
    const unsigned chip = 16;
    auto flat = [](double r) { return curve(16, [r](unsigned) { return r; }); };

    // t = 0: A (priority 2, isolated 1 s) alone: token 2, it runs.
    TaskState a = task(1, 2, 100, flat(1.0));
    a.isolated = 1.0;
    Decision d = p.schedule({chip, 0}, {a});
    CHECK(counts(d) == std::vector<unsigned>{16});
    CHECK(p.token(1) == Approx(2.0));

    // t = 0.5: B (priority 5, isolated 0.25) arrives. A ran (no growth, 2); B starts at 5.
    // Threshold 5: B alone is a candidate and takes the chip; A is preempted.
    a.allocated = 16;
    a.started = true;
    a.executed = 0.5;
    a.remaining = flat(0.5);
    TaskState b = task(2, 5, 100, flat(0.25));
    b.arrival = 0.5;
    b.isolated = 0.25;
    d = p.schedule({chip, 0.5}, {a, b});
    CHECK(counts(d) == std::vector<unsigned>{0, 16});
    CHECK(d.grants[0].how != Preemption::None);
    CHECK(d.grants[1].how == Preemption::None);
    CHECK(p.token(1) == Approx(2.0));
    CHECK(p.token(2) == Approx(5.0));

    // t = 0.625: C (priority 1, isolated 0.125, 0.0625 s left) arrives: the shortest, but token 1 < 5.
    // A waited 0.125 s: 2 + 2 x 0.125 / 1 = 2.25. B keeps the chip.
    a.allocated = 0;
    b.allocated = 16;
    b.started = true;
    TaskState c = task(3, 1, 100, flat(0.0625));
    c.arrival = 0.625;
    c.isolated = 0.125;
    d = p.schedule({chip, 0.625}, {a, b, c});
    CHECK(counts(d) == std::vector<unsigned>{0, 16, 0});
    CHECK(p.token(1) == Approx(2.25));
    CHECK(p.token(2) == Approx(5.0));
    CHECK(p.token(3) == Approx(1.0));

    // t = 0.75: B finished. A: 2.25 + 2 x 0.125 / 1 = 2.5. C: 1 + 1 x 0.125 / 0.125 = 2.
    // Threshold 2: both are candidates; C has the shorter remaining time (0.0625 < 0.5) and runs.
    d = p.schedule({chip, 0.75}, {a, c});
    CHECK(counts(d) == std::vector<unsigned>{0, 16});
    CHECK(d.grants[0].how == Preemption::None);  // A was not running
    CHECK(p.token(1) == Approx(2.5));
    CHECK(p.token(3) == Approx(2.0));
    CHECK(p.token(2) == 0.0);  // B finished: forgotten
}

TEST_CASE("prema keeps the running task on equal remaining time", "[policy]") {
    PremaPolicy p;
    auto r = task(7, 3, 100, curve(16, [](unsigned) { return 1.0; }));
    r.allocated = 16;
    auto w = task(2, 3, 100, curve(16, [](unsigned) { return 1.0; }));
    const Decision d = p.schedule({16, 0}, {r, w});
    CHECK(counts(d) == std::vector<unsigned>{16, 0});
    CHECK(d.grants[0].how == Preemption::None);
}

TEST_CASE("prema picks the cheapest preemption mechanism", "[policy]") {
    PolicyOptions o;
    o.checkpoint_bandwidth = 1e9;  // 1 MB out and back: 2 ms
    PremaPolicy p(o);
    TaskState t = task(1, 1, 100, curve(16, [](unsigned) { return 1.0; }));
    t.context_bytes = 1e6;
    CHECK(p.checkpoint_cost(t) == Approx(2e-3));

    t.drain_cost = 1e-3;  // drain 1 ms < checkpoint 2 ms < executed 1 s
    t.executed = 1.0;
    CHECK(p.choose_preemption(t) == Preemption::Drain);
    t.drain_cost = 5e-3;  // checkpoint 2 ms < drain 5 ms
    CHECK(p.choose_preemption(t) == Preemption::Checkpoint);
    t.executed = 1e-3;    // 1 ms of work lost < checkpoint 2 ms: restart
    CHECK(p.choose_preemption(t) == Preemption::Kill);
    t.drain_cost = 1e-4;  // but draining 0.1 ms is cheaper still
    CHECK(p.choose_preemption(t) == Preemption::Drain);

    // In a decision: the running task is killed when a higher token arrives.
    t.drain_cost = 5e-3;
    t.allocated = 16;
    auto urgent = task(2, 9, 100, curve(16, [](unsigned) { return 0.5; }));
    const Decision d = p.schedule({16, 0}, {t, urgent});
    CHECK(counts(d) == std::vector<unsigned>{0, 16});
    CHECK(d.grants[0].how == Preemption::Kill);
}

// ---------------------------------------------------------------------------
// FCFS and static partition
// ---------------------------------------------------------------------------

TEST_CASE("fcfs never preempts and then serves the earliest arrival", "[policy]") {
    FcfsPolicy p;
    auto running = task(5, 1, 100, {});
    running.arrival = 2;
    running.allocated = 16;
    auto urgent = task(1, 11, 0.1, {});
    urgent.arrival = 1;  // earlier and more important, still waits
    Decision d = p.schedule({16, 3}, {urgent, running});
    CHECK(counts(d) == std::vector<unsigned>{0, 16});
    CHECK(d.grants[1].how == Preemption::None);

    // The chip is free: the earliest arrival runs; equal arrivals go by id.
    auto x = task(8, 1, 100, {});
    x.arrival = 4;
    auto y = task(6, 1, 100, {});
    y.arrival = 4;
    d = p.schedule({16, 5}, {x, urgent, y});
    CHECK(counts(d) == std::vector<unsigned>{0, 16, 0});
    d = p.schedule({16, 6}, {x, y});
    CHECK(counts(d) == std::vector<unsigned>{0, 16});
}

TEST_CASE("static partition gives fixed equal shares in arrival order", "[policy]") {
    StaticPartitionPolicy p(4);
    std::vector<TaskState> q;
    for (unsigned i = 0; i < 5; ++i) {
        q.push_back(task(10 + i, 1, 100, {}));
        q.back().arrival = 5.0 - i;  // the last one arrived first
    }
    // Four partitions of 4: the four earliest arrivals (ids 14, 13, 12, 11) get one each; id 10 waits.
    Decision d = p.schedule({16, 6}, q);
    CHECK(counts(d) == std::vector<unsigned>{0, 4, 4, 4, 4});
    // Id 12 finished; the others keep their partitions and id 10 takes the free one.
    std::vector<TaskState> next = {q[0], q[1], q[3], q[4]};
    for (std::size_t i = 1; i < next.size(); ++i) next[i].allocated = 4;
    d = p.schedule({16, 7}, next);
    CHECK(counts(d) == std::vector<unsigned>{4, 4, 4, 4});
    for (const auto& g : d.grants) CHECK(g.how == Preemption::None);

    // Two partitions from the options: 8 each.
    PolicyOptions o;
    o.partitions = 2;
    auto two = make_policy("static", o);
    CHECK(counts(two->schedule({16, 6}, q)) == std::vector<unsigned>{0, 0, 0, 8, 8});
    CHECK_THROWS_AS(StaticPartitionPolicy(0), std::invalid_argument);
}

TEST_CASE("policies are made by name", "[policy]") {
    CHECK(policy_names() == std::vector<std::string>{"planaria", "prema", "fcfs", "static"});
    for (const auto& n : policy_names()) CHECK(make_policy(n)->name() == n);
    CHECK_THROWS_WITH(make_policy("round-robin"), Catch::Contains("round-robin") && Catch::Contains("planaria") &&
                                                      Catch::Contains("prema") && Catch::Contains("static"));
}
