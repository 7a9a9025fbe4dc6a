// Placement of granted subarray counts on the 4x4 floorplan (4 pods of 2x2).
// Subarray numbers are pod-major: pod 0 = 0..3, pod 1 = 4..7 (top row of
// pods), pod 2 = 8..11, pod 3 = 12..15; inside a pod the canonical order is
// the snake 0, 1, 3, 2.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "hw/fission/fission_configurations.h"
#include "hw/fission/fission_encoder.h"
#include "sched/placement.h"

using namespace planaria;

namespace {

using Region = std::vector<unsigned>;

bool same(const Placement& a, const Placement& b) {
    return a.task == b.task && a.subarrays == b.subarrays && a.pod_offset == b.pod_offset && a.region == b.region;
}

/// A small deterministic generator for the property tests.
struct Lcg {
    std::uint64_t state = 12345;
    unsigned next(unsigned bound) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return unsigned((state >> 33) % bound);
    }
};

}  // namespace

TEST_CASE("job regions are the canonical region moved by whole pods", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    CHECK(job_region(fp, 4, 0) == Region{0, 1, 3, 2});
    CHECK(job_region(fp, 4, 2) == Region{8, 9, 11, 10});
    CHECK(job_region(fp, 2, 1) == Region{4, 5});
    CHECK(job_region(fp, 8, 2) == Region{8, 9, 11, 10, 12, 13, 15, 14});
    CHECK(job_region(fp, 12, 0) == Region{0, 1, 3, 2, 4, 5, 7, 6, 12, 13, 15, 14});
}

TEST_CASE("placement keeps running tasks in place", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    // Task 7 runs on pod 2 and keeps 4: it stays there although offset 0 is free; task 5 takes pod 0.
    const std::vector<Placement> current = {{7, 4, 2, {8, 9, 11, 10}}, {9, 4, 3, {12, 13, 15, 14}}};
    const auto out = place(fp, {{5, 4}, {7, 4}, {9, 2}}, current);
    REQUIRE(out.size() == 3);
    CHECK(out[0].task == 5);
    CHECK(out[0].pod_offset == 0);
    CHECK(out[0].region == Region{0, 1, 3, 2});
    CHECK(same(out[1], current[0]));
    // Task 9 shrinks from 4 to 2: it tries its own pod first.
    CHECK(out[2].subarrays == 2);
    CHECK(out[2].pod_offset == 3);
    CHECK(out[2].region == Region{12, 13});
}

TEST_CASE("placement reduces a count that cannot be placed", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    // A: 4 on pod 0. B: 2 on pod 1 (pod 0 is taken) = {4, 5}.
    // C: 12 needs three pods, only pods 2 and 3 are whole: 11, 10, 9 need slots of pod 0 or 1 too;
    // 8 fits on pods 2 and 3 (offset 2).
    const auto out = place(fp, {{1, 4}, {2, 2}, {3, 12}}, {});
    CHECK(out[0].region == Region{0, 1, 3, 2});
    CHECK(out[1].region == Region{4, 5});
    CHECK(out[2].subarrays == 8);
    CHECK(out[2].pod_offset == 2);
    CHECK(out[2].region == Region{8, 9, 11, 10, 12, 13, 15, 14});
}

TEST_CASE("placement cannot put two small tenants in one pod", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    // 4 + 4 + 4 + 2 + 2 = 16 subarrays, but every region of 1 or 2 starts at slot 0 of a pod and
    // all four pods are taken once the first 2 sits on pod 3: the last tenant is not granted.
    const auto out = place(fp, {{1, 4}, {2, 4}, {3, 4}, {4, 2}, {5, 2}}, {});
    CHECK(out[3].region == Region{12, 13});
    CHECK(out[4].subarrays == 0);
    CHECK(out[4].region.empty());
    CHECK(out[4].task == 5);
}

