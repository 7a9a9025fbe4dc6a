// Raw activation fetch: the pixels a chunk of output positions touches
// against brute force, the bytes each load moves, and the cost model's
// activation traffic against a hand count.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/activation_fetch.h"
#include "compiler/compiler.h"
#include "compiler/cost_model.h"
#include "hw/fission/fission_configurations.h"

using namespace planaria;

namespace {

ActivationWindow window(std::uint64_t h, std::uint64_t w, unsigned k, unsigned stride, unsigned dilation, std::int64_t pad,
                        std::uint64_t channels = 1) {
    ActivationWindow a;
    a.present = true;
    a.in_h = h, a.in_w = w, a.channels = channels;
    a.kh = a.kw = k, a.sh = a.sw = stride, a.dh = a.dw = dilation;
    a.top = a.left = pad;
    const std::int64_t span = std::int64_t(dilation) * (k - 1) + 1;
    a.out_w = std::uint64_t((std::int64_t(w) + 2 * pad - span) / stride + 1);
    return a;
}

std::uint64_t out_h(const ActivationWindow& a) {
    const std::int64_t span = std::int64_t(a.dh) * (a.kh - 1) + 1;
    return std::uint64_t((std::int64_t(a.in_h) + 2 * a.top - span) / a.sh + 1);
}

/// Every (row, column) any window of positions [p0, p1) reads under taps [t0, t1], in bounds.
std::set<std::pair<std::int64_t, std::int64_t>> touched(const ActivationWindow& a, std::uint64_t p0, std::uint64_t p1,
                                                         unsigned t0, unsigned t1) {
    std::set<std::pair<std::int64_t, std::int64_t>> seen;
    for (std::uint64_t p = p0; p < p1; ++p) {
        const std::int64_t oy = std::int64_t(p / a.out_w), ox = std::int64_t(p % a.out_w);
        for (unsigned tap = t0; tap <= t1; ++tap) {
            const unsigned ky = tap / a.kw, kx = tap % a.kw;
            {
                const std::int64_t iy = oy * a.sh - a.top + std::int64_t(ky) * a.dh;
                const std::int64_t ix = ox * a.sw - a.left + std::int64_t(kx) * a.dw;
                if (iy >= 0 && ix >= 0 && iy < std::int64_t(a.in_h) && ix < std::int64_t(a.in_w)) seen.insert({iy, ix});
            }
        }
    }
    return seen;
}

std::uint64_t brute_force(const ActivationWindow& a, std::uint64_t p0, std::uint64_t p1) {
    return touched(a, p0, p1, 0, a.kh * a.kw - 1).size();
}

}  // namespace

TEST_CASE("window pixels equal a brute-force count for every chunk of several geometries", "[compiler][window]") {
    const ActivationWindow shapes[] = {
        window(14, 14, 3, 1, 1, 1),   // 3x3 "same"
        window(23, 17, 7, 2, 1, 3),   // 7x7 stride 2, odd sizes
        window(16, 16, 1, 2, 1, 0),   // 1x1 stride 2: columns skipped
        window(15, 15, 3, 1, 2, 2),   // dilated
        window(9, 30, 5, 3, 1, 0),    // windows apart (stride 3 < 5 wide, rows skipped)
        window(10, 10, 2, 3, 1, 0),   // stride wider than the window: pixels skipped
    };
    for (const ActivationWindow& a : shapes) {
        const std::uint64_t m = out_h(a) * a.out_w;
        for (std::uint64_t chunks : std::initializer_list<std::uint64_t>{1, 2, 3, 7, m}) {
            for (std::uint64_t c = 0; c < chunks; ++c) {
                const std::uint64_t p0 = m * c / chunks, p1 = m * (c + 1) / chunks;
                INFO("window " << a.kh << "x" << a.kw << " s" << a.sh << " d" << a.dh << " chunk " << p0 << ".." << p1);
                CHECK(window_pixels(a, p0, p1) == brute_force(a, p0, p1));
                // The footprint under a range of taps: the rows and columns themselves, in memory order.
                for (unsigned t0 = 0; t0 < a.taps(); t0 += 2)
                    for (unsigned t1 = t0; t1 < a.taps(); t1 += 3) {
                        std::vector<std::pair<std::int64_t, std::int64_t>> listed;
                        for (const FootprintRow& row : window_footprint(a, p0, p1, {t0, t1}))
                            for (const auto& [x0, x1] : row.columns)
                                for (std::int64_t x = x0; x <= x1; ++x) listed.emplace_back(row.iy, x);
                        const auto want = touched(a, p0, p1, t0, t1);
                        CHECK(listed == std::vector<std::pair<std::int64_t, std::int64_t>>(want.begin(), want.end()));
                        CHECK(window_pixels(a, p0, p1, {t0, t1}) == want.size());
                        // The DMA's runs: the pixels in plane order, a gap of at most `gap` read through.
                        for (std::uint64_t gap : {0u, 1u, 3u}) {
                            std::vector<PlaneRun> want_runs;
                            for (const auto& [iy, ix] : want) {
                                const std::uint64_t at = std::uint64_t(iy) * a.in_w + std::uint64_t(ix);
                                if (!want_runs.empty() && at <= want_runs.back().first + want_runs.back().count + gap)
                                    want_runs.back().count = at + 1 - want_runs.back().first;
                                else
                                    want_runs.push_back({at, 1});
                            }
                            const std::vector<PlaneRun> runs = window_runs(a, p0, p1, {t0, t1}, gap);
                            REQUIRE(runs.size() == want_runs.size());
                            std::uint64_t total = 0;
                            for (std::size_t i = 0; i < runs.size(); ++i) {
                                CHECK((runs[i].first == want_runs[i].first && runs[i].count == want_runs[i].count));
                                total += runs[i].count;
                            }
                            CHECK(window_fetch(a, p0, p1, {t0, t1}, gap) == total);
                        }
                    }
            }
        }
    }
}

