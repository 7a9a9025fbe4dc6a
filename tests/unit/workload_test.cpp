// Workloads: the scenario files (shipped and broken ones), the QoS levels and
// the Poisson request generator. Expected values are worked out by hand in the
// comments next to them.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstring>
#include <limits>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "testbench/workload.h"

using namespace planaria;

namespace {

std::string shipped(const std::string& name) { return std::string(PLANARIA_SOURCE_DIR) + "/scenarios/" + name; }

const char* kTiny = R"(format: planaria-workload/1
name: Tiny
description: two models for the tests
models: [resnet50, gnmt]
qos:
  resnet50: 15
  gnmt: 250
translation: [gnmt]
requests: 10
rate: 100
seed: 7
)";

/// `text` with the line that starts with `key` replaced by `line` (removed if
/// `line` is empty); `line` is appended if no line starts with `key`.
std::string edit(const std::string& text, const std::string& key, const std::string& line) {
    std::istringstream in(text);
    std::string out, l;
    bool found = false;
    while (std::getline(in, l)) {
        if (l.rfind(key, 0) == 0) {
            found = true;
            if (!line.empty()) out += line + "\n";
        } else {
            out += l + "\n";
        }
    }
    if (!found) out += line + "\n";
    return out;
}

std::string tiny_with(const std::string& key, const std::string& line) { return edit(kTiny, key, line); }

/// Parses `yaml` as "bad.yaml" and checks the error names the file, the line, the path and the rule.
void expect_error(const std::string& yaml, const std::string& line, const std::string& path,
                  const std::string& rule) {
    INFO(yaml);
    try {
        parse_scenario(yaml, "bad.yaml");
        FAIL("accepted");
    } catch (const WorkloadError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::StartsWith("bad.yaml:" + line + ": " + path + ": "));
        CHECK_THAT(what, Catch::Contains(rule));
        CHECK(e.path() == path);
    }
}

/// Every byte of every field, so "identical" means byte-identical.
std::string bytes(const std::vector<Request>& rs) {
    std::string s;
    const auto raw = [&](const auto& v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); };
    for (const auto& r : rs) {
        raw(r.id);
        s += r.model + '\0';
        raw(r.arrival);
        raw(r.priority);
        raw(r.bound);
        raw(r.translation);
    }
    return s;
}

}  // namespace

TEST_CASE("QoS levels parse and divide the bounds by 1 4 and 16", "[workload]") {
    CHECK(parse_qos("S") == QosLevel::Soft);
    CHECK(parse_qos("m") == QosLevel::Medium);
    CHECK(parse_qos("H") == QosLevel::Hard);
    CHECK(parse_qos("soft") == QosLevel::Soft);
    CHECK(parse_qos("Medium") == QosLevel::Medium);
    CHECK(parse_qos("HARD") == QosLevel::Hard);
    CHECK(parse_qos("QoS-M") == QosLevel::Medium);
    CHECK_THROWS_AS(parse_qos("X"), std::invalid_argument);
    CHECK_THROWS_AS(parse_qos(""), std::invalid_argument);
    CHECK_THROWS_WITH(parse_qos("extreme"), Catch::Contains("'extreme'"));
    CHECK(qos_divisor(QosLevel::Soft) == 1.0);
    CHECK(qos_divisor(QosLevel::Medium) == 4.0);
    CHECK(qos_divisor(QosLevel::Hard) == 16.0);
    CHECK(to_string(QosLevel::Medium) == "M");
    CHECK(parse_qos(to_string(QosLevel::Hard)) == QosLevel::Hard);
}

