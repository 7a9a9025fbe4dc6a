// The Pod Memory a logical array reaches (hw/fission/buffer_reach.h): buffer
// counts and hops against a hand reading of the floorplan, and the inter-pod
// links' latency and bandwidth in the cycle-accurate datapath against the
// closed form.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/cost_model.h"
#include "hw/fission/buffer_reach.h"
#include "hw/fission/fission_configurations.h"
#include "support/datapath_bench.h"

using namespace planaria;
using namespace planaria::test;

namespace {

/// A tile of `m` vectors filling `array`, run on the cycle-accurate datapath:
/// its cycles, after checking the outputs against a plain GEMM.
std::uint64_t run_tile(DatapathBench& b, const LogicalArray& array, unsigned m) {
    const ArchConfig& cfg = b.cfg;
    b.form({array});
    std::mt19937 rng(m);
    const auto op = b.load_random(array, m, rng, -200, 200);
    TileCommand cmd;
    cmd.shape = {m, op.k, op.n};
    const TileRun run = b.dp.compute_tile(array, cmd);
    CHECK(b.dp.read_outputs(array, 0, m, op.n) == reference_gemm(op.activations, op.weights, m, op.k, op.n));
    const BufferReach reach(cfg, b.dp.floorplan(), array);
    CHECK(run.cycles == tile_cycles(cfg, {array.block_rows, array.block_cols}, cmd.shape, false, reach.stripe()).total());
    return run.cycles;
}

}  // namespace

TEST_CASE("a 128x128 array reaches every buffer of the chip, half of its outputs over one inter-pod hop",
          "[buffer_reach]") {
    // Planaria: 4x4 subarrays, 2x2 pods. Exit subarray (3, c) sits in a bottom
    // pod with (2, c), whose output buffer it takes through the crossbar; the
    // top pod above gives the buffers of (0, c) and (1, c) over one hop. Entry
    // subarray (r, 0) shares its pod with (r, 1) and takes its activation buffer.
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    const LogicalArray whole = rect_array(fp, 0, 0, 4, 4);
    const BufferReach reach(cfg, fp, whole);
    for (unsigned c = 0; c < 4; ++c) {
        const auto& out = reach.output_buffers(c);
        REQUIRE(out.size() == 4);
        CHECK(out[0].subarray == whole.at(3, c));
        CHECK(out[0].hops == 0);
        CHECK(out[1].hops == 0);
        CHECK(out[2].hops == 1);
        CHECK(out[3].hops == 1);
        std::set<unsigned> owners;
        for (const auto& b : out) owners.insert(b.subarray);
        CHECK(owners == std::set<unsigned>{whole.at(0, c), whole.at(1, c), whole.at(2, c), whole.at(3, c)});
    }
    for (unsigned r = 0; r < 4; ++r) {
        REQUIRE(reach.activation_buffers(r).size() == 2);
        CHECK(reach.activation_buffers(r)[1].subarray == whole.at(r, 1));
    }
    // 256 KB of 32 banks x 48 bits: 1365 entries per output buffer; 256 KB of
    // 32 x 16 bits: 4096 per activation buffer.
    CHECK(reach.output_entries() == 4 * 1365);
    CHECK(reach.activation_entries() == 2 * 4096);
    CHECK(reach.max_tile_vectors() == 2730);  // the monolithic array's: 4 MB / (128 x 6 B) / 2
    REQUIRE(reach.stripe() != nullptr);
    CHECK(reach.stripe()->buffers == 4);
    CHECK(reach.stripe()->links.size() == 2);  // bottom-left pod to top-left, bottom-right to top-right
}

TEST_CASE("an array inside one pod reaches its pod-mates' buffers through the crossbar only", "[buffer_reach]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    const LogicalArray pod0 = rect_array(fp, 0, 0, 2, 2);  // 64x64: all of pod 0
    const BufferReach reach(cfg, fp, pod0);
    CHECK(reach.stripe() == nullptr);
    CHECK(reach.output_buffers(0).size() == 2);
    CHECK(reach.output_buffers(1).size() == 2);
    CHECK(reach.max_tile_vectors() == 1365);
    // A lone subarray keeps its own buffers.
    const BufferReach one(cfg, fp, rect_array(fp, 0, 0, 1, 1));
    CHECK(one.max_tile_vectors() == 682);
    CHECK(one.stripe() == nullptr);
}

