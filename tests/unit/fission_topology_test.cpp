// Floorplan, decoding of the reconfiguration state into logical arrays, and
// the encoder that programs a wanted array.
#include <catch2/catch.hpp>

#include "hw/config/arch_yaml.h"
#include "hw/fission/fission_configurations.h"

using namespace planaria;
using regmap::Side;

namespace {

/// A placement from grid positions given in logical row-major order.
LogicalArray plan(const Floorplan& fp, unsigned rows, unsigned cols, const std::vector<GridPos>& cells) {
    LogicalArray a;
    a.block_rows = rows;
    a.block_cols = cols;
    for (const auto& g : cells) a.subarrays.push_back(fp.subarray_at(g));
    return a;
}

/// The rectangle of grid cells [r0, r0+rows) x [c0, c0+cols), row-major.
std::vector<GridPos> rect(unsigned r0, unsigned c0, unsigned rows, unsigned cols) {
    std::vector<GridPos> v;
    for (unsigned r = 0; r < rows; ++r)
        for (unsigned c = 0; c < cols; ++c) v.push_back({r0 + r, c0 + c});
    return v;
}

const LogicalArray* array_with(const FissionTopology& t, unsigned subarray) {
    return &t.arrays.at(t.array_of.at(subarray));
}

void set_link(const Floorplan& fp, FissionState& st, unsigned s, Side side) {
    st.subarray[s] |= regmap::link_bit(side);
    st.subarray[*fp.neighbour(s, side)] |= regmap::link_bit(regmap::opposite(side));
}

}  // namespace

TEST_CASE("floorplan: pod-major numbering on a 4x4 grid of 2x2 pods", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    CHECK(fp.subarrays() == 16);
    CHECK(fp.selector_bits() == 2);
    // Pod 0 is the north-west 2x2 block, pod 1 north-east, pod 2 south-west.
    CHECK(fp.position(0) == GridPos{0, 0});
    CHECK(fp.position(1) == GridPos{0, 1});
    CHECK(fp.position(2) == GridPos{1, 0});
    CHECK(fp.position(4) == GridPos{0, 2});
    CHECK(fp.position(8) == GridPos{2, 0});
    CHECK(fp.position(15) == GridPos{3, 3});
    for (unsigned s = 0; s < 16; ++s) CHECK(fp.subarray_at(fp.position(s)) == s);
    // Rings of four close on themselves; the wrap-around link crosses pods.
    CHECK(fp.neighbour(fp.subarray_at({0, 3}), Side::East) == fp.subarray_at({0, 0}));
    CHECK(fp.neighbour(fp.subarray_at({0, 0}), Side::North) == fp.subarray_at({3, 0}));
    CHECK(fp.is_inter_pod(fp.subarray_at({0, 1}), Side::East));
    CHECK_FALSE(fp.is_inter_pod(fp.subarray_at({0, 0}), Side::East));
    for (unsigned s = 0; s < 16; ++s)
        for (unsigned k = 0; k < 4; ++k) {
            const auto n = fp.neighbour(s, Side(k));
            REQUIRE(n);
            CHECK(fp.neighbour(*n, regmap::opposite(Side(k))) == s);
        }
}

