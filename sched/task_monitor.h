#pragma once
// The host's task monitor (paper Section V, Fig. 11(b)): what it knows of a
// DNN is its configuration table for every subarray count (compiled
// offline), and of a running task which layer it is in and how much of it is
// done. PREDICTTIME is then a look-up: the cycles of the remaining layers on
// k subarrays.

#include <string>
#include <vector>

#include "hw/bundle/bundle.h"

namespace planaria {

class TaskProfile {
public:
    /// `tables[k-1]`: the configuration table for k subarrays (all k the chip may grant).
    TaskProfile(std::string model, std::vector<const ConfigurationTable*> tables, double clock_period_s);

    const std::string& model() const { return model_; }
    std::size_t layers() const { return layers_; }
    unsigned max_subarrays() const { return unsigned(tables_.size()); }
    /// Seconds layer `layer` takes on k subarrays.
    double layer_seconds(unsigned k, std::size_t layer) const;
    /// Energy of layer `layer` on k subarrays (joules, by component).
    EnergyBreakdown layer_joules(unsigned k, std::size_t layer) const;
    /// PREDICTTIME: seconds left on k subarrays from `fraction` of layer `layer` on.
    double remaining(unsigned k, std::size_t layer, double fraction) const;
    /// The whole inference alone on k subarrays.
    double isolated(unsigned k) const { return remaining(k, 0, 0); }

private:
    std::string model_;
    std::vector<const ConfigurationTable*> tables_;
    double period_;
    std::size_t layers_ = 0;
    std::vector<std::vector<double>> suffix_;  ///< [k-1][layer]: seconds of the layers from `layer` on
};

}  // namespace planaria
