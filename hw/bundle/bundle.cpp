#include "hw/bundle/bundle.h"

namespace planaria {

namespace {
template <class F>
auto sum_of(const std::vector<LayerEntry>& layers, F field) {
    decltype(field(layers.front())) sum{};
    for (const auto& l : layers) sum += field(l);
    return sum;
}
}  // namespace

std::uint64_t ConfigurationTable::total_cycles() const {
    return sum_of(layers, [](const LayerEntry& l) { return l.cycles; });
}

std::uint64_t ConfigurationTable::total_tiles() const {
    return sum_of(layers, [](const LayerEntry& l) { return l.tiles; });
}

double ConfigurationTable::total_energy_pj() const {
    return sum_of(layers, [](const LayerEntry& l) { return l.energy_pj(); });
}

std::uint64_t ConfigurationTable::total_dram_bytes() const {
    return sum_of(layers, [](const LayerEntry& l) { return l.dram_bytes; });
}

std::uint64_t ConfigurationTable::total_compulsory_bytes() const {
    return sum_of(layers, [](const LayerEntry& l) { return l.compulsory_bytes; });
}

}  // namespace planaria
