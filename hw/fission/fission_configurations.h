#pragma once
// Fission configurations: the ways a set of subarrays given to one logical
// accelerator can be arranged into systolic arrays, named as in the paper's
// Table II: rows x cols - clusters (e.g. 64x256-1, 32x32-16). A cluster is one
// rectangular systolic array; all clusters of a configuration have the same
// shape and run tiles of the same layer side by side.
//
// The list is computed, not tabulated: every (block_rows, block_cols, clusters)
// with block_rows * block_cols * clusters = the number of subarrays for which
// a placement exists that the register file accepts and decodes back to
// exactly those clusters (resolve_fission). The compiler, the datapath tests
// and the scheduler all use this one list.

#include <string>
#include <vector>

#include "hw/fission/fission_encoder.h"

namespace planaria {

struct FissionConfiguration {
    unsigned block_rows = 1;             ///< subarrays along the partial-sum flow, per cluster
    unsigned block_cols = 1;             ///< subarrays along the activation flow, per cluster
    unsigned clusters = 1;               ///< independent arrays
    bool omni_directional = false;       ///< some cluster needs a turn link
    std::vector<LogicalArray> placement; ///< the clusters on the region's subarrays

    unsigned pe_rows(const ArchConfig& cfg) const { return block_rows * cfg.subarray.rows; }
    unsigned pe_cols(const ArchConfig& cfg) const { return block_cols * cfg.subarray.cols; }
    unsigned subarrays() const { return block_rows * block_cols * clusters; }
    /// "128x128-1" style name.
    std::string name(const ArchConfig& cfg) const;
};

/// The subarrays a logical accelerator of k subarrays occupies when it is
/// compiled: pods filled one after the other along the pod grid's snake,
/// each pod's subarrays along its snake, so that every prefix is connected.
std::vector<unsigned> canonical_region(const Floorplan& fp, unsigned k);

/// Where a program compiled for the canonical region of k runs: that region
/// moved by whole pods (pod_offset steps along the pod grid, row-major,
/// wrapping around), each subarray keeping its slot in its pod.
std::vector<unsigned> job_region(const Floorplan& fp, unsigned k, unsigned pod_offset);

/// Every configuration the given subarrays can form, ordered by clusters,
/// then block_rows. Deterministic.
std::vector<FissionConfiguration> enumerate_configurations(const Floorplan& fp, const std::vector<unsigned>& region);

/// The one-cluster configuration closest to square (ties: fewer block rows),
/// or nullptr when there is none.
const FissionConfiguration* squarest_single_array(const std::vector<FissionConfiguration>& configs);

/// A placement of `clusters` arrays of block_rows x block_cols on `region`
/// (empty if none exists). The state returned by place_array for each
/// cluster, applied in order to `base`, forms them.
std::vector<LogicalArray> find_placement(const Floorplan& fp, const std::vector<unsigned>& region,
                                         unsigned block_rows, unsigned block_cols, unsigned clusters,
                                         const FissionState& base);

/// One way to divide all subarrays among concurrently running logical
/// accelerators (tenants), with a placement that shows it can be formed.
struct FissionScenario {
    std::vector<unsigned> sizes;        ///< subarrays per tenant, largest first
    std::vector<LogicalArray> arrays;   ///< one array per tenant over all of its subarrays
};

/// Every division of the chip's subarrays into tenants (a partition of the
/// subarray count) for which all tenants can be placed at once, each on
/// subarrays that the ring buses join into one array spanning all of them
/// (any block_rows x block_cols shape; turn links allowed). Deterministic.
std::vector<FissionScenario> enumerate_scenarios(const Floorplan& fp);

}  // namespace planaria