TEST_CASE("floorplan: a ring of two is one link, a ring of one none", "[fission]") {
    const Floorplan g64{parse_arch("", "g64", {ArchOverride::parse("subarray.rows=64"),
                                                ArchOverride::parse("subarray.cols=64"),
                                                ArchOverride::parse("subarray.count=4"),
                                                ArchOverride::parse("subarray.grid=[2,2]"),
                                                ArchOverride::parse("pod.activation_buffer.banks=64"),
                                                ArchOverride::parse("pod.output_buffer.banks=64")})};
    CHECK(g64.subarrays_per_pod() == 1);
    CHECK(g64.selector_bits() == 0);
    CHECK(g64.neighbour(0, Side::East) == 1u);
    CHECK_FALSE(g64.neighbour(0, Side::West));
    CHECK_FALSE(g64.neighbour(0, Side::North));
    CHECK(g64.neighbour(0, Side::South) == 2u);
    const Floorplan mono{load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/monolithic.yaml")};
    for (unsigned k = 0; k < 4; ++k) CHECK_FALSE(mono.neighbour(0, Side(k)));
}

TEST_CASE("the 6-bit state encodes and decodes", "[fission]") {
    for (std::uint32_t bits = 0; bits < 64; ++bits) CHECK(SubarrayState::decode(bits).encode() == bits);
    const auto s = SubarrayState::decode(regmap::kActivationWestward | regmap::link_bit(Side::South));
    CHECK(s.activation_westward);
    CHECK_FALSE(s.partial_sum_northward);
    CHECK(s.has_link(Side::South));
    CHECK_FALSE(s.has_link(Side::North));
}

TEST_CASE("reset state: sixteen independent 32x32 arrays", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    const auto r = resolve_fission(fp, FissionState::reset(fp));
    REQUIRE(r.ok());
    REQUIRE(r.topology.arrays.size() == 16);
    CHECK(r.topology.links.empty());
    for (unsigned s = 0; s < 16; ++s) {
        const auto& a = r.topology.arrays[s];
        CHECK(a.block_rows == 1);
        CHECK(a.block_cols == 1);
        CHECK(a.subarrays == std::vector<unsigned>{s});
        CHECK_FALSE(a.omni_directional);
    }
}

TEST_CASE("whole-chip configurations of the paper's Table II form from register state", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    struct Case {
        const char* name;
        std::vector<LogicalArray> arrays;
        bool omni;
    };
    // Snakes: 32x512 runs row by row, turning at the row ends.
    std::vector<GridPos> snake_rows, snake_cols, band_rows_0, band_rows_1, band_cols;
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned c = 0; c < 4; ++c) snake_rows.push_back({r, r % 2 ? 3 - c : c});
    for (unsigned c = 0; c < 4; ++c)
        for (unsigned r = 0; r < 4; ++r) snake_cols.push_back({c % 2 ? 3 - r : r, c});
    // 64x256: rows 0-1 run east, then turn (through the wrap-around link for
    // row 0) into rows 3-2 running west.
    std::vector<GridPos> band256;
    for (unsigned c = 0; c < 4; ++c) band256.push_back({0, c});
    for (unsigned c = 0; c < 4; ++c) band256.push_back({3, 3 - c});
    for (unsigned c = 0; c < 4; ++c) band256.push_back({1, c});
    for (unsigned c = 0; c < 4; ++c) band256.push_back({2, 3 - c});
    // 256x64: columns 0-1 run south, then turn into columns 3-2 running north.
    std::vector<GridPos> band64;
    for (unsigned r = 0; r < 4; ++r) { band64.push_back({r, 0}); band64.push_back({r, 1}); }
    for (unsigned r = 0; r < 4; ++r) { band64.push_back({3 - r, 3}); band64.push_back({3 - r, 2}); }

    std::vector<Case> cases = {
        {"128x128-1", {plan(fp, 4, 4, rect(0, 0, 4, 4))}, false},
        {"32x512-1", {plan(fp, 1, 16, snake_rows)}, true},
        {"512x32-1", {plan(fp, 16, 1, snake_cols)}, true},
        {"64x256-1", {plan(fp, 2, 8, band256)}, true},
        {"256x64-1", {plan(fp, 8, 2, band64)}, true},
        {"128x64-2", {plan(fp, 4, 2, rect(0, 0, 4, 2)), plan(fp, 4, 2, rect(0, 2, 4, 2))}, false},
        {"64x128-2", {plan(fp, 2, 4, rect(0, 0, 2, 4)), plan(fp, 2, 4, rect(2, 0, 2, 4))}, false},
        {"32x128-4", {}, false},
        {"128x32-4", {}, false},
        {"64x64-4", {}, false},
        {"64x32-8", {}, false},
        {"32x64-8", {}, false},
    };
    for (unsigned i = 0; i < 4; ++i) {
        cases[7].arrays.push_back(plan(fp, 1, 4, rect(i, 0, 1, 4)));
        cases[8].arrays.push_back(plan(fp, 4, 1, rect(0, i, 4, 1)));
        cases[9].arrays.push_back(plan(fp, 2, 2, rect(2 * (i / 2), 2 * (i % 2), 2, 2)));
    }
    for (unsigned i = 0; i < 8; ++i) {
        cases[10].arrays.push_back(plan(fp, 2, 1, rect(2 * (i / 4), i % 4, 2, 1)));
        cases[11].arrays.push_back(plan(fp, 1, 2, rect(i / 2, 2 * (i % 2), 1, 2)));
    }

    for (const auto& c : cases) {
        INFO(c.name);
        FissionState st = FissionState::reset(fp);
        for (const auto& a : c.arrays) st = place_array(fp, a, st);
        const auto r = resolve_fission(fp, st);
        REQUIRE(r.ok());
        REQUIRE(r.topology.arrays.size() == c.arrays.size());
        for (const auto& want : c.arrays) {
            const LogicalArray* got = array_with(r.topology, want.subarrays.front());
            CHECK(got->block_rows == want.block_rows);
            CHECK(got->block_cols == want.block_cols);
            CHECK(got->subarrays == want.subarrays);
            CHECK(got->omni_directional == c.omni);
        }
    }
}

