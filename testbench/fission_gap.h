#pragma once
// Why the fissioned chip formed as one array (128x128-1 on Planaria) is not
// the monolithic array (paper Section VI-B2, Fig. 17): per layer, the gap
// between the two chips and the hardware terms it comes from.
//
// The terms are read off the configuration tables by removing one difference
// at a time from the fissioned design until it is the monolithic one; each
// term is what that step saves, so the terms add up to the tables' gap, and
// what the last step leaves against the monolithic array's own table is the
// residual (zero when the named terms are all the differences there are):
//
//   ring-bus stages       ring_bus.pipeline_stages -> 0
//   inter-pod links       inter_pod_link latency -> 0, bandwidth -> unbounded
//   activation buffers    each array reaches the monolithic array's activation entries
//   activation windows    the entry subarrays share raw pixels instead of each
//                         fetching the channels its own rows use
//   off-chip channels     the monolithic array's channels (one 250 GB/s channel for all)
//   SIMD segments         SIMD-only layers on one segment of the monolithic
//                         array's lanes instead of 16 segments of 32
//
// The chip's own gap (from the replays) is reported beside, and so is what
// the tables miss of it on either chip.

#include <string>
#include <vector>

#include "testbench/paper_reports.h"

namespace planaria {

/// One named step from the fissioned design towards the monolithic one.
struct GapStep {
    std::string term;
    ArchConfig design;  ///< the fissioned design with this and every earlier step applied
    bool shared_windows = false;    ///< entry subarrays share raw activation pixels (CompileOptions)
    bool one_simd_segment = false;  ///< SIMD-only layers on one segment of the design's lanes
};

/// The steps from `fissioned` to `monolithic`, in the order above.
std::vector<GapStep> gap_steps(const ArchConfig& fissioned, const ArchConfig& monolithic);

struct LayerGap {
    std::string layer;
    std::uint64_t fissioned = 0, monolithic = 0;  ///< the tables' cycles
    std::vector<std::int64_t> terms;              ///< cycles each step saves, in gap_steps order
    std::int64_t residual = 0;                    ///< last step's cycles minus the monolithic array's
};

/// Per layer of `model`, the tables' gap on `configuration` of the fissioned
/// chip (every GEMM layer forced onto it) against the monolithic array.
std::vector<LayerGap> attribute_gap(const ArchConfig& fissioned, const ArchConfig& monolithic,
                                    const std::string& configuration, const Model& model);

/// The configuration name of the monolithic array's shape ("128x128-1").
std::string monolithic_shape(const ArchConfig& monolithic);

/// The tables' side of the gap for every model, with the steps' names.
/// Computed before any simulation runs: the configuration search throws and
/// catches internally, which AddressSanitizer misreads once SystemC has run
/// on the main stack (google/sanitizers#189).
struct GapAttribution {
    std::vector<std::string> terms;
    std::vector<std::vector<LayerGap>> models;  ///< per model, per layer
};
GapAttribution attribute_gaps(const ArchConfig& fissioned, const ArchConfig& monolithic,
                              const std::vector<Model>& models);

/// The gap report: per DNN (and, in `layers`, per layer) the chip's gap in
/// microseconds, the terms, the residual and the tables' error on both chips.
/// `runs` holds the fissioned chip forced onto the monolithic shape at
/// `fissioned` and the monolithic array at `monolithic`; `tables` is
/// attribute_gaps of the same designs and models.
struct GapReports {
    ReportTable dnns, layers;
};
GapReports fission_gap(const WholeChipReplays& runs, std::size_t fissioned, std::size_t monolithic,
                       const GapAttribution& tables);

}  // namespace planaria
