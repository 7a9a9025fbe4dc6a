// The cycle-accurate datapath: bit-exact GEMM against a plain loop and cycle
// counts against the closed form, on logical arrays formed through the
// reconfiguration registers.
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "hw/fission/buffer_reach.h"
#include "hw/fission/fission_configurations.h"
#include "support/datapath_bench.h"

using namespace planaria;
using namespace planaria::test;

namespace {
void check_gemm(DatapathBench& b, const LogicalArray& array, unsigned m, unsigned k, unsigned n, std::uint32_t seed) {
    INFO("M=" << m << " K=" << k << " N=" << n << " on " << array.block_rows << "x" << array.block_cols);
    std::mt19937 rng(seed);
    const auto a = random_matrix(rng, m, k);
    const auto w = random_matrix(rng, k, n);
    b.dp.write_weights(array, 3, w, k, n);
    b.dp.write_activations(array, 5, a, m, k);
    TileCommand cmd;
    cmd.weight_slot = 3;
    cmd.shape = {m, k, n};
    cmd.activation_base = 5;
    // Outputs from stripe row 8 of the buffers the array reaches.
    const BufferReach reach(b.cfg, b.dp.floorplan(), array);
    cmd.output_base = 8 * unsigned(reach.output_buffers(0).size());
    const TileRun run = b.dp.compute_tile(array, cmd);
    CHECK(b.dp.read_outputs(array, cmd.output_base, m, n) == reference_gemm(a, w, m, k, n));
    CHECK(run.cycles ==
          tile_cycles(b.cfg, {array.block_rows, array.block_cols}, cmd.shape, false, reach.stripe()).total());
}
}  // namespace

TEST_CASE("a single 32x32 subarray computes a GEMM tile exactly", "[datapath]") {
    DatapathBench b;
    const LogicalArray& a = b.dp.array_of(0);
    check_gemm(b, a, 20, 32, 32, 1);
    check_gemm(b, a, 7, 13, 29, 2);
    check_gemm(b, a, 1, 1, 1, 3);
}

TEST_CASE("a 128x128 logical array computes a GEMM tile exactly", "[datapath]") {
    DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    const LogicalArray whole = rect_array(fp, 0, 0, 4, 4);
    b.form({whole});
    check_gemm(b, whole, 50, 128, 128, 4);
    check_gemm(b, whole, 9, 100, 70, 5);
}

TEST_CASE("every fission configuration of k = 1..16 subarrays computes exactly, in the closed-form cycles",
          "[datapath][configurations]") {
    DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    unsigned configurations = 0, seed = 100;
    for (unsigned k = 1; k <= 16; ++k) {
        for (const FissionConfiguration& fc : enumerate_configurations(fp, canonical_region(fp, k))) {
            INFO(k << " subarrays as " << fc.name(b.cfg));
            b.form(fc.placement);
            ++configurations;
            for (const LogicalArray& cluster : fc.placement) {
                // The hardware forms exactly the cluster the configuration names.
                REQUIRE(b.dp.array_of(cluster.subarrays.front()).subarrays == cluster.subarrays);
                const unsigned R = fc.pe_rows(b.cfg), C = fc.pe_cols(b.cfg);
                check_gemm(b, cluster, 3, R, C, ++seed);                       // full array
                check_gemm(b, cluster, 11, R > 7 ? R - 7 : R, C > 5 ? C - 5 : C, ++seed);  // ragged
            }
        }
    }
    CHECK(configurations == 104);
}

