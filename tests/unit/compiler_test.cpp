// The compiler: lowering, the cost model against the closed form and the
// cycle-accurate datapath, conservation, configuration choice, determinism.
#include <catch2/catch.hpp>

#include "hw/bundle/bundle_io.h"
#include "compiler/compiler.h"
#include "hw/config/arch_yaml.h"
#include "support/datapath_bench.h"
#include "support/zoo.h"

using namespace planaria;

namespace {

using test::zoo;

Model one_layer(const std::string& input, const std::string& layers) {
    return parse_model("format: planaria-model/1\nname: T\nkey: t\nsource: test\ninputs:\n  - {name: x, shape: " + input +
                           "}\nlayers:\n" + layers,
                       "test.yaml");
}

const FissionConfiguration& config_named(const std::vector<FissionConfiguration>& configs, const ArchConfig& cfg,
                                         const std::string& name) {
    for (const auto& c : configs)
        if (c.name(cfg) == name) return c;
    throw std::runtime_error("no configuration " + name);
}

}  // namespace

TEST_CASE("lowering: convolution, depth-wise, FC, LSTM and attention as GEMMs; fusion", "[compiler]") {
    const Model m = parse_model(R"(format: planaria-model/1
name: L
key: l
source: test
inputs:
  - {name: x, shape: [8, 10, 10]}
  - {name: s, shape: [16, 1, 7]}
layers:
  - {name: conv, type: conv, input: x, out_channels: 12, kernel: 3, padding: 1}
  - {name: bn, type: batchnorm}
  - {name: act, type: relu}
  - {name: dw, type: depthwise_conv, kernel: 3, stride: 2, padding: 1}
  - {name: pool, type: maxpool, kernel: 2}
  - {name: fc, type: fc, out_features: 5}
  - {name: lstm, type: lstm, input: s, hidden: 4, bidirectional: true}
  - {name: att, type: attention, inputs: [lstm, lstm]}
)", "l.yaml");
    const auto work = lower(m);
    REQUIRE(work.size() == m.layers.size());
    const GemmWork& conv = work[0].gemms.at(0);
    CHECK((conv.m == 100 && conv.k == 72 && conv.n == 12 && conv.instances == 1));
    CHECK(work[1].fused);
    CHECK(work[2].fused);
    CHECK(work[0].output_bytes == 12 * 100 * 2);  // written once, after the fused chain
    const GemmWork& dw = work[3].gemms.at(0);
    CHECK((dw.m == 25 && dw.k == 9 && dw.n == 1 && dw.instances == 12));
    CHECK_FALSE(work[4].has_gemm());
    CHECK(work[4].input_bytes == 12 * 25 * 2);
    const GemmWork& fc = work[5].gemms.at(0);
    CHECK((fc.m == 1 && fc.k == 12 * 2 * 2 && fc.n == 5));
    const GemmWork& lstm = work[6].gemms.at(0);
    CHECK((lstm.m == 1 && lstm.k == 16 + 4 && lstm.n == 16 && lstm.sequential == 14));
    CHECK(work[7].gemms.size() == 4);
    CHECK(work[7].gemms[2].weights_are_activations);
    // The lowering conserves every layer's MACs.
    for (std::size_t i = 0; i < work.size(); ++i) {
        std::uint64_t macs = 0;
        for (const auto& g : work[i].gemms) macs += g.macs();
        CHECK(macs == m.layers[i].macs);
    }
}

TEST_CASE("cost model: compute cycles are the sum of the closed form over the tiles", "[compiler]") {
    const ArchConfig cfg;
    const CostModel cost(cfg, 16);
    const Floorplan fp(cfg);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 1));
    // M = 100, K = 40, N = 70 on one 32x32 subarray: K in 32 + 8, N in 32 + 32 + 6, M in one chunk.
    LayerWork w;
    w.gemms.push_back({100, 40, 70, 1, 1, false});
    const LayerCost c = cost.gemm_layer(w, configs.at(0), 1, 0);
    std::uint64_t expect = 0;
    for (unsigned kt : {32u, 8u})
        for (unsigned nt : {32u, 32u, 6u}) expect += tile_cycles(cfg, {1, 1}, {100, kt, nt}, false).total();
    CHECK(c.compute_cycles == expect);
    CHECK(c.tiles == 6);
    CHECK(c.macs == 100 * 40 * 70);
}

