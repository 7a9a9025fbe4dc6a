// What a tile does for energy, counted by hand from the paper's dataflow, and
// the energy the architecture's figures put on it under each gating option.

#include <catch2/catch.hpp>

#include "hw/config/arch_yaml.h"
#include "hw/timing/tile_activity.h"

using namespace planaria;

namespace {
constexpr std::uint64_t kCycles = 200;  // any tile length: PE-cycles scale with it
}

TEST_CASE("tile activity: a 64x64 array's four subarrays, counted by hand", "[energy]") {
    const ArchConfig cfg;  // 32x32 subarrays, 16-bit values, 48-bit partial sums, four subarrays per pod
    const ArrayShape array{2, 2};
    const TileShape tile{10, 40, 50};  // K = 32 + 8 rows, N = 32 + 18 columns
    const auto at = [&](unsigned r, unsigned c, bool accumulate) {
        return tile_activity(cfg, array, r, c, tile, kCycles, accumulate, nullptr);
    };
    // The entry subarray (0, 0): full weights, the block row's activations
    // read, through the crossbar and one ring-bus hop to its neighbour.
    const Activity a00 = at(0, 0, false);
    CHECK(a00.macs == 10 * 32 * 32);
    CHECK(a00.pe_cycles == 32 * 32 * kCycles);
    CHECK(a00.weight_buffer_bits == 32 * 32 * 16);
    CHECK(a00.activation_buffer_bits == 10 * 32 * 16);
    CHECK(a00.crossbar_bits == 10 * 32 * 16);
    CHECK(a00.ring_bus_bit_hops == 10 * 32 * 16 * 1);
    CHECK(a00.output_buffer_bits == 0);
    // The exit subarray (1, 1): 8 rows x 18 columns of weights; its 18
    // partial sums per vector come down one ring-bus hop and are read back
    // and written (accumulating) through the output crossbar.
    const Activity a11 = at(1, 1, true);
    CHECK(a11.macs == 10 * 8 * 18);
    CHECK(a11.weight_buffer_bits == 8 * 18 * 16);
    CHECK(a11.activation_buffer_bits == 0);
    CHECK(a11.output_buffer_bits == 10 * 18 * 48 * 2);
    CHECK(a11.crossbar_bits == 10 * 18 * 48 * 2);
    CHECK(a11.ring_bus_bit_hops == 10 * 18 * 48 * 1);
    // (1, 0) is both: activations of its 8 rows in, 32 columns of sums out.
    const Activity a10 = at(1, 0, false);
    CHECK(a10.activation_buffer_bits == 10 * 8 * 16);
    CHECK(a10.output_buffer_bits == 10 * 32 * 48);
    CHECK(a10.crossbar_bits == 10 * 8 * 16 + 10 * 32 * 48);
    CHECK(a10.ring_bus_bit_hops == 10 * 8 * 16 + 10 * 32 * 48);
    // The four together did every MAC of the tile once.
    Activity all;
    for (unsigned r = 0; r < 2; ++r)
        for (unsigned c = 0; c < 2; ++c) all += at(r, c, false);
    CHECK(all.macs == 10 * 40 * 50);
    CHECK(all.pe_cycles == 4 * 1024 * kCycles);
    CHECK(all.inter_pod_bit_hops == 0);
}

TEST_CASE("tile activity: outputs striped to other pods pay the link hops", "[energy]") {
    const ArchConfig cfg;
    OutputStripe stripe;
    stripe.buffers = 3;
    stripe.hops = {{0, 1, 2}};  // one exit block column: its own buffer, one a hop away, one two
    // Vectors 0..9 go to buffers v mod 3: four to the own buffer, three one hop, three two hops.
    const Activity a = tile_activity(cfg, {1, 1}, 0, 0, {10, 32, 20}, kCycles, true, &stripe);
    CHECK(a.inter_pod_bit_hops == (3 * 1 + 3 * 2) * 20 * 48 * 2);
    const Activity plain = tile_activity(cfg, {1, 1}, 0, 0, {10, 32, 20}, kCycles, false, &stripe);
    CHECK(plain.inter_pod_bit_hops == (3 * 1 + 3 * 2) * 20 * 48);
}

