#pragma once
// The compiler's output for one DNN on one architecture (paper Fig. 11(a)):
// for every subarray count k = 1..N a configuration table (read by the host
// scheduler) and one macro-instruction stream per subarray (read by the
// hardware's sequencers). Written as a versioned binary file (bundle_io.h).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hw/bundle/data_layout.h"
#include "hw/isa/energy_breakdown.h"
#include "hw/isa/instruction.h"

namespace planaria {

// ---------------------------------------------------------------------------
// Configuration table: per layer, what the scheduler needs.
// ---------------------------------------------------------------------------
struct LayerEntry {
    std::string layer;              ///< layer name
    std::string configuration;      ///< fission configuration, e.g. "64x256-1"; "simd" for SIMD-only work
    std::uint32_t block_rows = 0, block_cols = 0, clusters = 0;
    std::uint64_t tiles = 0;        ///< tiles the layer runs (all clusters together)
    std::uint64_t cycles_per_tile = 0;  ///< average, rounded up: tiles * cycles_per_tile >= cycles
    std::uint64_t cycles = 0;       ///< the layer's estimated cycles on k subarrays
    std::uint64_t compute_cycles = 0;   ///< of which the systolic array computes
    std::uint64_t dram_bytes = 0;   ///< off-chip traffic (read + write)
    std::uint64_t compulsory_bytes = 0;  ///< of which no schedule can avoid: each tensor element read or written once
    std::uint64_t macs = 0;         ///< useful MACs
    EnergyBreakdown energy;         ///< estimated energy (pJ), by component
    double energy_pj() const { return energy.total(); }
};

struct ConfigurationTable {
    std::uint32_t subarrays = 0;    ///< k
    std::vector<LayerEntry> layers;
    std::uint64_t total_cycles() const;
    std::uint64_t total_tiles() const;
    double total_energy_pj() const;
    std::uint64_t total_dram_bytes() const;
    std::uint64_t total_compulsory_bytes() const;
};

/// The instruction stream of one subarray for one k.
struct SubarrayProgram {
    std::uint32_t subarray = 0;     ///< position in the canonical region of k (0..k-1)
    std::vector<Instruction> instructions;
};

struct CompiledForK {
    ConfigurationTable table;
    std::vector<SubarrayProgram> programs;  ///< one per subarray of the region
    /// Bytes of the DATA region the programs address: the tensors, then the
    /// scratch of the layers the chip only times (compiler/data_layout.h).
    std::uint64_t data_bytes = 0;
};

struct Bundle {
    std::string model_key;          ///< e.g. "resnet50"
    std::string model_name;
    std::uint64_t arch_fingerprint = 0;  ///< of the fully expanded architecture (bundles are per architecture)
    std::string arch_name;
    std::uint64_t model_macs = 0, model_params = 0;
    /// Where the tensors and weights lie in the DATA and WEIGHTS regions
    /// (offsets from the region's base) and how large the weights are.
    DataLayout data;
    std::vector<CompiledForK> per_k;     ///< index k-1

    /// The DATA region every subarray count's programs fit.
    std::uint64_t data_region_bytes() const {
        std::uint64_t most = data.tensor_bytes;
        for (const CompiledForK& c : per_k) most = std::max(most, c.data_bytes);
        return most;
    }
};

}  // namespace planaria