TEST_CASE("a snake's state is what the paper's omni-directional flow needs", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    std::vector<GridPos> snake;
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned c = 0; c < 4; ++c) snake.push_back({r, r % 2 ? 3 - c : c});
    const FissionState st = place_array(fp, plan(fp, 1, 16, snake), FissionState::reset(fp));
    // Odd rows flow east to west: the omni-directional multiplexers at work.
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned c = 0; c < 4; ++c)
            CHECK(SubarrayState::decode(st.subarray[fp.subarray_at({r, c})]).activation_westward == (r % 2 == 1));
    const auto r = resolve_fission(fp, st);
    REQUIRE(r.ok());
    unsigned turns = 0, inter_pod = 0;
    for (const auto& l : r.topology.links) {
        CHECK(l.carries_activations());
        turns += l.is_turn();
        inter_pod += l.inter_pod;
    }
    CHECK(r.topology.links.size() == 15);
    CHECK(turns == 3);
    // Every row crosses from a west pod to an east pod; the turn from row 1 to
    // row 2 crosses from pod 0 to pod 2; the other turns stay in a pod.
    CHECK(inter_pod == 5);
}

TEST_CASE("several logical accelerators of different shapes at once", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    FissionState st = FissionState::reset(fp);
    // A 64x128 across pods 0 and 1, a 64x64 in pod 2, two 32x32 and a 32x64 in pod 3.
    st = place_array(fp, plan(fp, 2, 4, rect(0, 0, 2, 4)), st);
    st = place_array(fp, plan(fp, 2, 2, rect(2, 0, 2, 2)), st);
    st = place_array(fp, plan(fp, 1, 2, rect(3, 2, 1, 2)), st);
    const auto r = resolve_fission(fp, st);
    REQUIRE(r.ok());
    CHECK(r.topology.arrays.size() == 5);
    CHECK(array_with(r.topology, fp.subarray_at({0, 0}))->spans_pods);
    CHECK_FALSE(array_with(r.topology, fp.subarray_at({2, 0}))->spans_pods);
    CHECK(array_with(r.topology, fp.subarray_at({2, 2}))->subarrays.size() == 1);
    CHECK(array_with(r.topology, fp.subarray_at({3, 3}))->block_cols == 2);
}

TEST_CASE("placements the ring buses cannot connect are refused by the encoder", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    const auto st = FissionState::reset(fp);
    CHECK_THROWS_AS(place_array(fp, plan(fp, 1, 2, {{0, 0}, {1, 1}}), st), PlacementError);  // diagonal
    CHECK_THROWS_AS(place_array(fp, plan(fp, 1, 2, {{0, 0}, {0, 2}}), st), PlacementError);  // two apart
    CHECK_THROWS_AS(place_array(fp, plan(fp, 1, 3, {{0, 0}, {0, 1}}), st), PlacementError);  // too few
    CHECK_THROWS_AS(place_array(fp, plan(fp, 1, 2, {{0, 0}, {0, 0}}), st), PlacementError);  // twice
}

