#include "sched/placement.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "hw/fission/fission_configurations.h"
#include "hw/fission/fission_encoder.h"

namespace planaria {

namespace {

/// Every fission configuration of the canonical region of k, moved slot by
/// slot onto job_region(fp, k, pod_shift), resolved by the register file's rules.
bool all_configurations_resolve(const Floorplan& fp, unsigned k, unsigned pod_shift) {
    const std::vector<unsigned> from = canonical_region(fp, k), to = job_region(fp, k, pod_shift);
    for (const FissionConfiguration& c : enumerate_configurations(fp, from)) {
        FissionState formed = FissionState::reset(fp);
        for (const LogicalArray& a : c.placement) formed = place_array(fp, a, formed);
        FissionState moved = FissionState::reset(fp);
        for (std::size_t i = 0; i < from.size(); ++i) {
            moved.subarray[to[i]] = formed.subarray[from[i]];
            moved.selector[to[i]] = formed.selector[from[i]];
        }
        if (!resolve_fission(fp, moved).ok()) return false;
    }
    return true;
}

}  // namespace

bool region_accepts_configurations(const Floorplan& fp, unsigned k, unsigned pod_shift) {
    if (k == 0 || k > fp.subarrays()) return false;
    // The answer depends on the geometry only: computed once per floorplan
    // shape (place() runs at every scheduling event).
    using Key = std::array<unsigned, 6>;
    static std::mutex mutex;
    static std::map<Key, std::vector<std::vector<bool>>> cache;
    const Key key{fp.grid().rows, fp.grid().cols, fp.pod_block().rows, fp.pod_block().cols, fp.pods(),
                  fp.subarrays_per_pod()};
    const std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it == cache.end()) {
        std::vector<std::vector<bool>> table(fp.subarrays() + 1, std::vector<bool>(fp.pods(), false));
        for (unsigned n = 1; n <= fp.subarrays(); ++n)
            for (unsigned o = 0; o < fp.pods(); ++o) table[n][o] = all_configurations_resolve(fp, n, o);
        it = cache.emplace(key, std::move(table)).first;
    }
    return it->second[k][pod_shift % fp.pods()];
}

namespace {

const Placement* current_of(const std::vector<Placement>& current, std::uint64_t task) {
    for (const auto& p : current)
        if (p.task == task && p.subarrays > 0) return &p;
    return nullptr;
}

}  // namespace

std::vector<Placement> place(const Floorplan& fp, const std::vector<Grant>& grants,
                             const std::vector<Placement>& current) {
    SubarrayClaims used(fp.subarrays());
    std::vector<Placement> out(grants.size());
    std::vector<bool> placed(grants.size(), false);
    for (std::size_t i = 0; i < grants.size(); ++i) out[i].task = grants[i].task;

    // Running tasks that keep their count stay where they are: moving them
    // would cost a checkpoint for nothing.
    for (std::size_t i = 0; i < grants.size(); ++i) {
        const Placement* now = current_of(current, grants[i].task);
        if (!now || now->subarrays != grants[i].subarrays || !used.free(now->region)) continue;
        out[i] = *now;
        used.claim(now->region);
        placed[i] = true;
    }

    // The others in the given order: the largest count that fits, at the
    // task's current offset first (its data is nearest), then offsets 0, 1, ...
    for (std::size_t i = 0; i < grants.size(); ++i) {
        if (placed[i] || grants[i].subarrays == 0) continue;
        const Placement* now = current_of(current, grants[i].task);
        std::vector<unsigned> offsets;
        if (now && now->pod_offset < fp.pods()) offsets.push_back(now->pod_offset);
        for (unsigned o = 0; o < fp.pods(); ++o)
            if (!now || o != now->pod_offset) offsets.push_back(o);
        for (unsigned k = std::min(grants[i].subarrays, fp.subarrays()); k > 0 && !placed[i]; --k)
            for (unsigned o : offsets) {
                std::vector<unsigned> region = job_region(fp, k, o);
                if (!used.free(region) || !region_accepts_configurations(fp, k, o)) continue;
                used.claim(region);
                out[i].subarrays = k;
                out[i].pod_offset = o;
                out[i].region = std::move(region);
                placed[i] = true;
                break;
            }
    }
    return out;
}

}  // namespace planaria
