#pragma once
// Placement: which physical subarrays each granted count occupies.
//
// A program compiled for k subarrays runs on canonical_region(fp, k) (the
// pods filled along the pod snake) or on a copy of that region moved by whole
// pods (job_region): inside a pod the subarrays keep their slots, so the
// compiled fission configurations, ring adjacency and crossbar settings stay
// valid. place() only ever uses such regions, and only those on which the
// reconfiguration registers accept every fission configuration of k moved
// there (region_accepts_configurations): the chip is not symmetric under
// every move (the turn links of a multi-pod region that wraps around the pod
// grid find no free edge pair on some moves), and a placement the hardware
// refuses would stop its tenant with a configuration error.
//
// Real limits of this rule (accepted, not worked around):
// - A canonical region of k <= 4 starts at slot 0 of its pod, so a pod holds
//   at most one tenant of <= 4 subarrays: up to 4 small tenants fit on
//   Planaria's 4 pods, but two tenants of 2 never share a pod, and a fifth
//   small tenant is not placed even when subarrays are free.
// - Regions move by the pod offset on the pod grid (row-major, wrapping), so
//   on the 2x2 pod grid a region of 5..8 subarrays covers the top or the
//   bottom pod row, never the left or the right pod column.

#include <cstdint>
#include <vector>

#include "hw/fission/fission_configurations.h"  // job_region
#include "hw/fission/floorplan.h"
#include "sched/policy.h"

namespace planaria {

struct Placement {
    std::uint64_t task = 0;
    unsigned subarrays = 0;        ///< placed count (<= the grant); 0: not granted
    unsigned pod_offset = 0;       ///< the canonical region moved by this many pods
    std::vector<unsigned> region;  ///< job_region(fp, subarrays, pod_offset)
};

/// Which subarrays are taken: while place() hands out regions, and while a
/// caller applies a placement (the tasks that keep running first, then each
/// task it starts). A subarray outside the chip is never free.
class SubarrayClaims {
public:
    explicit SubarrayClaims(unsigned subarrays) : taken_(subarrays, false) {}
    void claim(const std::vector<unsigned>& region) {
        for (unsigned s : region) taken_.at(s) = true;
    }
    bool free(const std::vector<unsigned>& region) const {
        for (unsigned s : region)
            if (s >= taken_.size() || taken_[s]) return false;
        return true;
    }

private:
    std::vector<bool> taken_;
};

/// Whether the reconfiguration registers accept every fission configuration
/// of the canonical region of k moved slot by slot onto job_region(fp, k,
/// pod_shift). Always true for k up to one pod.
bool region_accepts_configurations(const Floorplan& fp, unsigned k, unsigned pod_shift);

/// Places each grant (in the given order; running tasks that keep their count keep their place) on free subarrays
/// using job_region(fp, k, pod_offset) for pod_offset in 0..pods-1; a count that cannot be placed is reduced to the
/// largest count that can, possibly 0 (not granted). Deterministic.
///
/// Returns one Placement per grant, in the grants' order. A task in `current` that keeps its count keeps its
/// region (and is placed before the others); a task that changes its count tries its current pod offset first,
/// then the offsets in ascending order. Counts above the chip are cut to the chip.
std::vector<Placement> place(const Floorplan& fp, const std::vector<Grant>& grants,
                             const std::vector<Placement>& current);

}  // namespace planaria