TEST_CASE("tile activity: a chip whose pods hold one subarray has no crossbar", "[energy]") {
    const ArchConfig mono = load_arch_file(PLANARIA_SOURCE_DIR "/scenarios/arch/monolithic.yaml");
    REQUIRE_FALSE(has_crossbars(mono));
    const Activity a = tile_activity(mono, {1, 1}, 0, 0, {100, 128, 128}, kCycles, true, nullptr);
    CHECK(a.crossbar_bits == 0);
    CHECK(a.activation_buffer_bits == 100 * 128 * 16);
    CHECK(a.ring_bus_bit_hops == 0);
}

TEST_CASE("a crossbar bit crosses one multiplexer level per doubling of the pod's subarrays", "[energy]") {
    const auto arch = [](const char* name) {
        return load_arch_file(std::string(PLANARIA_SOURCE_DIR "/scenarios/arch/") + name + ".yaml");
    };
    CHECK(crossbar_levels(arch("planaria")) == 2);        // 4 subarrays a pod
    CHECK(crossbar_levels(arch("granularity-16")) == 4);  // 16
    CHECK(crossbar_levels(arch("granularity-64")) == 0);  // 1: no crossbar
    CHECK(crossbar_levels(arch("monolithic")) == 0);
}

TEST_CASE("activity energy: each component is its counter times its figure", "[energy]") {
    ArchConfig cfg;
    cfg.energy.mac_pj = 0.5;
    cfg.energy.data_gated_pe_fraction = 0.4;
    cfg.energy.clock_gated_pe_fraction = 0.02;
    Activity a;
    a.macs = 1000, a.pe_cycles = 5000;
    a.weight_buffer_bits = 10, a.activation_buffer_bits = 20, a.output_buffer_bits = 30;
    a.ring_bus_bit_hops = 40, a.crossbar_bits = 50, a.inter_pod_bit_hops = 60;
    a.simd_ops = 70, a.instruction_bits = 80;
    const auto& e = cfg.energy;
    for (const auto& [gating, fraction] : {std::pair{PeGating::None, 1.0}, {PeGating::Data, 0.4}, {PeGating::Clock, 0.02}}) {
        cfg.energy.pe_gating = gating;
        const EnergyBreakdown b = activity_energy(cfg, 90, a);
        CHECK(b.mac == Approx(1000 * 0.5));
        CHECK(b.idle_pe == Approx(4000 * 0.5 * fraction));  // 5000 PE-cycles, 1000 of them MACs
        CHECK(b.weight_buffer == Approx(10 * e.weight_buffer_pj_per_bit));
        CHECK(b.activation_buffer == Approx(20 * e.activation_buffer_pj_per_bit));
        CHECK(b.output_buffer == Approx(30 * e.output_buffer_pj_per_bit));
        CHECK(b.ring_bus == Approx(40 * e.bus_pj_per_bit_hop));
        CHECK(b.crossbar == Approx(50 * e.crossbar_pj_per_bit_level * 2));  // four subarrays a pod: two mux levels
        CHECK(b.inter_pod_link == Approx(60 * e.inter_pod_link_pj_per_bit_hop));
        CHECK(b.simd == Approx(70 * e.simd_op_pj));
        CHECK(b.instruction_fetch == Approx(80 * e.instruction_buffer_pj_per_bit));
        CHECK(b.dram == Approx(90 * 8 * e.dram_pj_per_bit));
        CHECK(b.leakage == 0);
        double sum = 0;
        for (const auto& [name, field] : EnergyBreakdown::components()) sum += b.*field;
        CHECK(b.total() == Approx(sum));
    }
}

TEST_CASE("the gating option is read from YAML and a bad value names the key", "[energy][arch]") {
    CHECK(parse_arch("energy:\n  pe_gating: none\n", "g.yaml").energy.pe_gating == PeGating::None);
    CHECK(parse_arch("", "g.yaml").energy.pe_gating == PeGating::Clock);
    try {
        parse_arch("energy:\n  pe_gating: sometimes\n", "g.yaml");
        FAIL("accepted an unknown gating");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("energy.pe_gating") != std::string::npos);
        CHECK(std::string(e.what()).find("none, data or clock") != std::string::npos);
    }
    try {
        parse_arch("energy:\n  clock_gated_pe_fraction: 1.5\n", "g.yaml");
        FAIL("accepted a gated PE dearer than a working one");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("energy.clock_gated_pe_fraction") != std::string::npos);
    }
}
