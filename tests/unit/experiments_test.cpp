// The experiments behind results/REPORT.md (testbench/experiments.h).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "hw/config/arch_yaml.h"
#include "testbench/experiments.h"

using namespace planaria;

namespace {

ExperimentSetup smoke_setup() {
    ExperimentSetup s;
    s.scenarios_dir = std::string(PLANARIA_SOURCE_DIR) + "/scenarios";
    s.planaria = load_arch_file(s.scenarios_dir + "/arch/planaria.yaml");
    s.monolithic = load_arch_file(s.scenarios_dir + "/arch/monolithic.yaml");
    s.profile = ExperimentProfile::named("smoke");
    return s;
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
    std::ifstream f(path);
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(f, line);) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

}  // namespace

TEST_CASE("experiment profiles and names are checked", "[experiments]") {
    CHECK(ExperimentProfile::named("full").requests == 1000);
    CHECK(ExperimentProfile::named("quick").seeds < ExperimentProfile::named("full").seeds);
    CHECK(ExperimentProfile::named("smoke").requests < ExperimentProfile::named("quick").requests);
    CHECK_THROWS_WITH(ExperimentProfile::named("huge"), Catch::Contains("'huge'") && Catch::Contains("quick"));
    CHECK_THROWS_WITH(run_experiment("fig99", smoke_setup(), "unused"), Catch::Contains("fig99") && Catch::Contains("scaleout"));
    CHECK(experiment_names().size() == 6);
}

TEST_CASE("an experiment logs one line per unit of work it announces (the progress bar's total)", "[experiments]") {
    for (const std::string name : {"multitenant", "timeline"}) {
        ExperimentSetup setup = smoke_setup();
        unsigned lines = 0;
        setup.log = [&](const std::string&) { ++lines; };
        run_experiment(name, setup, "experiments-units-test");
        CHECK(lines == experiment_units(name, setup));
    }
    CHECK_THROWS_WITH(experiment_units("fig99", smoke_setup()), Catch::Contains("fig99"));
}

TEST_CASE("the timeline experiment never gives one subarray to two tasks at once", "[experiments]") {
    const std::string dir = "experiments-timeline-test";
    const auto files = run_experiment("timeline", smoke_setup(), dir);
    REQUIRE(files.size() == 2);
    const auto rows = read_csv(dir + "/timeline.csv");
    REQUIRE(rows.size() > 1);
    CHECK(rows[0] == std::vector<std::string>{"policy", "node", "subarray", "task", "model", "start_ms", "end_ms"});
    std::map<unsigned, std::vector<std::pair<double, double>>> held;
    std::map<std::string, int> tasks;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        REQUIRE(rows[i].size() == 7);
        const unsigned sub = unsigned(std::stoul(rows[i][2]));
        const double start = std::stod(rows[i][5]), end = std::stod(rows[i][6]);
        CHECK(sub < 16);
        CHECK(end >= start);
        for (const auto& [s, e] : held[sub]) CHECK((end <= s || start >= e));
        held[sub].push_back({start, end});
        ++tasks[rows[i][3]];
    }
    // Co-location: more than one subarray busy, tasks from more than one model.
    CHECK(held.size() > 1);
    CHECK(tasks.size() > 10);
}
