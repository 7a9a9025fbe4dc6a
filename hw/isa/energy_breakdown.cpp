#include "hw/isa/energy_breakdown.h"

namespace planaria {

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    compute += o.compute;
    weight_buffer += o.weight_buffer;
    activation_buffer += o.activation_buffer;
    output_buffer += o.output_buffer;
    bus += o.bus;
    dram += o.dram;
    simd += o.simd;
    leakage += o.leakage;
    return *this;
}

}  // namespace planaria