TEST_CASE("request bounds follow the QoS level and the translation class", "[workload]") {
    const Scenario s = parse_scenario(kTiny, "tiny.yaml");
    const std::map<QosLevel, std::pair<double, double>> expected = {
        // resnet50 15 ms and gnmt 250 ms, divided by 1, 4, 16, in seconds:
        {QosLevel::Soft, {0.015, 0.250}},       // 15 / 1000, 250 / 1000
        {QosLevel::Medium, {0.00375, 0.0625}},  // 15 / 4 = 3.75 ms, 250 / 4 = 62.5 ms
        {QosLevel::Hard, {0.0009375, 0.015625}} // 15 / 16 = 0.9375 ms, 250 / 16 = 15.625 ms
    };
    for (const auto& [level, bounds] : expected) {
        INFO(to_string(level));
        const auto rs = generate_requests(s, level, 100.0, 200, 3);
        std::set<std::string> seen;
        for (const auto& r : rs) {
            seen.insert(r.model);
            if (r.model == "resnet50") {
                CHECK(r.bound == Approx(bounds.first).epsilon(1e-15));
                CHECK_FALSE(r.translation);
            } else {
                CHECK(r.bound == Approx(bounds.second).epsilon(1e-15));
                CHECK(r.translation);
            }
        }
        CHECK(seen.size() == 2);
    }
}

TEST_CASE("the first request equals the documented draws of mt19937_64", "[workload]") {
    // std::mt19937_64 seeded with 5489 (its default seed) must produce, by the
    // C++ standard, 14514284786278117030, 4620546740167642908, 13109570281517897720.
    // Draw 1, inter-arrival: u = (14514284786278117030 >> 11) * 2^-53
    //   = 7087053118299861 * 2^-53 = 0.7868209548678019,
    //   t = -ln(1 - u) / 100 = -ln(0.2131790451321981) / 100 = 0.015456228788933969 s.
    // Draw 2, model: 4620546740167642908 mod 9 = 0 -> models[0] = resnet50.
    // Draw 3, priority: 1 + 13109570281517897720 mod 11 = 1 + 5 = 6.
    const Scenario c = load_scenario(shipped("workload-c.yaml"));
    const auto rs = generate_requests(c, QosLevel::Soft, 100.0, 1, 5489);
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].id == 0);
    CHECK(rs[0].arrival == Approx(0.015456228788933969).epsilon(1e-14));
    CHECK(rs[0].model == "resnet50");
    CHECK(rs[0].priority == 6);
    CHECK(rs[0].bound == Approx(0.015));
}

TEST_CASE("Poisson arrivals have mean inter-arrival time 1 over the rate", "[workload]") {
    const Scenario c = load_scenario(shipped("workload-c.yaml"));
    for (double rate : {50.0, 1000.0}) {
        INFO("rate " << rate);
        const unsigned n = 10000;
        const auto rs = generate_requests(c, QosLevel::Medium, rate, n, 42);
        REQUIRE(rs.size() == n);
        // Inter-arrival times: Exp(rate), mean 1/rate and standard deviation 1/rate,
        // so the mean of 10,000 has a standard deviation of 1 % of 1/rate; 4 % is 4 sigma.
        double sum = 0, sum_sq = 0, prev = 0;
        for (unsigned i = 0; i < n; ++i) {
            CHECK(rs[i].id == i);
            const double gap = rs[i].arrival - prev;
            REQUIRE(gap >= 0);  // arrival order
            sum += gap;
            sum_sq += gap * gap;
            prev = rs[i].arrival;
        }
        const double mean = sum / n;
        CHECK(mean == Approx(1.0 / rate).epsilon(0.04));
        // Exponential: the variance equals the squared mean (1/rate^2); within 10 %.
        const double var = sum_sq / n - mean * mean;
        CHECK(var == Approx(1.0 / (rate * rate)).epsilon(0.10));
        CHECK(rs[0].arrival > 0);  // the first arrival is the first draw, not 0
    }
}