TEST_CASE("states no hardware could realise are refused with the rule and the subarray", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    const unsigned a = fp.subarray_at({0, 0}), b = fp.subarray_at({0, 1}), c = fp.subarray_at({1, 0});
    auto expect = [&](const FissionState& st, FissionErrorCode code, unsigned unit) {
        const auto r = resolve_fission(fp, st);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->code == code);
        CHECK(r.error->unit == unit);
        CHECK_THAT(r.error->message, Catch::Contains("subarray"));
    };

    SECTION("reserved bits") {
        FissionState st = FissionState::reset(fp);
        st.subarray[5] = 0x40;
        expect(st, FissionErrorCode::ReservedBits, 5);
    }
    SECTION("a link switched on at one end only") {
        FissionState st = FissionState::reset(fp);
        st.subarray[a] |= regmap::link_bit(Side::East);
        expect(st, FissionErrorCode::OneSidedLink, a);
    }
    SECTION("activations flowing into each other") {
        FissionState st = FissionState::reset(fp);
        set_link(fp, st, a, Side::East);
        st.subarray[b] |= regmap::kActivationWestward;
        expect(st, FissionErrorCode::DirectionConflict, a);
    }
    SECTION("partial sums flowing into each other") {
        FissionState st = FissionState::reset(fp);
        set_link(fp, st, a, Side::South);
        st.subarray[c] |= regmap::kPartialSumNorthward;
        expect(st, FissionErrorCode::DirectionConflict, a);
    }
    SECTION("a turn that flips only one direction bit would swap rows") {
        FissionState st = FissionState::reset(fp);
        set_link(fp, st, a, Side::South);
        st.subarray[c] |= regmap::kActivationWestward;  // activation turn, partial sums not mirrored
        expect(st, FissionErrorCode::DirectionConflict, a);
        CHECK_THAT(resolve_fission(fp, st).error->message, Catch::Contains("both direction bits"));
    }
    SECTION("activations circulating around a row ring") {
        FissionState st = FissionState::reset(fp);
        for (unsigned col = 0; col < 4; ++col) set_link(fp, st, fp.subarray_at({0, col}), Side::East);
        expect(st, FissionErrorCode::Cycle, a);
    }
    SECTION("an L shape is not a systolic array") {
        FissionState st = FissionState::reset(fp);
        set_link(fp, st, a, Side::East);
        set_link(fp, st, a, Side::South);
        expect(st, FissionErrorCode::NotRectangular, a);
    }
    SECTION("two outputs into one Pod Memory buffer") {
        FissionState st = FissionState::reset(fp);
        st.selector[b] = fp.slot_of(a);
        expect(st, FissionErrorCode::OutputConflict, b);
    }
    SECTION("a turn that finds no free edges") {
        // Three subarrays of column 0 in turns: (0,0)->(1,0) east, (1,0)->(2,0)
        // west; a third turn (2,0)->(3,0) would need (2,0)'s east edge, which
        // its east through link already uses.
        FissionState st = FissionState::reset(fp);
        const unsigned r1 = fp.subarray_at({1, 0}), r2 = fp.subarray_at({2, 0}), r3 = fp.subarray_at({3, 0});
        set_link(fp, st, a, Side::South);
        set_link(fp, st, c, Side::South);
        set_link(fp, st, r2, Side::South);
        set_link(fp, st, r2, Side::East);
        st.subarray[r1] |= regmap::kActivationWestward | regmap::kPartialSumNorthward;
        st.subarray[r3] |= regmap::kActivationWestward | regmap::kPartialSumNorthward;
        expect(st, FissionErrorCode::PortConflict, r2);
    }
}

