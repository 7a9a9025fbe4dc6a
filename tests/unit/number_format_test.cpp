// The number format, once: the SIMD segment of the cycle-accurate datapath,
// the functional tile level and the reference execution saturate to the
// architecture's activation width through the same NumberFormat.
#include <catch2/catch.hpp>

#include <cstdint>

#include "hw/config/arch_config.h"
#include "hw/isa/number_format.h"
#include "hw/simd/simd_segment.h"

using namespace planaria;
using numerics::NumberFormat;

namespace {
// Round half up, shift, clamp: written out by hand for the test.
std::int64_t by_hand(std::int64_t acc, unsigned shift, unsigned bits) {
    std::int64_t v = acc;
    if (shift) v = (acc + (std::int64_t(1) << (shift - 1))) >> shift;
    const std::int64_t hi = (std::int64_t(1) << (bits - 1)) - 1;
    return v > hi ? hi : v < -hi - 1 ? -hi - 1 : v;
}
}  // namespace

TEST_CASE("number format: requantisation saturates to the activation width", "[numerics]") {
    const NumberFormat f8{8}, f16{16};
    CHECK(f8.max() == 127);
    CHECK(f8.min() == -128);
    CHECK(f16.max() == 32767);
    CHECK(f8.requantize(256 * 100) == 100);
    CHECK(f8.requantize(256 * 200) == 127);
    CHECK(f8.requantize(-256 * 200) == -128);
    CHECK(f16.requantize(256 * 200) == 200);
    CHECK(f8.requantize(128) == 1);    // half rounds up
    CHECK(f8.requantize(-128) == 0);   // -0.5 rounds up to 0
    CHECK(f8.saturate(1000) == 127);
    CHECK(f8.average(2000, 2) == 127);
    CHECK(f8.elementwise(LayerType::Relu6, 100) == 100);
    CHECK(f8.elementwise(LayerType::Relu6, -5) == 0);
}

TEST_CASE("number format: the SIMD segment requantises like the format at every width", "[numerics][simd]") {
    for (unsigned bits : {4u, 8u, 12u, 16u}) {
        ArchConfig cfg;
        cfg.data.activation_bits = bits;
        SimdSegment simd(("simd" + std::to_string(bits)).c_str(), cfg);
        const NumberFormat f{bits};
        for (unsigned shift : {0u, 3u, 8u})
            for (std::int64_t acc = -(std::int64_t(1) << 22); acc <= (std::int64_t(1) << 22); acc += 4099) {
                const Accumulator got = simd.apply({SimdOp::Requantize, shift}, acc);
                REQUIRE(got == f.requantize(acc, shift));
                REQUIRE(got == by_hand(acc, shift, bits));
            }
    }
}
