#pragma once
// The Planaria compiler (paper Section IV-C, Fig. 11(a)): for a DNN and an
// architecture, for every subarray count k = 1..N, the fission configuration
// of each layer, its tiles and cycles (the configuration table) and the
// macro-instruction stream of each subarray (the binary).
//
// For each k the logical accelerator is compiled for its canonical region
// (hw/fission/fission_configurations.h); every configuration that region can
// form is costed per layer (compiler/cost_model.h) and the best is kept by
// the objective. Deterministic: no hash or iteration order enters the result.

#include <string>
#include <vector>

#include "hw/bundle/bundle.h"
#include "compiler/cost_model.h"
#include "compiler/model.h"

namespace planaria {

enum class Objective { Cycles, EnergyDelay };

Objective parse_objective(const std::string& text);  ///< "cycles" | "edp"; throws std::invalid_argument
const char* to_string(Objective o);

struct CompileOptions {
    CompileOptions(Objective objective_ = Objective::Cycles, unsigned max_subarrays_ = 0, bool instructions_ = true,
                   std::vector<unsigned> stream_counts_ = {})
        : objective(objective_), max_subarrays(max_subarrays_), instructions(instructions_),
          stream_counts(std::move(stream_counts_)) {}
    Objective objective = Objective::Cycles;
    unsigned max_subarrays = 0;       ///< compile k = 1..max (0: all subarrays of the chip)
    bool instructions = true;         ///< emit the instruction streams (off: tables only)
    /// The subarray counts whose instruction streams are emitted (empty: every
    /// count); the configuration tables always cover every count, since the
    /// host scheduler reads them all.
    std::vector<unsigned> stream_counts;
    /// Only the counts in stream_counts get a configuration table too (the
    /// others' stay empty): a bundle for running the DNN on one count, not
    /// for a scheduler.
    bool tables_for_streams_only = false;
    /// Every GEMM layer runs on the configuration of this name (e.g.
    /// "128x128-1") at the counts that can form it, instead of the one the
    /// objective picks: a study of one configuration. Empty: the objective picks.
    std::string configuration;
    /// What-if: the entry subarrays of an array share raw activation pixels
    /// instead of each fetching those of its own rows (ActivationFetch).
    bool shared_activation_windows = false;
    /// How depth-wise channels map onto the array (lowering.h): one per
    /// column (the paper's) or block-diagonally packed, a sensitivity study
    /// for the monolithic baseline. Timing only: the functional data layout
    /// (testbench/functional_image.h) keeps one channel per pass.
    DepthwiseMapping depthwise = DepthwiseMapping::Column;
    /// The lowering these options ask of a chip `cfg`.
    LoweringOptions lowering(const ArchConfig& cfg) const { return {depthwise, cfg.array_rows(), cfg.array_cols()}; }
};

/// The most instructions one bundle may hold (2^25, 512 MiB encoded): a
/// larger model is refused before it exhausts memory; compile fewer subarray
/// counts (CompileOptions::stream_counts) to stay below.
constexpr std::uint64_t kMaxBundleInstructions = std::uint64_t(1) << 25;

/// One layer's decision on k subarrays, with its cost.
struct LayerChoice {
    std::size_t layer = 0;
    int configuration = -1;           ///< index into the configurations of k; -1: SIMD-only
    LayerCost cost;
};

/// The configurations and per-layer choices for one k (the compiler's working view).
struct Compilation {
    unsigned k = 0;
    std::vector<FissionConfiguration> configurations;
    std::vector<LayerChoice> layers;
    std::uint64_t cycles() const;
    double energy_pj() const;
};

class Compiler {
public:
    Compiler(const ArchConfig& cfg, CompileOptions options = {});

    /// The choices for one k.
    Compilation plan(const Model& model, const std::vector<LayerWork>& work, unsigned k) const;
    /// The whole bundle.
    Bundle compile(const Model& model) const;

    /// What the load and the store of each of the `k` subarrays' shares of
    /// SIMD-only layer `i` move (hw/isa/simd_share.h), by position.
    std::vector<SimdTraffic> simd_traffic(const Model& model, const std::vector<LayerWork>& work, std::size_t i,
                                          unsigned k) const;

    const ArchConfig& config() const { return cfg_; }
    const CostModel& cost_model() const { return cost_; }

private:
    SimdTraffic share_traffic(const LayerDescriptor& share, const LayerWork& work) const;
    /// The instruction stream of `position`; raises `data_end` to the end of
    /// the data region it addresses (tensors and scratch).
    std::vector<Instruction> program(const Model& model, const std::vector<LayerWork>& work,
                                     const Compilation& c, unsigned position, std::uint64_t& data_end) const;

    ArchConfig cfg_;
    CompileOptions options_;
    Floorplan floorplan_;
    CostModel cost_;
};

}  // namespace planaria
