// Fig. 19's arithmetic against a hand count of the paper's design point.

#include <catch2/catch.hpp>

#include <map>

#include "hw/config/area_power.h"
#include "hw/config/arch_yaml.h"
#include "testbench/paper_reports.h"

using namespace planaria;

namespace {
std::map<std::string, BlockCost> by_block(const ArchConfig& cfg) {
    std::map<std::string, BlockCost> m;
    for (const BlockCost& b : area_power_breakdown(cfg)) m[b.block] = b;
    return m;
}
}  // namespace

TEST_CASE("Fig. 19: every block of the paper's design point, counted by hand", "[area]") {
    const ArchConfig cfg;  // 16 subarrays of 32x32, 4 pods, 700 MHz
    const auto b = by_block(cfg);
    const double mw_per_pj = 0.7;  // pJ per cycle at 700 MHz, in mW
    const double density = 0.46 * mw_per_pj / 2000;  // the PE's mW per um^2
    CHECK(b.size() == 10);
    // 128 x 128 PEs of 2000 um^2, each 0.46 pJ a cycle.
    CHECK(b.at("PEs (multiplier, adder, accumulator, pipeline registers)").area_um2 == Approx(16384.0 * 2000));
    CHECK(b.at("PEs (multiplier, adder, accumulator, pipeline registers)").power_mw == Approx(16384 * 0.46 * mw_per_pj));
    // 128 lanes as a 128-column array needs; the other 16 x 32 - 128 are for fission.
    CHECK(b.at("SIMD vector unit").count == 128);
    CHECK(b.at("SIMD vector unit additions").count == 384);
    CHECK(b.at("SIMD vector unit additions").area_um2 == Approx(384 * 1750.0));
    CHECK(b.at("SIMD vector unit additions").power_mw == Approx(384 * 0.5 * mw_per_pj));
    // 4 KB at 4225 um^2 per KB; one 128-bit read a cycle at 0.083 pJ/bit.
    CHECK(b.at("instruction buffer").area_um2 == Approx(4 * 4225.0));
    CHECK(b.at("instruction buffer additions").area_um2 == Approx(15 * 4 * 4225.0));
    CHECK(b.at("instruction buffer additions").power_mw == Approx(15 * 128 * 0.083 * mw_per_pj));
    // A 2:1 multiplexer on each PE's 16-bit activation and 48-bit partial sum.
    const double omni = 16384.0 * 64 * 1.862;
    CHECK(b.at("omni-directional multiplexers").area_um2 == Approx(omni));
    CHECK(b.at("omni-directional multiplexers").power_mw == Approx(omni * density));
    // 24 links between neighbouring subarrays of the 4x4 grid (12 across, 12
    // down), each 12 stages of a 32 x 16-bit and a 32 x 48-bit vector.
    CHECK(b.at("ring-bus pipeline registers").count == 24);
    CHECK(b.at("ring-bus pipeline registers").area_um2 == Approx(24 * 12 * (512.0 + 1536) * 4.522));
    // Per pod two 4x4 crossbars: 4 outputs of 3 mux levels, 512 and 1536 bits wide.
    CHECK(b.at("Fission Pod crossbars").area_um2 == Approx(4 * (4 * 3 * (512.0 + 1536)) * 1.862));
    // 2x2 pods: 4 neighbour pairs, both ways, 2 stages of a 1536-bit output vector.
    CHECK(b.at("inter-pod links").count == 8);
    CHECK(b.at("inter-pod links").area_um2 == Approx(8 * 2 * 1536.0 * 4.522));
    // Two 6-bit registers per subarray, 8 bits per pod; no dynamic power.
    CHECK(b.at("reconfiguration registers").count == 2 * 6 * 16 + 8 * 4);
    CHECK(b.at("reconfiguration registers").power_mw == 0);
    for (const auto& [name, block] : b)
        CHECK(block.fission == (name.find("PEs") == std::string::npos && name != "SIMD vector unit" &&
                                name != "instruction buffer"));
}

TEST_CASE("Fig. 19: the monolithic array is the common part, and the overhead row adds up", "[area]") {
    const ArchConfig planaria;
    const ArchConfig mono = load_arch_file(PLANARIA_SOURCE_DIR "/scenarios/arch/monolithic.yaml");
    double mono_area = 0, common = 0, fission = 0, fission_mw = 0, common_mw = 0;
    for (const BlockCost& x : area_power_breakdown(mono)) {
        CHECK_FALSE(x.fission);
        mono_area += x.area_um2;
    }
    for (const BlockCost& x : area_power_breakdown(planaria)) {
        (x.fission ? fission : common) += x.area_um2;
        (x.fission ? fission_mw : common_mw) += x.power_mw;
    }
    CHECK(mono_area == Approx(common));
    const ReportTable t = fig19(planaria, mono);
    const auto row = [&](const std::string& first) {
        for (const auto& r : t.rows)
            if (r[0] == first) return r;
        FAIL("no row " << first);
        return std::vector<std::string>{};
    };
    const auto percent = [](const std::string& s) { return std::stod(s.substr(0, s.find(' '))); };
    const auto overhead = row("fission overhead (blocks for fission / the others)");
    CHECK(percent(overhead[4]) == Approx(fission / common * 100).margin(0.05));
    CHECK(percent(overhead[6]) == Approx(fission_mw / common_mw * 100).margin(0.05));
    CHECK(row("paper")[4] == "+12.6 %");
    CHECK(row("paper")[6] == "+20.6 %");
    double shares = 0;
    for (const auto& r : t.rows)
        if (!r[5].empty() && r[0].find("total") == std::string::npos) shares += std::stod(r[5]);
    CHECK(shares == Approx(100).margin(0.05));
}