TEST_CASE("placement never overlaps and is deterministic", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    Lcg rng;
    std::vector<Placement> current;
    for (int round = 0; round < 500; ++round) {
        // Up to 6 tasks from a pool of 8 ids, counts summing to at most 16, as a policy grants them.
        std::vector<Grant> grants;
        std::set<std::uint64_t> ids;
        unsigned left = 16;
        const unsigned n = 1 + rng.next(6);
        for (unsigned i = 0; i < n && left > 0; ++i) {
            const std::uint64_t id = 1 + rng.next(8);
            if (!ids.insert(id).second) continue;
            const unsigned k = rng.next(std::min(left, 12u) + 1);
            grants.push_back({id, k});
            left -= k;
        }
        const auto out = place(fp, grants, current);
        REQUIRE(out.size() == grants.size());
        std::set<unsigned> taken;
        for (std::size_t i = 0; i < out.size(); ++i) {
            const Placement& p = out[i];
            CHECK(p.task == grants[i].task);
            CHECK(p.subarrays <= grants[i].subarrays);
            CHECK(p.region.size() == p.subarrays);
            if (p.subarrays > 0) CHECK(p.region == job_region(fp, p.subarrays, p.pod_offset));
            for (unsigned s : p.region) CHECK(taken.insert(s).second);
            for (const auto& c : current)
                if (c.task == p.task && c.subarrays > 0 && c.subarrays == grants[i].subarrays) CHECK(same(c, p));
        }
        const auto again = place(fp, grants, current);
        for (std::size_t i = 0; i < out.size(); ++i) CHECK(same(out[i], again[i]));
        current = out;
    }
}

TEST_CASE("placement gives the whole chip to one tenant of 16", "[placement]") {
    const Floorplan fp{ArchConfig{}};
    const auto out = place(fp, {{3, 0}, {4, 16}}, {});
    CHECK(out[0].subarrays == 0);
    CHECK(out[1].subarrays == 16);
    CHECK(std::set<unsigned>(out[1].region.begin(), out[1].region.end()).size() == 16);
}

TEST_CASE("placement moves a region only where the register file accepts its fission configurations", "[placement]") {
    // Independent reference: every fission configuration of k built in the
    // canonical region, moved slot by slot to the job region, and resolved by
    // the reconfiguration registers' own rules.
    const Floorplan fp{ArchConfig{}};
    unsigned refused_moves = 0;
    for (unsigned k = 1; k <= fp.subarrays(); ++k) {
        const Region from = canonical_region(fp, k);
        const auto configs = enumerate_configurations(fp, from);
        for (unsigned o = 0; o < fp.pods(); ++o) {
            INFO("k = " << k << ", pod offset " << o);
            const Region to = job_region(fp, k, o);
            bool all_resolve = true;
            for (const auto& c : configs) {
                FissionState st = FissionState::reset(fp);
                for (const auto& a : c.placement) st = place_array(fp, a, st);
                FissionState moved = FissionState::reset(fp);
                for (std::size_t i = 0; i < from.size(); ++i) {
                    moved.subarray[to[i]] = st.subarray[from[i]];
                    moved.selector[to[i]] = st.selector[from[i]];
                }
                all_resolve = all_resolve && resolve_fission(fp, moved).ok();
            }
            CHECK(region_accepts_configurations(fp, k, o) == all_resolve);
            refused_moves += !all_resolve;
        }
        if (k <= fp.subarrays() / fp.pods()) {
            for (unsigned o = 0; o < fp.pods(); ++o) CHECK(region_accepts_configurations(fp, k, o));
        }
    }
    CHECK(refused_moves > 0);
    CHECK(region_accepts_configurations(fp, 16, 0));
    // The move the tile-level host once made and the hardware refused.
    CHECK_FALSE(region_accepts_configurations(fp, 10, 3));  // pods 3, 2 and half of pod 0
    // place() never uses such a move, on many random queues.
    Lcg rng;
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<Grant> grants;
        for (unsigned t = 0, n = 1 + rng.next(4); t < n; ++t) grants.push_back({t, 1 + rng.next(16)});
        for (const Placement& p : place(fp, grants, {}))
            if (p.subarrays > 0) CHECK(region_accepts_configurations(fp, p.subarrays, p.pod_offset));
    }
}