TEST_CASE("models and priorities are uniform over their ranges", "[workload]") {
    Scenario c = load_scenario(shipped("workload-c.yaml"));
    const unsigned n = 9900;
    const auto rs = generate_requests(c, QosLevel::Soft, 100.0, n, 11);
    std::map<std::string, unsigned> per_model;
    std::map<unsigned, unsigned> per_priority;
    for (const auto& r : rs) {
        ++per_model[r.model];
        ++per_priority[r.priority];
    }
    // 9 models: 9900 / 9 = 1100 each; 11 priorities: 9900 / 11 = 900 each. A
    // count's standard deviation is about sqrt(1100) = 33 and sqrt(900) = 30, so
    // +-15 % (165 and 135) is about 5 sigma.
    REQUIRE(per_model.size() == 9);
    for (const auto& m : c.models) CHECK(per_model[m] == Approx(1100).epsilon(0.15));
    REQUIRE(per_priority.size() == 11);
    CHECK(per_priority.begin()->first == 1);
    CHECK(per_priority.rbegin()->first == 11);
    for (const auto& [p, count] : per_priority) CHECK(count == Approx(900).epsilon(0.15));

    // A narrower range from the scenario: [3, 4] gives only 3 and 4.
    c.min_priority = 3;
    c.max_priority = 4;
    std::set<unsigned> seen;
    for (const auto& r : generate_requests(c, QosLevel::Soft, 100.0, 1000, 11)) seen.insert(r.priority);
    CHECK(seen == std::set<unsigned>{3, 4});
}

TEST_CASE("the generator is deterministic: same seed gives byte-identical requests", "[workload]") {
    const Scenario a = load_scenario(shipped("workload-a.yaml"));
    const auto r1 = generate_requests(a, QosLevel::Hard, 40.0, 1000, 9);
    const auto r2 = generate_requests(a, QosLevel::Hard, 40.0, 1000, 9);
    CHECK(bytes(r1) == bytes(r2));
    const auto r3 = generate_requests(a, QosLevel::Hard, 40.0, 1000, 10);
    CHECK(bytes(r1) != bytes(r3));
    // A prefix is the same stream: the first 10 of 1000 equal a run of 10.
    const auto r4 = generate_requests(a, QosLevel::Hard, 40.0, 10, 9);
    CHECK(bytes(r4) == bytes(std::vector<Request>(r1.begin(), r1.begin() + 10)));
    // Doubling the rate halves every arrival time (same draws): t = -ln(1-u) / rate.
    const auto r5 = generate_requests(a, QosLevel::Hard, 80.0, 1000, 9);
    for (std::size_t i = 0; i < r1.size(); i += 97) {
        CHECK(r5[i].arrival == Approx(r1[i].arrival / 2).epsilon(1e-12));
        CHECK(r5[i].model == r1[i].model);
    }
    // The scenario's defaults: rate 40, 1000 requests, seed 1.
    const auto d = generate_requests(a, QosLevel::Hard);
    CHECK(bytes(d) == bytes(generate_requests(a, QosLevel::Hard, a.rate, a.requests, a.seed)));
    CHECK(d.size() == 1000);
}

TEST_CASE("the generator rejects a bad rate or an incomplete scenario", "[workload]") {
    Scenario s = parse_scenario(kTiny, "tiny.yaml");
    CHECK_THROWS_AS(generate_requests(s, QosLevel::Soft, 0.0, 10, 1), WorkloadError);
    CHECK_THROWS_AS(generate_requests(s, QosLevel::Soft, -5.0, 10, 1), WorkloadError);
    CHECK_THROWS_AS(generate_requests(s, QosLevel::Soft, std::numeric_limits<double>::infinity(), 10, 1),
                    WorkloadError);
    CHECK_THROWS_AS(generate_requests(s, QosLevel::Soft, std::nan(""), 10, 1), WorkloadError);
    // A rate so low that the arrivals would outrun the resolution of simulated time.
    CHECK_THROWS_WITH(generate_requests(s, QosLevel::Soft, 1e-3, 10000, 1), Catch::Contains("10^6 s"));
    CHECK(generate_requests(s, QosLevel::Soft, 10.0, 0, 1).empty());
    s.qos_ms.erase("gnmt");
    CHECK_THROWS_WITH(generate_requests(s, QosLevel::Soft, 10.0, 10, 1), Catch::Contains("gnmt"));
    s.models.clear();
    CHECK_THROWS_AS(generate_requests(s, QosLevel::Soft, 10.0, 10, 1), std::invalid_argument);
}

