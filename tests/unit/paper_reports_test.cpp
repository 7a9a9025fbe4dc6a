// The single-DNN reports: every row and column filled from the compiler.
#include <catch2/catch.hpp>

#include "compiler/model.h"
#include "hw/config/arch_yaml.h"
#include "testbench/paper_reports.h"

using namespace planaria;

namespace {
std::vector<Model> two_models() {
    const std::string dir = std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/";
    return {load_model_file(dir + "mobilenet_v1.yaml"), load_model_file(dir + "tiny_yolo.yaml")};
}
ArchConfig arch(const std::string& name) {
    return load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/" + name + ".yaml");
}
}  // namespace

TEST_CASE("Table II lists the 15 whole-chip configurations and each DNN's shares add to 100 %", "[report]") {
    const auto models = two_models();
    const ReportTable t = table2(arch("planaria"), models, Objective::Cycles);
    REQUIRE(t.rows.size() == 15);
    unsigned omni = 0;
    for (const auto& r : t.rows) omni += r[1] == "yes";
    CHECK(omni == 6);
    for (std::size_t m = 0; m < models.size(); ++m) {
        double sum = 0;
        for (const auto& r : t.rows)
            if (!r[2 + m].empty()) sum += std::stod(r[2 + m]);
        CHECK(sum == Approx(100.0).margin(0.2));
    }
    // MobileNet's depth-wise layers pick 32x32-16.
    CHECK_FALSE(t.rows.back()[2].empty());
    CHECK(t.to_csv().find("configuration,omni,mobilenet_v1,tiny_yolo") == 0);
}

TEST_CASE("Fig. 17 compares each DNN with the monolithic array on the chip, the estimate beside", "[report]") {
    const ArchConfig planaria = arch("planaria"), mono = arch("monolithic");
    const auto models = two_models();
    // The estimates, computed here on their own (before the simulation: after
    // one, AddressSanitizer misreads exceptions on the main stack, and the
    // compiler's placement search throws).
    std::vector<double> p, q;
    for (const Model& m : models) {
        p.push_back(run_whole_chip(planaria, m, Objective::Cycles).seconds(planaria));
        q.push_back(run_whole_chip(mono, m, Objective::Cycles).seconds(mono));
    }
    const WholeChipReplays runs({planaria, mono}, models, Objective::Cycles);
    const ReportTable t = fig17(runs, 0, 1);
    REQUIRE(t.rows.size() == models.size() + 2);
    for (std::size_t i = 0; i < models.size(); ++i) {
        const auto& r = t.rows[i];
        // The speedup column is the ratio of the two measured latencies.
        CHECK(std::stod(r[3]) == Approx(std::stod(r[2]) / std::stod(r[1])).epsilon(0.01));
        // The estimate columns are the cost model's.
        CHECK(std::stod(r[12]) == Approx(q[i] / p[i]).epsilon(0.01));
        CHECK(runs.estimate(0, i).seconds(planaria) == Approx(p[i]));
        // The tables predict the chip (within the 5 % the replay tests hold them to).
        CHECK(std::abs(std::stod(r[14])) <= 5.0);
        CHECK(std::abs(std::stod(r[15])) <= 5.0);
        // The default (clock gating) priced again from the counters is the chip's own figure.
        CHECK(r[11] == r[7]);
        // Ungated idle PEs cost the chip with more idle PE-cycles more: both chips' energies rise.
        for (std::size_t d : {0u, 1u})
            CHECK(runs.chip(d, i).energy_pj_gated[std::size_t(PeGating::None)] >
                  runs.chip(d, i).energy_pj_gated[std::size_t(PeGating::Clock)]);
        for (std::size_t c : {1u, 2u, 3u, 5u, 6u, 7u}) CHECK_FALSE(r[c].empty());
    }
    // Depth-wise MobileNet gains from fission.
    CHECK(std::stod(t.rows[0][3]) > 2.0);
    CHECK(t.rows[models.size()][4] == "3.5");
}

TEST_CASE("Fig. 18 normalises the granularity study to the 32x32 design", "[report]") {
    const WholeChipReplays runs({arch("granularity-64"), arch("planaria")}, two_models(), Objective::Cycles);
    const ReportTable t = fig18(runs, {0, 1}, 1);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[1][5] == "1.000");
    CHECK(t.rows[1][6] == "1.000");
    CHECK(t.rows[0][1] == "64x64");
    CHECK(std::stod(t.rows[0][5]) > 0);
}

TEST_CASE("report tables print aligned text and quote CSV cells", "[report]") {
    ReportTable t;
    t.title = "T";
    t.header = {"name", "value"};
    t.rows = {{"a,b", "1"}, {"say \"hi\"", "22"}};
    CHECK(t.to_csv() == "name,value\n\"a,b\",1\n\"say \"\"hi\"\"\",22\n");
    CHECK(t.to_text() == "T\nname      value\n---------------\na,b           1\nsay \"hi\"     22\n");
    CHECK_THROWS_WITH(t.write_csv("/nonexistent/dir/t.csv"), Catch::Contains("/nonexistent/dir/t.csv"));
}
