#include "hw/isa/energy_breakdown.h"

namespace planaria {

const std::array<std::pair<const char*, EnergyBreakdown::Field>, 12>& EnergyBreakdown::components() {
    static const std::array<std::pair<const char*, Field>, 12> list = {{
        {"mac", &EnergyBreakdown::mac},
        {"idle_pe", &EnergyBreakdown::idle_pe},
        {"weight_buffer", &EnergyBreakdown::weight_buffer},
        {"activation_buffer", &EnergyBreakdown::activation_buffer},
        {"output_buffer", &EnergyBreakdown::output_buffer},
        {"ring_bus", &EnergyBreakdown::ring_bus},
        {"crossbar", &EnergyBreakdown::crossbar},
        {"inter_pod_link", &EnergyBreakdown::inter_pod_link},
        {"simd", &EnergyBreakdown::simd},
        {"instruction_fetch", &EnergyBreakdown::instruction_fetch},
        {"dram", &EnergyBreakdown::dram},
        {"leakage", &EnergyBreakdown::leakage},
    }};
    return list;
}

double EnergyBreakdown::total() const {
    double sum = 0;
    for (const auto& [name, field] : components()) sum += this->*field;
    return sum;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    for (const auto& [name, field] : components()) this->*field += o.*field;
    return *this;
}

EnergyBreakdown EnergyBreakdown::scaled(double factor) const {
    EnergyBreakdown s;
    for (const auto& [name, field] : components()) s.*field = this->*field * factor;
    return s;
}

}  // namespace planaria