TEST_CASE("the shipped scenario files load and hold the Table I model sets", "[workload]") {
    const Scenario a = load_scenario(shipped("workload-a.yaml"));
    const Scenario b = load_scenario(shipped("workload-b.yaml"));
    const Scenario c = load_scenario(shipped("workload-c.yaml"));
    const std::vector<std::string> set_a = {"resnet50", "googlenet", "yolov3", "ssd_resnet34", "gnmt"};
    const std::vector<std::string> set_b = {"efficientnet_b0", "mobilenet_v1", "ssd_mobilenet_v1", "tiny_yolo"};
    std::vector<std::string> set_c = set_a;
    set_c.insert(set_c.end(), set_b.begin(), set_b.end());
    CHECK(a.models == set_a);
    CHECK(b.models == set_b);
    CHECK(c.models == set_c);
    CHECK(a.name == "Workload-A");
    CHECK(b.name == "Workload-B");
    CHECK(c.name == "Workload-C");
    CHECK(c.file == shipped("workload-c.yaml"));

    // QoS-S bounds of qos.md (MLPerf server, and the project's four choices).
    const std::map<std::string, double> bounds = {
        {"resnet50", 15},     {"googlenet", 15},       {"yolov3", 100},          {"ssd_resnet34", 100}, {"gnmt", 250},
        {"efficientnet_b0", 10}, {"mobilenet_v1", 10}, {"ssd_mobilenet_v1", 10}, {"tiny_yolo", 10}};
    for (const Scenario* s : {&a, &b, &c}) {
        INFO(s->name);
        CHECK(s->qos_ms.size() == s->models.size());
        for (const auto& m : s->models) {
            INFO(m);
            CHECK(s->qos_ms.at(m) == bounds.at(m));
            // Every model key names a model file of the zoo.
            CHECK(std::ifstream(model_file(*s, m)).good());
        }
        CHECK(s->requests > 0);
        CHECK(s->rate > 0);
        CHECK(s->min_priority == 1);
        CHECK(s->max_priority == 11);
    }
    CHECK(a.translation == std::set<std::string>{"gnmt"});
    CHECK(b.translation.empty());
    CHECK(c.translation == std::set<std::string>{"gnmt"});
}

TEST_CASE("a minimal scenario takes the default priorities and an empty description", "[workload]") {
    const Scenario s = parse_scenario(tiny_with("description", ""), "min.yaml");
    CHECK(s.description.empty());
    CHECK(s.min_priority == 1);
    CHECK(s.max_priority == 11);
    CHECK(s.requests == 10);
    CHECK(s.rate == 100);
    CHECK(s.seed == 7);
    CHECK(s.file == "min.yaml");
    CHECK(model_file(s, "gnmt") == "./models/gnmt.yaml");
    const Scenario p = parse_scenario(tiny_with("priorities", "priorities: [2, 5]"), "p.yaml");
    CHECK(p.min_priority == 2);
    CHECK(p.max_priority == 5);
}

