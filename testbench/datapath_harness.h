#pragma once
// The cycle-accurate datapath on a bench: a SystolicDatapath with a host
// (ReconfigurationDriver) bound to its register file, fission
// configurations formed the only way software can (next-state registers
// written over the bus, committed at a tile boundary), random operands, and
// the plain GEMM loop the datapath is checked against. Shared by the unit
// tests, `planaria trace datapath` and `planaria bench datapath`.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hw/config/arch_config.h"
#include "hw/datapath/systolic_datapath.h"
#include "hw/fission/fission_configurations.h"
#include "hw/fission/fission_encoder.h"
#include "hw/trace/signal_trace.h"
#include "hw/driver/reconfiguration_driver.h"

namespace planaria {

struct DatapathHarness {
    ArchConfig cfg;
    SystolicDatapath dp;
    ReconfigurationDriver driver;

    explicit DatapathHarness(const ArchConfig& c = ArchConfig{});

    /// Forms `arrays` (other subarrays stay independent 1x1 arrays).
    void form(const std::vector<LogicalArray>& arrays);
    /// Programs and commits `state`; throws std::runtime_error when the registers refuse it.
    void program(const FissionState& state);
    /// Forms the squarest one-array configuration of the canonical region of
    /// k subarrays and returns it.
    FissionConfiguration form_squarest(unsigned k);

    /// Operands of one tile of `vectors` vectors filling `array`, uniform in
    /// [lo, hi], written into its weight buffers (slot 0) and activation
    /// buffers; returned as K x N weights and M x K activations.
    struct Operands {
        std::vector<std::int16_t> weights, activations;
        unsigned m = 0, k = 0, n = 0;
    };
    Operands load_random(const LogicalArray& array, unsigned vectors, std::mt19937& rng, int lo = -32768,
                         int hi = 32767);
    /// The longest tile the buffers hold (activation and output entries).
    unsigned max_vectors();
};

/// One tile on the squarest one-array configuration of k subarrays, with
/// `vectors` random vectors, subarray `traced` (its edges and corner PEs)
/// reported cycle by cycle into `trace`, the outputs checked against the
/// plain loop (`planaria trace datapath`).
struct TracedTile {
    std::string configuration;
    std::vector<unsigned> subarrays;
    unsigned m = 0, k = 0, n = 0;
    std::uint64_t cycles = 0;
    std::size_t wrong = 0;  ///< outputs that differ from the plain loop
};
TracedTile trace_tile(const ArchConfig& cfg, unsigned k, unsigned vectors, unsigned traced, SignalTrace& trace);

std::vector<std::int16_t> random_matrix(std::mt19937& rng, unsigned rows, unsigned cols, int lo = -32768,
                                        int hi = 32767);

/// O = A * W with A: M x K, W: K x N, in 64-bit integers: a plain loop.
std::vector<std::int64_t> reference_gemm(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& w,
                                         unsigned m, unsigned k, unsigned n);

}  // namespace planaria