TEST_CASE("cost model: one sampled tile equals the cycle-accurate datapath", "[compiler][datapath]") {
    test::DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 4));
    const FissionConfiguration& tall = config_named(configs, b.cfg, "128x32-1");
    b.form(tall.placement);
    // A layer that is exactly one tile: M = 37, K = 100, N = 20 on a 128x32 array.
    LayerWork w;
    w.gemms.push_back({37, 100, 20, 1, 1, false});
    const CostModel cost(b.cfg, 16);
    const LayerCost c = cost.gemm_layer(w, tall, 4, 0);
    REQUIRE(c.tiles == 1);
    TileCommand cmd;
    cmd.shape = {37, 100, 20};
    CHECK(b.dp.compute_tile(tall.placement.front(), cmd).cycles == c.compute_cycles);
}

TEST_CASE("cost model: depth-wise channels run on independent subarray columns", "[compiler]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    const CostModel cost(cfg, 16);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 16));
    const Model m = one_layer("[64, 28, 28]", "  - {name: dw, type: depthwise_conv, kernel: 3, padding: 1}\n");
    const auto work = lower(m);
    const LayerCost sixteen = cost.gemm_layer(work[0], config_named(configs, cfg, "32x32-16"), 16, 0);
    const LayerCost whole = cost.gemm_layer(work[0], config_named(configs, cfg, "128x128-1"), 16, 0);
    // 64 channels: 4 per cluster on 16 clusters, all 64 one after another on one array.
    CHECK(sixteen.tiles == 64 * 2);  // 784 positions in two chunks of 392
    CHECK(whole.compute_cycles > 10 * sixteen.compute_cycles);
    // Fill and drain are paid once per tile, not once per channel of a tile.
    const std::uint64_t per_tile = tile_cycles(cfg, {1, 1}, {392, 9, 1}, false).total();
    CHECK(sixteen.compute_cycles == 4 * 2 * per_tile);
    // Each channel's 784 x 9 MACs; the rest of the 16 small arrays' PE-cycles
    // are idle, at the gating option's share of a MAC.
    const double macs = 64.0 * 784 * 9, pe_cycles = 1024.0 * double(64 * 2 * per_tile);
    CHECK(sixteen.energy.mac == Approx(cfg.energy.mac_pj * macs));
    CHECK(sixteen.energy.idle_pe == Approx(cfg.energy.mac_pj * cfg.energy.clock_gated_pe_fraction * (pe_cycles - macs)));
}

