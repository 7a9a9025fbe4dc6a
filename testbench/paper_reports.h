#pragma once
// The single-DNN studies of the paper's Section VI-B2, computed with this
// model's compiler: Table II (which fission configuration each layer picks on
// the whole chip), Fig. 17 (Planaria against a monolithic array with the same
// PEs and memory) and Fig. 18 (fission granularity). Each table puts the
// paper's figure beside ours where the paper gives one.

#include <vector>

#include "compiler/compiler.h"
#include "testbench/report_table.h"

namespace planaria {

/// Whole-chip (k = all subarrays) cost of one DNN on one architecture.
struct WholeChipRun {
    std::string model;
    std::uint64_t cycles = 0;
    double energy_pj = 0;
    double seconds(const ArchConfig& cfg) const { return double(cycles) * cfg.clock_period_ns() * 1e-9; }
};

WholeChipRun run_whole_chip(const ArchConfig& cfg, const Model& model, Objective objective);

/// Table II: per configuration, the share of each DNN's GEMM layers that pick it.
ReportTable table2(const ArchConfig& cfg, const std::vector<Model>& models, Objective objective);

/// Fig. 17: speedup and energy reduction of Planaria over the monolithic array.
ReportTable fig17(const ArchConfig& planaria, const ArchConfig& monolithic, const std::vector<Model>& models,
                  Objective objective);

/// Fig. 18: energy-delay product per subarray size, averaged over the DNNs,
/// relative to `reference` (the 32x32 design).
ReportTable fig18(const std::vector<ArchConfig>& designs, std::size_t reference, const std::vector<Model>& models,
                  Objective objective);

}  // namespace planaria