TEST_CASE("links to neighbours that do not exist are refused", "[fission]") {
    const ArchConfig g64 = parse_arch("", "g64", {ArchOverride::parse("subarray.rows=64"),
                                                   ArchOverride::parse("subarray.cols=64"),
                                                   ArchOverride::parse("subarray.count=4"),
                                                   ArchOverride::parse("subarray.grid=[2,2]"),
                                                   ArchOverride::parse("pod.activation_buffer.banks=64"),
                                                   ArchOverride::parse("pod.output_buffer.banks=64")});
    const Floorplan fp{g64};
    FissionState st = FissionState::reset(fp);
    st.subarray[0] |= regmap::link_bit(Side::West);
    const auto r = resolve_fission(fp, st);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->code == FissionErrorCode::MissingNeighbour);
    CHECK(r.error->side == Side::West);
    CHECK_THAT(r.error->message, Catch::Contains("no neighbour"));
}

TEST_CASE("crossbar selectors beyond the pod's buffers are refused", "[fission]") {
    // Three subarrays per pod: 2-bit selectors can name a fourth buffer.
    const ArchConfig cfg = parse_arch("", "x", {ArchOverride::parse("subarray.count=12"),
                                                 ArchOverride::parse("subarray.grid=[3,4]"),
                                                 ArchOverride::parse("pod.grid=[1,4]")});
    const Floorplan fp{cfg};
    FissionState st = FissionState::reset(fp);
    st.selector[4] = 3;
    const auto r = resolve_fission(fp, st);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->code == FissionErrorCode::BadSelector);
    CHECK(r.error->unit == 1);  // pod 1
}

TEST_CASE("a whole chip of 16 subarrays has the paper's 15 configurations, six omni-directional", "[fission]") {
    const ArchConfig cfg;
    const Floorplan fp{cfg};
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 16));
    std::vector<std::string> names, omni;
    for (const auto& c : configs) {
        names.push_back(c.name(cfg));
        if (c.omni_directional) omni.push_back(c.name(cfg));
        CHECK(c.subarrays() == 16);
        // The placement is what the hardware forms.
        FissionState st = FissionState::reset(fp);
        for (const auto& a : c.placement) st = place_array(fp, a, st);
        const auto r = resolve_fission(fp, st);
        REQUIRE(r.ok());
        CHECK(r.topology.arrays.size() == c.clusters);
    }
    CHECK(names == std::vector<std::string>{"32x512-1", "64x256-1", "128x128-1", "256x64-1", "512x32-1", "32x256-2",
                                            "64x128-2", "128x64-2", "256x32-2", "32x128-4", "64x64-4", "128x32-4",
                                            "32x64-8", "64x32-8", "32x32-16"});
    CHECK(omni == std::vector<std::string>{"32x512-1", "64x256-1", "256x64-1", "512x32-1", "32x256-2", "256x32-2"});
}

TEST_CASE("canonical regions are connected prefixes: a pod, then the next", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    CHECK(canonical_region(fp, 4) == std::vector<unsigned>{0, 1, 3, 2});
    CHECK(canonical_region(fp, 6) == std::vector<unsigned>{0, 1, 3, 2, 4, 5});
    CHECK(canonical_region(fp, 16).size() == 16);
    // Every k has at least the k independent subarrays and one array over all of them.
    for (unsigned k = 1; k <= 16; ++k) {
        INFO(k);
        const auto configs = enumerate_configurations(fp, canonical_region(fp, k));
        REQUIRE_FALSE(configs.empty());
        CHECK(configs.back().clusters == k);
        CHECK(configs.front().clusters == 1);
    }
}

TEST_CASE("every division of the chip among tenants can be placed", "[fission]") {
    const Floorplan fp{ArchConfig{}};
    const auto scenarios = enumerate_scenarios(fp);
    // Every partition of 16 (there are 231): cutting the snake through all
    // subarrays into consecutive pieces places any of them.
    CHECK(scenarios.size() == 231);
    for (const auto& s : scenarios) {
        FissionState st = FissionState::reset(fp);
        unsigned total = 0;
        for (std::size_t i = 0; i < s.arrays.size(); ++i) {
            CHECK(s.arrays[i].subarrays.size() == s.sizes[i]);
            total += s.sizes[i];
            st = place_array(fp, s.arrays[i], st);
        }
        CHECK(total == 16);
        CHECK(resolve_fission(fp, st).ok());
    }
}
