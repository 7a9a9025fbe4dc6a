#pragma once
// Energy by hardware component, in picojoules: the same breakdown for the
// compiler's estimate (configuration tables) and for what the chip's
// sequencers metered.

namespace planaria {

struct EnergyBreakdown {
    double compute = 0, weight_buffer = 0, activation_buffer = 0, output_buffer = 0, bus = 0, dram = 0, simd = 0,
           leakage = 0;
    double total() const {
        return compute + weight_buffer + activation_buffer + output_buffer + bus + dram + simd + leakage;
    }
    EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

}  // namespace planaria