TEST_CASE("a convolution lowered to GEMM equals a direct convolution", "[datapath]") {
    // 3x3 convolution, stride 1, padding 1, 7 input and 50 output channels on a
    // 6x6 image: im2col gives A = 36 x 63, W = 63 x 50, on a 64x64 array.
    DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    const LogicalArray array = rect_array(fp, 2, 2, 2, 2);
    b.form({array});
    const unsigned H = 6, Wd = 6, Cin = 7, Cout = 50, R = 3;
    std::mt19937 rng(7);
    const auto image = random_matrix(rng, H * Wd, Cin, -300, 300);        // [y*W + x][ci]
    const auto filters = random_matrix(rng, R * R * Cin, Cout, -300, 300);  // [(ky*3 + kx)*Cin + ci][co]
    std::vector<std::int16_t> a(std::size_t(H) * Wd * R * R * Cin, 0);
    for (unsigned y = 0; y < H; ++y)
        for (unsigned x = 0; x < Wd; ++x)
            for (unsigned ky = 0; ky < R; ++ky)
                for (unsigned kx = 0; kx < R; ++kx) {
                    const int iy = int(y + ky) - 1, ix = int(x + kx) - 1;
                    if (iy < 0 || ix < 0 || iy >= int(H) || ix >= int(Wd)) continue;
                    for (unsigned ci = 0; ci < Cin; ++ci)
                        a[(std::size_t(y) * Wd + x) * R * R * Cin + (ky * R + kx) * Cin + ci] =
                            image[(std::size_t(iy) * Wd + ix) * Cin + ci];
                }
    b.dp.write_weights(array, 0, filters, R * R * Cin, Cout);
    b.dp.write_activations(array, 0, a, H * Wd, R * R * Cin);
    TileCommand cmd;
    cmd.shape = {H * Wd, R * R * Cin, Cout};
    b.dp.compute_tile(array, cmd);
    const auto out = b.dp.read_outputs(array, 0, H * Wd, Cout);
    // Direct convolution, written independently of the lowering.
    for (unsigned y = 0; y < H; ++y)
        for (unsigned x = 0; x < Wd; ++x)
            for (unsigned co = 0; co < Cout; ++co) {
                std::int64_t sum = 0;
                for (unsigned ky = 0; ky < R; ++ky)
                    for (unsigned kx = 0; kx < R; ++kx) {
                        const int iy = int(y + ky) - 1, ix = int(x + kx) - 1;
                        if (iy < 0 || ix < 0 || iy >= int(H) || ix >= int(Wd)) continue;
                        for (unsigned ci = 0; ci < Cin; ++ci)
                            sum += std::int64_t(image[(std::size_t(iy) * Wd + ix) * Cin + ci]) *
                                   filters[((ky * R + kx) * Cin + ci) * Cout + co];
                    }
                REQUIRE(out[(std::size_t(y) * Wd + x) * Cout + co] == sum);
            }
}

namespace {
/// `tenants` logical accelerators, each run by its own SystemC process.
void run_concurrently(unsigned tenants) {
        {
        {
            DatapathBench b;
            const Floorplan& fp = b.dp.floorplan();
            // Tenants of 16 / tenants subarrays each, as their fission configuration 1 x k or the squarest.
            std::vector<LogicalArray> arrays;
            std::vector<unsigned> region;
            for (unsigned s = 0; s < 16; ++s) region.push_back(canonical_region(fp, 16)[s]);
            const unsigned per = 16 / tenants;
            const unsigned br = per == 8 ? 2 : per == 4 ? 2 : 1;
            arrays = find_placement(fp, region, br, per / br, tenants, FissionState::reset(fp));
            REQUIRE(arrays.size() == tenants);
            b.form(arrays);
            struct Job {
                std::vector<std::int16_t> a, w;
                unsigned m, k, n;
                std::uint64_t expected_cycles;
                sc_core::sc_time finished;
                TileRun run;
            };
            std::vector<Job> jobs(tenants);
            std::mt19937 rng(tenants);
            for (unsigned t = 0; t < tenants; ++t) {
                const LogicalArray& arr = arrays[t];
                Job& j = jobs[t];
                j.m = 5 + 3 * t;
                j.k = arr.block_rows * 32 - t % 5;
                j.n = arr.block_cols * 32 - (t * 3) % 7;
                j.a = random_matrix(rng, j.m, j.k);
                j.w = random_matrix(rng, j.k, j.n);
                b.dp.write_weights(arr, t % 4, j.w, j.k, j.n);
                b.dp.write_activations(arr, t, j.a, j.m, j.k);
                j.expected_cycles = tile_cycles(b.cfg, {arr.block_rows, arr.block_cols}, {j.m, j.k, j.n}, false,
                                                BufferReach(b.cfg, fp, arr).stripe())
                                        .total();
            }
            // One SystemC process per logical accelerator.
            for (unsigned t = 0; t < tenants; ++t)
                sc_core::sc_spawn([&, t] {
                    TileCommand cmd;
                    cmd.weight_slot = t % 4;
                    cmd.shape = {jobs[t].m, jobs[t].k, jobs[t].n};
                    cmd.activation_base = t;
                    cmd.output_base = 2 * t;
                    jobs[t].run = b.dp.run_tile(arrays[t], cmd);
                    jobs[t].finished = sc_core::sc_time_stamp();
                });
            const sc_core::sc_time start = sc_core::sc_time_stamp();
            sc_core::sc_start();
            for (unsigned t = 0; t < tenants; ++t) {
                INFO("tenant " << t);
                const Job& j = jobs[t];
                CHECK(b.dp.read_outputs(arrays[t], 2 * t, j.m, j.n) == reference_gemm(j.a, j.w, j.m, j.k, j.n));
                CHECK(j.run.cycles == j.expected_cycles);
                // Each finished after its own tile's time: nobody waited for anybody.
                CHECK(j.finished - start == sc_core::sc_time(b.cfg.clock_period_ns(), sc_core::SC_NS) *
                                                double(j.expected_cycles));
            }
        }
    }
}
}  // namespace

