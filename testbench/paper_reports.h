#pragma once
// The single-DNN studies of the paper's Section VI-B2: Table II (which
// fission configuration each layer picks on the whole chip, the compiler's
// choice), Fig. 17 (Planaria against a monolithic array with the same PEs and
// memory) and Fig. 18 (fission granularity), both measured on the chip-level
// model with the configuration tables' estimate beside. Each table puts the
// paper's figure beside ours where the paper gives one.

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/compiler.h"
#include "testbench/report_table.h"

namespace planaria {

/// Whole-chip (k = all subarrays) cost of one DNN on one architecture.
struct WholeChipRun {
    std::string model;
    std::uint64_t cycles = 0;
    EnergyBreakdown energy;  ///< pJ, under the design's energy figures
    /// Chip runs only: the total (pJ) under each gating option (index: PeGating), from the same activity.
    std::array<double, 3> energy_pj_gated{};
    double energy_pj() const { return energy.total(); }
    std::vector<std::string> layers;          ///< layer names, in program order
    std::vector<std::uint64_t> layer_cycles;  ///< each layer's cycles (they add up to `cycles` on the chip)
    double seconds(const ArchConfig& cfg) const { return double(cycles) * cfg.clock_period_ns() * 1e-9; }
};

/// The configuration table's estimate (the compiler's cost model).
WholeChipRun run_whole_chip(const ArchConfig& cfg, const Model& model, Objective objective);

/// What a design's compilation is asked for beyond the objective.
struct DesignChoice {
    std::string configuration;  ///< every GEMM layer on this configuration (CompileOptions; "": the objective picks)
    DepthwiseMapping depthwise = DepthwiseMapping::Column;  ///< CompileOptions::depthwise
};

/// Every DNN alone on the whole chip of every design, run on the chip-level
/// model (the replay: the compiled instruction streams on the Accelerator,
/// real TLM traffic on its channels), beside the configuration table's
/// estimate. SystemC elaborates once per process: the constructor builds one
/// platform per design; with Start::Now it also runs them (sc_start) and
/// collects the results, with Start::WithOthers the caller runs them beside
/// the rest of its design and then calls collect().
struct Feasibility;
struct Scenario;

class WholeChipReplays {
public:
    enum class Start { Now, WithOthers };
    /// `choices`: per design (missing: the defaults). Throws
    /// std::runtime_error if a run fails or does not finish.
    WholeChipReplays(std::vector<ArchConfig> designs, std::vector<Model> models, Objective objective,
                     std::vector<DesignChoice> choices = {}, Start start = Start::Now);
    ~WholeChipReplays();
    WholeChipReplays(WholeChipReplays&&) noexcept;
    /// After sc_start (Start::WithOthers): reads every platform's results.
    void collect();
    const ArchConfig& design(std::size_t d) const { return designs_.at(d); }
    std::size_t designs() const { return designs_.size(); }
    const std::vector<Model>& models() const { return models_; }
    /// Latency (in the design's cycles) and energy from the chip's own activity.
    const WholeChipRun& chip(std::size_t design, std::size_t model) const { return chip_.at(design).at(model); }
    const WholeChipRun& estimate(std::size_t design, std::size_t model) const { return estimate_.at(design).at(model); }
    /// The chip's latency in seconds.
    double latency_s(std::size_t design, std::size_t model) const;

private:
    struct Platforms;
    std::vector<ArchConfig> designs_;
    std::vector<Model> models_;
    std::unique_ptr<Platforms> platforms_;
    std::vector<std::vector<WholeChipRun>> chip_, estimate_;
};

/// Table II: per configuration, the share of each DNN's GEMM layers that pick it.
ReportTable table2(const ArchConfig& cfg, const std::vector<Model>& models, Objective objective);

/// Fig. 17: speedup and energy reduction of Planaria over the monolithic
/// array, from the chip, with the tables' estimate beside.
ReportTable fig17(const WholeChipReplays& runs, std::size_t planaria, std::size_t monolithic);

/// Where the energy of Fig. 17 goes: per DNN and chip, each component (uJ)
/// as the chip metered it.
ReportTable fig17_energy(const WholeChipReplays& runs, std::size_t planaria, std::size_t monolithic);

/// Fig. 18: energy-delay product per subarray size, averaged over the DNNs,
/// relative to `reference` (the 32x32 design), from the chip, with the
/// tables' estimate beside.
ReportTable fig18(const WholeChipReplays& runs, const std::vector<std::size_t>& designs, std::size_t reference);

/// Fig. 19: the logic area and power of the fissionable chip block by block
/// (hw/config/area_power.h), and what fission adds over the monolithic
/// array with the same PEs, beside the paper's +12.6 % area and +20.6 % power.
ReportTable fig19(const ArchConfig& planaria, const ArchConfig& monolithic);

/// The designs the single-DNN studies compare.
struct SingleDnnDesigns {
    ArchConfig planaria, monolithic, granularity_16, granularity_64;
};

/// Feasibility (testbench/feasibility.h) as a report: per DNN the QoS-S/M/H
/// bounds, its latency alone on each chip, and the levels each misses alone.
ReportTable feasibility_table(const Feasibility& feasibility);

/// The reports named in `which` ("table2", "fig17", "fig18", "gap",
/// "feasibility" of the models of `bounds`, which it then needs), in that
/// order, the figures from one simulation of just the designs they need.
std::vector<std::pair<std::string, ReportTable>> single_dnn_reports(const SingleDnnDesigns& designs,
                                                                    const std::vector<Model>& models,
                                                                    Objective objective,
                                                                    const std::vector<std::string>& which,
                                                                    const Scenario* bounds = nullptr);

}  // namespace planaria
