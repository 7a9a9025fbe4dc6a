#include "sched/task_monitor.h"

#include <stdexcept>

namespace planaria {

TaskProfile::TaskProfile(std::string model, std::vector<const ConfigurationTable*> tables, double clock_period_s)
    : model_(std::move(model)), tables_(std::move(tables)), period_(clock_period_s) {
    if (tables_.empty() || !tables_.front()) throw std::invalid_argument(model_ + ": no configuration table");
    layers_ = tables_.front()->layers.size();
    for (const ConfigurationTable* t : tables_)
        if (!t || t->layers.size() != layers_)
            throw std::invalid_argument(model_ + ": configuration tables of different layer counts");
    suffix_.assign(tables_.size(), std::vector<double>(layers_ + 1, 0.0));
    for (std::size_t k = 0; k < tables_.size(); ++k)
        for (std::size_t l = layers_; l-- > 0;) suffix_[k][l] = suffix_[k][l + 1] + layer_seconds(unsigned(k + 1), l);
}

double TaskProfile::layer_seconds(unsigned k, std::size_t layer) const {
    return double(tables_.at(k - 1)->layers.at(layer).cycles) * period_;
}

EnergyBreakdown TaskProfile::layer_joules(unsigned k, std::size_t layer) const {
    return tables_.at(k - 1)->layers.at(layer).energy.scaled(1e-12);
}

double TaskProfile::remaining(unsigned k, std::size_t layer, double fraction) const {
    if (layer >= layers_) return 0;
    const auto& s = suffix_.at(k - 1);
    return s[layer + 1] + (1.0 - fraction) * (s[layer] - s[layer + 1]);
}

}  // namespace planaria