TEST_CASE("two logical accelerators run different tiles at once", "[datapath][concurrency]") { run_concurrently(2); }
TEST_CASE("four logical accelerators run different tiles at once", "[datapath][concurrency]") { run_concurrently(4); }
TEST_CASE("sixteen logical accelerators run different tiles at once", "[datapath][concurrency]") { run_concurrently(16); }

TEST_CASE("split reductions accumulate in the output buffer, and the SIMD segment requantises", "[datapath]") {
    DatapathBench b;
    const LogicalArray array = b.dp.array_of(5);
    std::mt19937 rng(9);
    const unsigned m = 10, k = 60, n = 20;
    const auto a = random_matrix(rng, m, k, -1000, 1000);
    const auto w = random_matrix(rng, k, n, -1000, 1000);
    const auto full = reference_gemm(a, w, m, k, n);
    // Two tiles of K = 30 each: the second accumulates, then ReLU and >> 8.
    for (unsigned part = 0; part < 2; ++part) {
        std::vector<std::int16_t> ap(std::size_t(m) * 30), wp(std::size_t(30) * n);
        for (unsigned i = 0; i < m; ++i)
            for (unsigned x = 0; x < 30; ++x) ap[i * 30 + x] = a[i * k + part * 30 + x];
        for (unsigned x = 0; x < 30; ++x)
            for (unsigned j = 0; j < n; ++j) wp[x * n + j] = w[(part * 30 + x) * n + j];
        b.dp.write_weights(array, part, wp, 30, n);
        b.dp.write_activations(array, 100 * part, ap, m, 30);
        TileCommand cmd;
        cmd.weight_slot = part;
        cmd.shape = {m, 30, n};
        cmd.activation_base = 100 * part;
        cmd.accumulate = part == 1;
        if (part == 1) cmd.simd = {SimdOp::RequantizeRelu, 8};
        const TileRun run = b.dp.compute_tile(array, cmd);
        CHECK(run.cycles == tile_cycles(b.cfg, {1, 1}, cmd.shape, part == 1).total());
    }
    const auto out = b.dp.read_outputs(array, 0, m, n);
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::int64_t expect = (full[i] + 128) >> 8;
        expect = std::clamp<std::int64_t>(expect, -32768, 32767);
        expect = std::max<std::int64_t>(expect, 0);
        REQUIRE(out[i] == expect);
    }
    CHECK(b.dp.simd(5).lane_ops() == m * n);
}