TEST_CASE("block-diagonal packing puts 14 depth-wise channels on a 128x128 array per pass", "[compiler]") {
    const ArchConfig mono = load_arch_file(PLANARIA_SOURCE_DIR "/scenarios/arch/monolithic.yaml");
    const Model m = one_layer("[64, 28, 28]", "  - {name: dw, type: depthwise_conv, kernel: 3, padding: 1}\n");
    CompileOptions packed;
    packed.depthwise = DepthwiseMapping::BlockDiagonal;
    const GemmWork column = lower(m).at(0).gemms.at(0);
    const GemmWork g = lower(m, packed.lowering(mono)).at(0).gemms.at(0);
    // One channel per pass: 64 GEMMs of 784 x 9 x 1.
    CHECK((column.k == 9 && column.n == 1 && column.instances == 64 && column.packed == 1));
    // 128 rows hold the 9 taps of 14 channels; 64 channels take 5 passes (the last of 8).
    CHECK(g.m == 784);
    CHECK(g.k == 9 * 14);
    CHECK(g.n == 14);
    CHECK(g.instances == 5);
    CHECK(g.packed == 14);
    CHECK(g.useful_macs == 784 * 9 * 64);
    CHECK(g.window.channels == 14);
    // On the monolithic array the packed layer is faster; the table still counts the useful MACs.
    const Floorplan fp(mono);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 1));
    const CostModel cost(mono, 1);
    const LayerWork col_work = lower(m).at(0), packed_work = lower(m, packed.lowering(mono)).at(0);
    const LayerCost one = cost.gemm_layer(col_work, configs.at(0), 1, 0);
    const LayerCost many = cost.gemm_layer(packed_work, configs.at(0), 1, 0);
    CHECK(one.macs == 64 * 784 * 9);
    CHECK(many.macs == one.macs);  // the zeros are not useful work
    CHECK(many.compute_cycles * 10 < one.compute_cycles);
    // The zeros are multiplied: the MAC energy counts every PE holding a weight of a pass.
    CHECK(many.energy.mac == Approx(mono.energy.mac_pj * 5.0 * 784 * 126 * 14));
    CHECK(parse_depthwise_mapping("block-diagonal") == DepthwiseMapping::BlockDiagonal);
    CHECK_THROWS_WITH(parse_depthwise_mapping("diagonal"), Catch::Contains("column or block-diagonal"));
}

TEST_CASE("cost model: partial sums go off chip only when the reduction is split and they do not fit", "[compiler]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    const CostModel cost(cfg, 16);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 1));
    const FissionConfiguration& one = configs.at(0);
    LayerWork fits;  // K within the array: no partial sums leave
    fits.gemms.push_back({5000, 32, 32, 1, 1, false});
    const LayerCost a = cost.gemm_layer(fits, one, 1, 0);
    CHECK(a.dram_bytes == 32 * 32 * 2 + 5000 * 32 * 2 + 5000 * 32 * 2);
    LayerWork split;  // K over two tiles, M small: partial sums stay in the output buffer
    split.gemms.push_back({300, 64, 32, 1, 1, false});
    const LayerCost b = cost.gemm_layer(split, one, 1, 0);
    CHECK(b.dram_bytes == 64 * 32 * 2 + 300 * 64 * 2 + 300 * 32 * 2);
    CHECK(b.max_tile_vectors <= cost.reach(one).max_tile_vectors);
}

TEST_CASE("every tile the compiler plans fits the buffers of its configuration", "[compiler]") {
    const ArchConfig cfg;
    const Compiler compiler(cfg);
    const Model m = zoo("mobilenet_v1");
    const auto work = lower(m);
    for (unsigned k : {1u, 4u, 16u}) {
        const Compilation c = compiler.plan(m, work, k);
        std::uint64_t macs = 0;
        for (const auto& l : c.layers) {
            macs += l.cost.macs;
            if (l.configuration >= 0) {
                const FissionConfiguration& config = c.configurations[std::size_t(l.configuration)];
                CHECK(config.subarrays() == k);
                CHECK(l.cost.max_tile_vectors <= compiler.cost_model().reach(config).max_tile_vectors);
            }
            // Off-chip traffic covers every operand at least once: weights, the inputs read, outputs.
            const LayerWork& lw = work[l.layer];
            if (lw.has_gemm()) CHECK(l.cost.dram_bytes >= compulsory_bytes(lw));
        }
        // Conservation: the tiles of all layers do exactly the model's MACs.
        CHECK(macs == m.macs());
    }
}

TEST_CASE("more subarrays never make the whole network slower, and depth-wise layers choose 32x32-16", "[compiler]") {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 0, false});
    const Bundle b = compiler.compile(zoo("mobilenet_v1"));
    REQUIRE(b.per_k.size() == 16);
    CHECK(b.per_k[15].table.total_cycles() < b.per_k[0].table.total_cycles());
    unsigned depthwise = 0, sixteen = 0;
    const Model m = zoo("mobilenet_v1");
    for (std::size_t i = 0; i < m.layers.size(); ++i)
        if (m.layers[i].type == LayerType::DepthwiseConv) {
            ++depthwise;
            sixteen += b.per_k[15].table.layers[i].configuration == "32x32-16";
        }
    CHECK(depthwise == 13);
    CHECK(sixteen == depthwise);
}