namespace {

/// The closed-form cycles of a tile of `m` vectors filling `array` on `cfg`.
std::uint64_t closed_form(const ArchConfig& cfg, const LogicalArray& array, unsigned m) {
    const Floorplan fp(cfg);
    const TileShape t{m, array.block_rows * cfg.subarray.rows, array.block_cols * cfg.subarray.cols};
    return tile_cycles(cfg, {array.block_rows, array.block_cols}, t, false, BufferReach(cfg, fp, array).stripe()).total();
}

/// The configuration tables' cycles of a layer filling the squarest single
/// array of k subarrays.
std::uint64_t estimate(const ArchConfig& c, unsigned k) {
    const Floorplan f(c);
    const CostModel cost(c, 16);
    const auto configs = enumerate_configurations(f, canonical_region(f, k));
    const FissionConfiguration* square = squarest_single_array(configs);
    REQUIRE(square != nullptr);
    LayerWork w;
    w.gemms.push_back({4000, square->pe_rows(c), square->pe_cols(c), 1, 1, false});
    return cost.gemm_layer(w, *square, k, 0).cycles;
}

const unsigned kVectors = 37;  // of a 128x128 tile, vectors 2, 3, 6, 7, ... go to the top pods' buffers

}  // namespace

TEST_CASE("a tile writing other pods' buffers computes exactly in the closed-form cycles", "[buffer_reach][datapath]") {
    const ArchConfig cfg;
    DatapathBench chip(cfg);
    const Floorplan fp(cfg);
    run_tile(chip, rect_array(fp, 0, 0, 4, 4), kVectors);
    run_tile(chip, rect_array(fp, 0, 0, 4, 4), 2730);  // the longest tile: every buffer entry
    run_tile(chip, rect_array(fp, 0, 0, 2, 2), kVectors);
    run_tile(chip, rect_array(fp, 1, 1, 2, 2), kVectors);  // one subarray in each pod
}

namespace {

/// On `changed`, the default design with one inter-pod link key changed, a
/// kVectors tile of the pod-spanning 128x128 array takes `extra` cycles more
/// than the default design's closed form (on the cycle-accurate datapath),
/// and the one-pod 64x64 array's takes the same; the configuration tables see
/// the same: a 128x128-1 layer slows down, a 64x64-1 layer (k = 4: all of
/// one pod) does not.
void check_link_change(const ArchConfig& changed, std::uint64_t extra) {
    const ArchConfig cfg;
    DatapathBench chip(changed);
    const Floorplan fp(cfg);
    const LogicalArray spanning = rect_array(fp, 0, 0, 4, 4), local = rect_array(fp, 0, 0, 2, 2);
    CHECK(run_tile(chip, spanning, kVectors) == closed_form(cfg, spanning, kVectors) + extra);
    CHECK(run_tile(chip, local, kVectors) == closed_form(cfg, local, kVectors));
    CHECK(estimate(changed, 16) > estimate(cfg, 16));
    CHECK(estimate(changed, 4) == estimate(cfg, 4));
}

}  // namespace

TEST_CASE("inter-pod link latency times a pod-spanning array and leaves a one-pod array alone",
          "[buffer_reach][datapath]") {
    ArchConfig slow_hop;
    const unsigned before = slow_hop.inter_pod_link.latency_cycles;
    slow_hop.inter_pod_link.latency_cycles = 9;
    // The last remote write (vector 35) lands 7 cycles later than before,
    // and it was already the tile's last write.
    check_link_change(slow_hop, 9 - before);
}

TEST_CASE("inter-pod link bandwidth paces a pod-spanning array and leaves a one-pod array alone",
          "[buffer_reach][datapath]") {
    // 100 GB/s at 700 MHz is 142.9 B per cycle; the two exit subarrays of a
    // bottom pod send half their vectors (32 columns of 6 B) up one link: 192 B
    // per vector, so a vector enters every 192 / 142.9 = 1.344 cycles.
    ArchConfig narrow;
    narrow.inter_pod_link.bandwidth_gbps = 100;
    const Floorplan fp(narrow);
    const StreamPace pace =
        stream_pace(narrow, BufferReach(narrow, fp, rect_array(fp, 0, 0, 4, 4)).stripe(), {kVectors, 128, 128});
    CHECK(pace.cycles_per_vector == Approx(192.0 / (100e3 / 700)));
    CHECK(pace.at(kVectors - 1) > kVectors - 1);
    check_link_change(narrow, pace.at(kVectors - 1) - (kVectors - 1));
}

TEST_CASE("an inter-pod link slower than 1 GB/s is refused by name", "[buffer_reach][config]") {
    ArchConfig cfg;
    cfg.inter_pod_link.bandwidth_gbps = 0.5;  // would pace a 128x128 tile's stream 270-fold
    const std::vector<ConfigIssue> issues = check(cfg);
    REQUIRE(issues.size() == 1);
    CHECK(issues.front().path == "inter_pod_link.bandwidth_gbps");
    cfg.inter_pod_link.bandwidth_gbps = 1.0;
    CHECK(check(cfg).empty());
}