TEST_CASE("PE weights and accumulators are visible through transport_dbg", "[datapath][pe]") {
    DatapathBench b;
    const LogicalArray array = b.dp.array_of(0);
    std::vector<std::int16_t> w(32 * 32);
    for (unsigned i = 0; i < w.size(); ++i) w[i] = std::int16_t(i - 500);
    b.dp.write_weights(array, 9, w, 32, 32);
    std::vector<std::int16_t> a(32, 1);
    b.dp.write_activations(array, 0, a, 1, 32);
    TileCommand cmd;
    cmd.weight_slot = 9;
    cmd.shape = {1, 32, 32};
    b.dp.compute_tile(array, cmd);
    ProcessingElement& pe = b.dp.subarray(0).pe(2, 3);
    std::vector<unsigned char> bytes(2);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(9 * 2);
    t.set_data_ptr(bytes.data());
    t.set_data_length(2);
    CHECK(pe.socket.get_base_export()->transport_dbg(t) == 2);
    CHECK(std::int16_t(bytes[0] | bytes[1] << 8) == w[2 * 32 + 3]);
    // The weight register, after the tile, holds the latched weight; the
    // bottom PE of column 3 holds the whole column sum.
    std::vector<unsigned char> regs(12);
    t.set_address(pe.accumulator_offset());
    t.set_data_ptr(regs.data());
    t.set_data_length(12);
    CHECK(pe.socket.get_base_export()->transport_dbg(t) == 12);
    CHECK(std::int16_t(regs[10] | regs[11] << 8) == w[2 * 32 + 3]);
    // Writes to the registers are refused; the weight buffer's end is the end.
    t.set_write();
    CHECK(pe.socket.get_base_export()->transport_dbg(t) == 0);
    sc_core::sc_time delay;
    t.set_address(pe.accumulator_offset());
    t.set_data_length(8);
    t.set_streaming_width(8);
    pe.socket.get_base_export()->b_transport(t, delay);
    CHECK(t.get_response_status() == tlm::TLM_COMMAND_ERROR_RESPONSE);
    // DMI on the weight buffer, through the subarray's weight bus.
    tlm::tlm_dmi dmi;
    t.set_address(b.dp.subarray(0).pe_address(2, 3));
    CHECK(b.dp.subarray(0).weight_bus.get_base_export()->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_start_address() == b.dp.subarray(0).pe_address(2, 3));
    CHECK(reinterpret_cast<std::int16_t*>(dmi.get_dmi_ptr())[9] == w[2 * 32 + 3]);
}

TEST_CASE("bad tile commands are refused with a reason", "[datapath]") {
    DatapathBench b;
    const LogicalArray array = b.dp.array_of(0);
    TileCommand cmd;
    cmd.shape = {4, 33, 32};
    CHECK_THROWS_WITH(b.dp.compute_tile(array, cmd), Catch::Contains("K = 33 exceeds"));
    cmd.shape = {4, 32, 40};
    CHECK_THROWS_WITH(b.dp.compute_tile(array, cmd), Catch::Contains("N = 40 exceeds"));
    cmd.shape = {0, 32, 32};
    CHECK_THROWS_WITH(b.dp.compute_tile(array, cmd), Catch::Contains("empty tile"));
    cmd.shape = {4, 32, 32};
    cmd.weight_slot = 128;
    CHECK_THROWS_WITH(b.dp.compute_tile(array, cmd), Catch::Contains("slot 128"));
    cmd.weight_slot = 0;
    cmd.activation_base = 4094;
    CHECK_THROWS_WITH(b.dp.compute_tile(array, cmd), Catch::Contains("activation buffer"));
    // A 1x2 array that the registers have not formed.
    LogicalArray wide;
    wide.block_rows = 1;
    wide.block_cols = 2;
    wide.subarrays = {0, 1};
    cmd.activation_base = 0;
    CHECK_THROWS_WITH(b.dp.compute_tile(wide, cmd), Catch::Contains("do not form this logical array"));
}