TEST_CASE("channel taps: the taps of a channel among a range of tap-major reduction rows", "[compiler][window]") {
    for (std::uint64_t channels : {1u, 3u, 8u})
        for (std::uint64_t k0 = 0; k0 < 30; k0 += 7)
            for (std::uint64_t rows = 1; rows < 20; rows += 4)
                for (std::uint64_t c = 0; c < channels; ++c) {
                    std::uint64_t lo = ~0ull, hi = 0;
                    for (std::uint64_t kk = k0; kk < k0 + rows; ++kk)
                        if (kk % channels == c) lo = std::min(lo, kk / channels), hi = std::max(hi, kk / channels);
                    TapRange taps;
                    INFO(channels << " channels, rows " << k0 << "+" << rows << ", channel " << c);
                    REQUIRE(channel_taps(channels, c, k0, rows, taps) == (lo != ~0ull));
                    if (lo != ~0ull) CHECK((taps.first == lo && taps.last == hi));
                }
}

TEST_CASE("a block row fetches each channel's pixels once and expands the taps on chip", "[compiler][window]") {
    // 3x3 conv over 48 channels: K = 9 x 48 = 432 rows, tap-major. On a 64-row
    // array (2 block rows of 32) a k tile holds 64 reduction rows.
    const ActivationWindow a = window(20, 20, 3, 1, 1, 1, 48);
    const std::uint64_t m = 400, k = 432, chunks = 3;
    const ActivationFetch fetch(a, k, 64, 32, 2, m, chunks, 1u << 20, 0);
    for (unsigned r = 0; r < 2; ++r) {
        REQUIRE(fetch.raw(r));
        // Block row r holds reduction rows 64 t + 32 r .. +31 of every k tile t; their channels:
        std::set<std::uint64_t> channels;
        for (std::uint64_t kk = 0; kk < k; ++kk)
            if (kk % 64 / 32 == r) channels.insert(kk % 48);
        for (std::uint64_t c = 0; c < chunks; ++c) {
            const std::uint64_t pixels = brute_force(a, m * c / chunks, m * (c + 1) / chunks);
            CHECK(fetch.chunk_bytes(r, c) == channels.size() * pixels * 2);
            std::uint64_t sum = 0;
            for (std::uint64_t kt = 0; kt < 7; ++kt) sum += fetch.load_bytes(r, kt, c);
            CHECK(sum == fetch.chunk_bytes(r, c));
        }
    }
    // Without room for the pixels, every k tile fetches the input rows of its
    // own reduction rows' pixels: k tile 0's block row 0 holds tap 0 of
    // channels 0..31.
    const ActivationFetch small(a, k, 64, 32, 2, m, chunks, 1024, 0);
    CHECK_FALSE(small.raw(0));
    const std::uint64_t p1 = small.chunk_size(0);
    CHECK(small.load_bytes(0, 0, 0) == 32 * touched(a, 0, p1, 0, 0).size() * 2);
    CHECK(small.load_bytes(0, 0, 0) < p1 * 32 * 2);  // padding is not fetched
    // Block row 1 of k tile 1: reduction rows 96..127, channels 0..31 of tap 2.
    CHECK(small.load_bytes(1, 1, 0) == 32 * touched(a, 0, p1, 2, 2).size() * 2);
    // Reading through the gaps between row segments (the DMA's runs) costs their pixels too.
    const ActivationFetch through(a, k, 64, 32, 2, m, chunks, 1024, 2);
    CHECK(through.load_bytes(0, 0, 0) == 32 * window_fetch(a, 0, p1, {0, 0}, 2) * 2);
    CHECK(through.load_bytes(0, 0, 0) > small.load_bytes(0, 0, 0));
    // A 1x1 convolution gains nothing: its im2col rows are the pixels.
    const ActivationFetch pointwise(window(20, 20, 1, 1, 1, 0, 64), 64, 32, 32, 1, m, chunks, 1u << 20, 0);
    CHECK_FALSE(pointwise.raw(0));
}

TEST_CASE("cost model: a convolution's activations cost their raw pixels, not their im2col rows", "[compiler][window]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    const CostModel cost(cfg, 16);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, 1));
    // 3x3 conv, 32 -> 16 channels over 24x24 on one 32x32 subarray: K = 288 in 9
    // k tiles of one tap each, N = 16, M = 576 in one chunk (682 vectors fit).
    LayerWork w;
    GemmWork g{576, 288, 16, 1, 1, false, window(24, 24, 3, 1, 1, 1, 32)};
    w.gemms.push_back(g);
    const LayerCost c = cost.gemm_layer(w, configs.at(0), 1, 0);
    const std::uint64_t weights = 288 * 16 * 2, outputs = 576 * 16 * 2;
    const std::uint64_t activations = 24 * 24 * 32 * 2;  // every input pixel of the 32 channels, once
    CHECK(c.dram_bytes == weights + activations + outputs);
    CHECK(c.dram_bytes < weights + 576 * 288 * 2 + outputs);  // the im2col rows would be 9x the input
}