TEST_CASE("the energy-delay objective never gives a worse energy-delay product", "[compiler]") {
    const ArchConfig cfg;
    const Model m = zoo("resnet50");
    const auto work = lower(m);
    const Compilation fast = Compiler(cfg, {Objective::Cycles, 0, false}).plan(m, work, 16);
    const Compilation edp = Compiler(cfg, {Objective::EnergyDelay, 0, false}).plan(m, work, 16);
    for (std::size_t i = 0; i < fast.layers.size(); ++i) {
        const auto& a = fast.layers[i].cost;
        const auto& e = edp.layers[i].cost;
        CHECK(e.energy.total() * double(e.cycles) <= a.energy.total() * double(a.cycles) * (1 + 1e-12));
        CHECK(a.cycles <= e.cycles);
    }
}

TEST_CASE("compiling twice gives byte-identical bundles, and a bundle round-trips", "[compiler][bundle]") {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 4, true});
    const Model m = zoo("tiny_yolo");
    Bundle a = compiler.compile(m), b = compiler.compile(m);
    a.arch_fingerprint = b.arch_fingerprint = arch_fingerprint(to_yaml(cfg));
    const auto bytes = serialize(a);
    CHECK(bytes == serialize(b));
    const Bundle back = deserialize(bytes, "mem");
    CHECK(serialize(back) == bytes);
    REQUIRE(back.per_k.size() == 4);
    CHECK(back.per_k[3].programs.size() == 4);
    CHECK(back.per_k[3].programs[0].instructions.back().opcode == Opcode::End);
    // Another architecture's bundle is refused.
    const std::string path = std::string(PLANARIA_TEST_DATA) + "/../../build-tiny-yolo-test.bundle";
    write_bundle(a, path);
    const ArchConfig other = parse_arch("", "x", {ArchOverride::parse("clock_mhz=1000")});
    CHECK_THROWS_AS(read_bundle(path, arch_fingerprint(to_yaml(other))), BundleError);
    CHECK_NOTHROW(read_bundle(path, arch_fingerprint(to_yaml(cfg))));
    std::remove(path.c_str());
}

namespace {
/// Compute instructions a sequencer executes, loops unrolled.
std::uint64_t executed_computes(const std::vector<Instruction>& p, std::size_t begin, std::size_t end) {
    std::uint64_t n = 0;
    for (std::size_t i = begin; i < end; ++i) {
        if (p[i].opcode == Opcode::Loop) {
            n += p[i].a16 * executed_computes(p, i + 1, i + 1 + p[i].a32);
            i += p[i].a32;
        } else {
            n += p[i].opcode == Opcode::Compute;
        }
    }
    return n;
}
}  // namespace

TEST_CASE("instruction streams: every tile of every cluster is computed", "[compiler]") {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 8, true});
    const Model m = zoo("resnet50");
    const Bundle b = compiler.compile(m);
    for (const auto& per_k : b.per_k) {
        INFO("k = " << per_k.table.subarrays);
        std::uint64_t tiles = 0;
        for (const auto& e : per_k.table.layers) tiles += e.configuration == "simd" || e.configuration == "fused" ? 0 : e.tiles;
        std::uint64_t computes = 0, per_subarray_max = 0;
        for (const auto& p : per_k.programs) {
            const std::uint64_t n = executed_computes(p.instructions, 0, p.instructions.size());
            per_subarray_max = std::max(per_subarray_max, n);
            computes += n;
            CHECK(p.instructions.back().opcode == Opcode::End);
        }
        // Each subarray of a cluster executes its cluster's tiles.
        if (per_k.table.subarrays == 1) CHECK(computes == tiles);
        CHECK(computes >= tiles);
        CHECK(per_subarray_max <= tiles);
    }
}