TEST_CASE("refused configurations never reach the datapath", "[datapath][regfile]") {
    DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    const LogicalArray whole = rect_array(fp, 0, 0, 4, 4);
    b.form({whole});
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    std::mt19937 rng(3);
    const std::vector<std::function<void(FissionState&)>> breakers = {
        [&](FissionState& s) { s.subarray[0] &= ~regmap::link_bit(regmap::Side::East); },  // one-sided
        [&](FissionState& s) { s.subarray[1] ^= regmap::kActivationWestward; },            // collision
        [&](FissionState& s) { s.subarray[0] |= regmap::link_bit(regmap::Side::North); },  // one-sided wrap
        [&](FissionState& s) { s.selector[10] = s.selector[11]; },                          // shared output (last row)
    };
    FissionState good = FissionState::reset(fp);
    good = place_array(fp, whole, good);
    for (const auto& breaker : breakers) {
        FissionState bad = good;
        breaker(bad);
        REQUIRE_FALSE(resolve_fission(fp, bad).ok());
        CHECK_THROWS(b.program(bad));
        // Still the 128x128 array, still exact.
        REQUIRE(b.dp.topology().arrays.size() == 1);
        check_gemm(b, whole, 4, 128, 128, rng());
        b.driver.write(regmap::kControl, regmap::kControlClearError);
    }
}

TEST_CASE("a logical array spanning pods owns exactly the Pod Memory its configuration connects", "[datapath][pod]") {
    // The rule: row block b reads the activation buffers its first subarray
    // reaches through its pod's crossbar, column block c writes the output
    // buffers its last subarray reaches through the crossbar and the
    // inter-pod links; each member's buffer is the one its selector names.
    // This array has one subarray in each pod: an entry subarray reaches only
    // its own activation buffer, an exit subarray its own output buffer and,
    // one hop away, that of the pod above it, which holds no exit subarray.
    DatapathBench b;
    const Floorplan& fp = b.dp.floorplan();
    const LogicalArray array = rect_array(fp, 1, 1, 2, 2);  // one subarray in each of the four pods
    b.form({array});
    std::vector<std::vector<Activation>> before_act;
    std::vector<std::vector<Accumulator>> before_out;
    const auto snapshot = [&](auto& acts, auto& outs) {
        acts.clear();
        outs.clear();
        for (unsigned p = 0; p < 4; ++p)
            for (unsigned buf = 0; buf < 4; ++buf) {
                PodMemory& m = b.dp.pod(p).memory();
                acts.emplace_back(m.activation_entry(buf, 0), m.activation_entry(buf, 16));  // entries 0..15
                outs.emplace_back(m.output_entry(buf, 0), m.output_entry(buf, 16));
            }
    };
    snapshot(before_act, before_out);
    check_gemm(b, array, 2, 64, 64, 11);  // activations at entries 5-6; outputs at entry 8 of both buffers
    std::vector<std::vector<Activation>> after_act;
    std::vector<std::vector<Accumulator>> after_out;
    snapshot(after_act, after_out);
    std::set<unsigned> act_changed, out_changed;
    for (unsigned i = 0; i < 16; ++i) {
        if (after_act[i] != before_act[i]) act_changed.insert(i);
        if (after_out[i] != before_out[i]) out_changed.insert(i);
    }
    // Identity selectors: a subarray's own buffer is pod * 4 + slot.
    const auto own = [&](unsigned s) { return fp.pod_of(s) * 4 + b.dp.registers().current().selector[s]; };
    CHECK(act_changed == std::set<unsigned>{own(array.at(0, 0)), own(array.at(1, 0))});
    CHECK(out_changed ==
          std::set<unsigned>{own(array.at(1, 0)), own(array.at(1, 1)), own(array.at(0, 0)), own(array.at(0, 1))});
    const BufferReach reach(b.cfg, fp, array);
    for (unsigned c = 0; c < 2; ++c) {
        REQUIRE(reach.output_buffers(c).size() == 2);
        CHECK(reach.output_buffers(c)[0].subarray == array.at(1, c));
        CHECK(reach.output_buffers(c)[0].hops == 0);
        CHECK(reach.output_buffers(c)[1].subarray == array.at(0, c));
        CHECK(reach.output_buffers(c)[1].hops == 1);
    }
    // Spanning pods means exactly one buffer per pod involved here, and the four pods differ.
    std::set<unsigned> pods;
    for (unsigned s : array.subarrays) pods.insert(fp.pod_of(s));
    CHECK(pods.size() == 4);
}