TEST_CASE("scenario file errors name the file line path and rule", "[workload]") {
    // kTiny's lines: 1 format, 2 name, 3 description, 4 models, 5 qos, 6 resnet50,
    // 7 gnmt, 8 translation, 9 requests, 10 rate, 11 seed.
    SECTION("unknown key") {
        expect_error(std::string(kTiny) + "arrival_rate: 5\n", "12", "arrival_rate", "unknown key");
    }
    SECTION("missing bound") {
        expect_error(tiny_with("  gnmt", ""), "6", "qos.gnmt", "missing");
    }
    SECTION("bound for a model the scenario does not run") {
        expect_error(tiny_with("  gnmt", "  gnmt: 250\n  yolov3: 100"), "8", "qos.yolov3",
                     "not one of the scenario's models");
    }
    SECTION("bound not positive") {
        expect_error(tiny_with("  gnmt", "  gnmt: 0"), "7", "qos.gnmt", "must be > 0");
    }
    SECTION("rate zero") {
        expect_error(tiny_with("rate", "rate: 0"), "10", "rate", "must be from 0.001 to 1000000");
    }
    SECTION("rate negative") {
        expect_error(tiny_with("rate", "rate: -3"), "10", "rate", "must be from 0.001 to 1000000");
    }
    SECTION("rate not a number") {
        expect_error(tiny_with("rate", "rate: fast"), "10", "rate", "must be a number, got 'fast'");
    }
    SECTION("rate not finite") {
        expect_error(tiny_with("rate", "rate: 1e999"), "10", "rate", "must be finite");
    }
    SECTION("rate missing") {
        expect_error(tiny_with("rate", ""), "1", "rate", "missing");
    }
    SECTION("zero requests") {
        expect_error(tiny_with("requests", "requests: 0"), "9", "requests", "must be from 1 to 1000000");
    }
    SECTION("fractional requests") {
        expect_error(tiny_with("requests", "requests: 2.5"), "9", "requests", "whole number");
    }
    SECTION("negative seed") {
        expect_error(tiny_with("seed", "seed: -1"), "11", "seed", "whole number");
    }
    SECTION("wrong format") {
        expect_error(tiny_with("format", "format: planaria-workload/2"), "1", "format", "planaria-workload/1");
    }
    SECTION("no models") {
        expect_error(tiny_with("models", "models: []"), "4", "models", "at least one");
    }
    SECTION("duplicate model") {
        expect_error(tiny_with("models", "models: [resnet50, gnmt, resnet50]"), "4", "models[2]", "twice");
    }
    SECTION("model key that is not a key") {
        expect_error(tiny_with("models", "models: [resnet50, ../gnmt]"), "4", "models[1]", "not a model key");
    }
    SECTION("translation model not in the scenario") {
        expect_error(tiny_with("translation", "translation: [bert]"), "8", "translation[0]",
                     "not one of the scenario's models");
    }
    SECTION("priorities reversed") {
        expect_error(tiny_with("priorities", "priorities: [5, 2]"), "12", "priorities", "exceeds max");
    }
    SECTION("priority zero") {
        expect_error(tiny_with("priorities", "priorities: [0, 2]"), "12", "priorities[0]", "lowest priority is 1");
    }
    SECTION("duplicate key") {
        expect_error(std::string(kTiny) + "seed: 8\n", "12", "seed", "duplicate key");
    }
    SECTION("qos not a mapping") {
        // Lines 6 and 7 (the bounds) removed too.
        expect_error(edit(edit(tiny_with("qos", "qos: 15"), "  resnet50", ""), "  gnmt", ""), "5", "qos", "mapping");
    }
    SECTION("malformed YAML") {
        expect_error("models: [a, b\n", "2", "<document>", "malformed YAML");
    }
    SECTION("empty document") {
        try {
            parse_scenario("", "bad.yaml");
            FAIL("accepted");
        } catch (const WorkloadError& e) {
            CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.yaml"));
            CHECK_THAT(std::string(e.what()), Catch::Contains("empty"));
        }
    }
}

TEST_CASE("load_scenario names the file it read and a file it cannot open", "[workload]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("planaria-workload-test-" + std::to_string(::getpid()) + ".yaml");
    {
        std::ofstream out(path);
        out << std::string(kTiny) << "colour: blue\n";
    }
    try {
        load_scenario(path.string());
        FAIL("accepted");
    } catch (const WorkloadError& e) {
        CHECK_THAT(std::string(e.what()), Catch::StartsWith(path.string() + ":12: colour: unknown key"));
        CHECK(e.where() == path.string() + ":12");
    }
    std::filesystem::remove(path);
    CHECK_THROWS_WITH(load_scenario(path.string()), Catch::StartsWith(path.string()) && Catch::Contains("cannot open"));
}
