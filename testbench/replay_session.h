#pragma once
// Compiled DNNs on the chip-level model, one after another, each alone on k
// subarrays (planaria replay): latency, tiles, DRAM bytes and energy against
// the compiler's estimate, the tolerance rule, and in functional runs every
// stored tensor against the reference execution.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lowering.h"
#include "compiler/model.h"
#include "hw/datapath/fidelity.h"
#include "hw/config/arch_config.h"

namespace planaria {

struct ReplayOptions {
    unsigned subarrays = 0;                  ///< per inference (0: the whole chip)
    bool functional = false;                 ///< real data: random weights and inputs from `seed`
    std::uint64_t seed = 1;
    std::vector<InputOverride> inputs;       ///< model inputs resized
    std::optional<double> preempt_after_us;  ///< force a checkpoint and restore of every inference
    /// Fail unless every latency and energy is within this many percent of
    /// the chip's of the estimate (either side), the data bytes within
    /// `dram_tolerance` percent of the table's, and the tiles equal the table's.
    std::optional<double> tolerance;
    double dram_tolerance = 2.0;
    std::string out_dir;                     ///< CSV, JSON and the Perfetto timeline (empty: none)
    DepthwiseMapping depthwise = DepthwiseMapping::Column;  ///< CompileOptions::depthwise (timing only)
    /// Cycle: every tile runs on the datapath modules and is checked against the closed form.
    Fidelity fidelity = Fidelity::Tile;
    /// At cycle fidelity: a VCD (GTKWave) of one layer of the first model, the
    /// ring-bus edges of one subarray and its corner PEs, cycle by cycle at
    /// chip time (empty: no trace).
    std::string trace_vcd;
    std::string trace_layer;        ///< the layer's name
    unsigned trace_subarray = 0;    ///< one of the canonical region's subarrays
    /// Called with (inferences finished, inferences) as each finishes.
    std::function<void(unsigned, unsigned)> progress;
};

struct ReplayReport {
    std::string text;         ///< the table for a person
    bool ok = true;           ///< no sequencer error, within the tolerance, outputs exact
    std::uint64_t tiles = 0;  ///< simulated
    double wall_s = 0;
    /// Cycle fidelity: tiles run on the datapath, those whose cycles differ
    /// from the closed form, and those it could not run.
    std::uint64_t tiles_compared = 0, tiles_differing = 0, datapath_errors = 0;
    std::uint64_t traced_tiles = 0;  ///< tiles of the traced layer recorded
};

ReplayReport replay_models(const std::vector<std::string>& files, const ArchConfig& cfg, const ReplayOptions& options);

}  // namespace planaria
