// The chip at cycle fidelity: every tile its sequencers issue runs on the
// datapath modules cycle by cycle (values through PEs, ring-bus registers,
// crossbars, SIMD segments and Pod Memory). Checked against two independent
// references: the plain reference execution (every stored tensor bit for
// bit) and, tile by tile, the closed form the tile level times tiles with.
// A perturbed closed form must show up as differing tiles. (That a whole
// inference takes the same time at both fidelities is checked by
// cli.replay_fidelities_agree, in two processes: two chips simulated in one
// process can order their channel requests differently.)
#include <catch2/catch.hpp>

#include "hw/config/arch_yaml.h"
#include "support/functional_tenant.h"

using namespace planaria;
using namespace planaria::test;

namespace {

/// Every tile ran on the datapath in the closed form's cycles, none failed.
void check_cross_check(ReplayPlatform& cycle, std::uint64_t tiles) {
    const CycleCrossCheck& c = cycle.accelerator().cycle_check();
    INFO("first difference: " << c.first_difference << "; first error: " << c.first_error);
    CHECK(tiles > 0);
    CHECK(c.tiles == tiles);
    CHECK(c.errors == 0);
    CHECK(c.differing == 0);
    CHECK(c.datapath_cycles == c.closed_form_cycles);
}

/// Tiles of the job's GEMM layers (the SIMD layers run on the SIMD segments, not the PE array).
std::uint64_t gemm_tiles(const Bundle& b, unsigned k) {
    std::uint64_t n = 0;
    for (const auto& layer : b.per_k[k - 1].table.layers)
        if (layer.configuration != "simd") n += layer.tiles;
    return n;
}

}  // namespace

TEST_CASE("cycle fidelity: a small model on 1 to 16 subarrays runs every tile in the closed form's cycles, bit-exactly",
          "[cycle]") {
    const Tenant t(small_model(), 7);
    ReplayPlatform cycle("cycle", ArchConfig{}, Fidelity::Cycle);
    cycle.enable_functional_data();
    const std::vector<unsigned> counts = {1, 2, 3, 4, 6, 8, 12, 16};
    add_on_counts(cycle, t, counts);
    sc_core::sc_start();
    std::uint64_t tiles = 0;
    for (unsigned k : counts) tiles += gemm_tiles(t.bundle, k);
    check_cross_check(cycle, tiles);
    for (std::size_t j = 0; j < counts.size(); ++j) {
        INFO("k = " << counts[j]);
        check_outputs(cycle, j, t);
    }
}

TEST_CASE("cycle fidelity: MobileNet-v1 co-located with two small tenants", "[cycle]") {
    const Tenant small(small_model(), 11);
    const Tenant mobilenet(zoo("mobilenet_v1", "image=3x32x32"), 12);
    ReplayPlatform cycle("cycle", ArchConfig{}, Fidelity::Cycle);
    cycle.enable_functional_data();
    add_colocated(cycle, mobilenet, small);
    sc_core::sc_start();
    check_cross_check(cycle, gemm_tiles(mobilenet.bundle, 8) + 2 * gemm_tiles(small.bundle, 4));
    check_outputs(cycle, 0, mobilenet);
    check_outputs(cycle, 1, small);
    check_outputs(cycle, 2, small);
}

TEST_CASE("cycle fidelity: a tenant preempted mid-layer resumes on other subarrays bit-exactly", "[cycle][preemption]") {
    const Tenant first(small_model(), 31), second(small_model(), 32);
    ReplayPlatform cycle("cycle", ArchConfig{}, Fidelity::Cycle);
    cycle.enable_functional_data();
    add_preempted(cycle, first, second);
    sc_core::sc_start();
    CHECK(cycle.results()[0].preemptions == 1);
    CHECK(cycle.results()[0].tiles == first.bundle.per_k[3].table.total_tiles());
    check_cross_check(cycle, gemm_tiles(first.bundle, 4) + gemm_tiles(second.bundle, 4));
    check_outputs(cycle, 0, first);
    check_outputs(cycle, 1, second);
}

TEST_CASE("cycle fidelity: the monolithic chip runs a model bit-exactly in the closed form's cycles", "[cycle]") {
    const ArchConfig mono = load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/monolithic.yaml");
    const Tenant t(small_model(), 61, mono);
    ReplayPlatform cycle("cycle", mono, Fidelity::Cycle);
    cycle.enable_functional_data();
    add_on_counts(cycle, t, {1});
    sc_core::sc_start();
    check_cross_check(cycle, gemm_tiles(t.bundle, 1));
    check_outputs(cycle, 0, t);
}

TEST_CASE("cycle fidelity: a perturbed closed form shows up as differing tiles", "[cycle][mutation]") {
    // Timing only: three chips run the same inference on 4 subarrays, the
    // tile level timing its tiles with the closed form as it is, one cycle
    // longer for every tile, and one cycle longer when K is odd.
    const Tenant t(small_model(), 71);
    ReplayPlatform exact("exact", ArchConfig{}, Fidelity::Cycle), longer("longer", ArchConfig{}, Fidelity::Cycle),
        odd("odd", ArchConfig{}, Fidelity::Cycle);
    const auto perturbed = [](bool all) {
        return [all](const ArchConfig& cfg, ArrayShape a, TileShape s, bool simd, const OutputStripe* stripe) {
            TileCycles c = tile_cycles(cfg, a, s, simd, stripe);
            if (all || s.rows % 2) ++c.drain;
            return c;
        };
    };
    longer.accelerator().set_tile_timing(perturbed(true));
    odd.accelerator().set_tile_timing(perturbed(false));
    for (ReplayPlatform* p : {&exact, &longer, &odd}) {
        ReplayJob job;
        job.bundle = &t.bundle;
        job.subarrays = 4;
        p->add(job);
    }
    sc_core::sc_start();
    const CycleCrossCheck &e = exact.accelerator().cycle_check(), &l = longer.accelerator().cycle_check(),
                          &o = odd.accelerator().cycle_check();
    REQUIRE(e.tiles > 0);
    CHECK(e.differing == 0);
    CHECK(l.tiles == e.tiles);
    CHECK(l.differing == l.tiles);
    CHECK(l.closed_form_cycles == l.datapath_cycles + l.tiles);
    CHECK_THAT(l.first_difference, Catch::Matchers::Contains("closed form"));
    CHECK(o.differing > 0);
    CHECK(o.differing < o.tiles);
}
