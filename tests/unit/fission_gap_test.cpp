// The fission gap (testbench/fission_gap.h): the named hardware terms are all
// the differences between the fissioned chip as one 128x128 array and the
// monolithic array, in the configuration tables, for every layer of the zoo.
#include <catch2/catch.hpp>

#include "support/zoo.h"
#include "testbench/fission_gap.h"

using namespace planaria;

using test::design;

TEST_CASE("the fission gap's terms leave no residual on any layer of the zoo", "[gap]") {
    const ArchConfig planaria = design("planaria"), monolithic = design("monolithic");
    REQUIRE(monolithic_shape(monolithic) == "128x128-1");
    std::int64_t most = 0, ring_bus = 0;
    for (const std::string& key : test::zoo_keys()) {
        INFO(key);
        const Model model = test::zoo(key);
        for (const LayerGap& g : attribute_gap(planaria, monolithic, "128x128-1", model)) {
            INFO(g.layer);
            std::int64_t sum = g.residual;
            for (std::int64_t t : g.terms) sum += t;
            // The terms and the residual add up to the tables' gap ...
            CHECK(sum == std::int64_t(g.fissioned) - std::int64_t(g.monolithic));
            // ... and the residual is at most the rounding of fractional cycles.
            CHECK(std::abs(g.residual) <= 1);
            most = std::max(most, std::abs(g.residual));
            ring_bus += g.terms.at(0);
        }
    }
    CHECK(most <= 1);
    CHECK(ring_bus > 0);  // the ring-bus registers cost the fissioned chip time
}

TEST_CASE("the fission gap's steps end at the monolithic array's resources", "[gap]") {
    const ArchConfig planaria = design("planaria"), monolithic = design("monolithic");
    const std::vector<GapStep> steps = gap_steps(planaria, monolithic);
    REQUIRE(steps.size() == 6);
    const ArchConfig& last = steps.back().design;
    CHECK(last.ring_bus.pipeline_stages == 0);
    CHECK(last.inter_pod_link.latency_cycles == 0);
    CHECK(last.offchip.channels == monolithic.offchip.channels);
    CHECK(last.offchip.bandwidth_gbps == monolithic.offchip.bandwidth_gbps);
    // 512 KB activation buffers: a 128x128 array's entry subarrays reach 2 x 8192 = 16384 entries,
    // as the monolithic array's 4 MB of 128 banks x 16 bits.
    CHECK(last.pod.activation_buffer.bytes == 2 * planaria.pod.activation_buffer.bytes);
    CHECK(steps.back().shared_windows);
    CHECK(steps.back().one_simd_segment);
    CHECK_FALSE(steps.front().shared_windows);
}
