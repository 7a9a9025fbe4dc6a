#include "compiler/bundle.h"

namespace planaria {

std::uint64_t ConfigurationTable::total_cycles() const {
    std::uint64_t sum = 0;
    for (const auto& l : layers) sum += l.cycles;
    return sum;
}

std::uint64_t ConfigurationTable::total_tiles() const {
    std::uint64_t sum = 0;
    for (const auto& l : layers) sum += l.tiles;
    return sum;
}

double ConfigurationTable::total_energy_pj() const {
    double sum = 0;
    for (const auto& l : layers) sum += l.energy_pj;
    return sum;
}

}  // namespace planaria
