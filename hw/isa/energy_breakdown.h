#pragma once
// Energy by hardware component, in picojoules: the same breakdown for the
// compiler's estimate (configuration tables) and for what the chip's
// sequencers metered. One field per block of the paper's chip, so a
// report can say where the energy went (Fig. 15, 17).

#include <array>
#include <utility>

namespace planaria {

struct EnergyBreakdown {
    double mac = 0;                ///< PE-cycles that performed a multiply-accumulate
    double idle_pe = 0;            ///< PE-cycles of a computing array without one (fill, drain, unused rows and columns), per the gating option
    double weight_buffer = 0;      ///< PE-private weight buffers: loads and the per-tile latch
    double activation_buffer = 0;  ///< Pod Memory activation buffers: DMA writes and the array's reads
    double output_buffer = 0;      ///< Pod Memory output buffers: partial-sum writes and read-backs, DMA reads
    double ring_bus = 0;           ///< activation and partial-sum ring buses, per bit-hop
    double crossbar = 0;           ///< the Fission Pods' 4x4 crossbars between subarrays and Pod Memory
    double inter_pod_link = 0;     ///< direct links between pods, per bit-hop
    double simd = 0;               ///< SIMD vector unit lane operations
    double instruction_fetch = 0;  ///< instruction buffer reads, one per instruction executed
    double dram = 0;               ///< off-chip accesses
    double leakage = 0;            ///< static power of the subarrays held, for as long as they are held

    using Field = double EnergyBreakdown::*;
    /// Every component with its name, in the order reports print them.
    static const std::array<std::pair<const char*, Field>, 12>& components();

    double total() const;
    EnergyBreakdown& operator+=(const EnergyBreakdown& o);
    /// Every component times `factor` (a repeated run, a fraction of a layer, a unit change).
    EnergyBreakdown scaled(double factor) const;
};

}  // namespace planaria
