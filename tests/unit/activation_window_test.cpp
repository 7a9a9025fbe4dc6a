// Raw activation fetch: the pixels a chunk of output positions touches
// against brute force, the bytes each load moves, and the cost model's
// activation traffic against a hand count.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/activation_window.h"
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

/// Every (row, column) any window of positions [p0, p1) reads, in bounds.
std::uint64_t brute_force(const ActivationWindow& a, std::uint64_t p0, std::uint64_t p1) {
    std::set<std::pair<std::int64_t, std::int64_t>> seen;
    for (std::uint64_t p = p0; p < p1; ++p) {
        const std::int64_t oy = std::int64_t(p / a.out_w), ox = std::int64_t(p % a.out_w);
        for (unsigned ky = 0; ky < a.kh; ++ky)
            for (unsigned kx = 0; kx < a.kw; ++kx) {
                const std::int64_t iy = oy * a.sh - a.top + std::int64_t(ky) * a.dh;
                const std::int64_t ix = ox * a.sw - a.left + std::int64_t(kx) * a.dw;
                if (iy >= 0 && ix >= 0 && iy < std::int64_t(a.in_h) && ix < std::int64_t(a.in_w)) seen.insert({iy, ix});
            }
    }
    return seen.size();
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
            }
        }
    }
}

TEST_CASE("a block row fetches each channel's pixels once and expands the taps on chip", "[compiler][window]") {
    // 3x3 conv over 48 channels: K = 9 x 48 = 432 rows, tap-major. On a 64-row
    // array (2 block rows of 32) a k tile holds 64 reduction rows.
    const ActivationWindow a = window(20, 20, 3, 1, 1, 1, 48);
    const std::uint64_t m = 400, k = 432, chunks = 3;
    const ActivationFetch fetch(a, k, 64, 32, 2, m, chunks, 1u << 20);
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
    // Without room for the pixels, every k tile fetches its im2col rows.
    const ActivationFetch small(a, k, 64, 32, 2, m, chunks, 1024);
    CHECK_FALSE(small.raw(0));
    CHECK(small.load_bytes(0, 0, 0) == small.chunk_size(0) * 32 * 2);
    // A 1x1 convolution gains nothing: its im2col rows are the pixels.
    const ActivationFetch pointwise(window(20, 20, 1, 1, 1, 0, 64), 64, 32, 32, 1, m, chunks, 1u << 20);
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
