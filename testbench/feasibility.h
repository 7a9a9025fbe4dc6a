#pragma once
// Feasibility of a scenario's QoS bounds: each DNN alone on a whole chip of
// every chip the policies run on, replayed on the chip-level TLM model, against
// its QoS-S, -M and -H bounds. A DNN slower alone than its bound misses it
// under every policy and every load; when such DNNs draw more than the tail
// the SLA allows (1 % of the vision requests, 3 % of the translation ones),
// no arrival rate meets the SLA and the throughput is zero. The table says so
// before anyone has to discover it in a sweep.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/model.h"
#include "hw/config/arch_config.h"
#include "testbench/workload.h"

namespace planaria {

class WholeChipReplays;

struct FeasibilityRow {
    std::string model;
    double bound_s_ms = 0;            ///< the scenario's QoS-S bound (ms); QoS-M and -H divide it
    bool translation = false;
    std::vector<double> latency_ms;   ///< alone on each chip's whole chip, tile level

    double bound_ms(QosLevel level) const { return bound_s_ms / qos_divisor(level); }
    /// Slower alone on `chip` than its bound at `level`.
    bool misses(std::size_t chip, QosLevel level) const { return latency_ms.at(chip) > bound_ms(level); }
};

/// A DNN that misses its bound alone on a chip, at a QoS level.
struct Blocker {
    std::string model;
    double latency_ms = 0, bound_ms = 0;
    double excess() const { return latency_ms / bound_ms; }
};

struct Feasibility {
    std::vector<std::string> chips;   ///< architecture names, in the order of FeasibilityRow::latency_ms
    std::vector<FeasibilityRow> rows; ///< in scenario order
    double vision_share = 0, translation_share = 0;  ///< the share of requests each model draws (uniform)

    /// Every DNN slower alone on `chip` than its bound at `level`.
    std::vector<Blocker> blockers(std::size_t chip, QosLevel level) const;
    /// Whether the blockers draw more requests than the SLA's tail allows, so
    /// that no rate can meet it.
    bool sla_unreachable(std::size_t chip, QosLevel level) const;
    /// One sentence: which DNNs make `chip`'s SLA unreachable at `level` and by how much ("" when none).
    std::string explain(std::size_t chip, QosLevel level) const;
    /// The table for a person: bounds at S/M/H and each chip's latency, a '*'
    /// beside a latency above the bound at `level`.
    std::string table(QosLevel level) const;
    nlohmann::ordered_json to_json() const;
};

/// The feasibility of the models `runs` replayed that are `scenario`'s (in
/// the runs' order; the others are left out), with the latencies of designs
/// `designs`. The request shares count every model of the scenario.
Feasibility feasibility_of(const WholeChipReplays& runs, const std::vector<std::size_t>& designs,
                           const Scenario& scenario);

/// The replays behind a Feasibility, elaborated in the constructor (one
/// platform per distinct chip). SystemC runs a design once per process, so
/// the caller runs them, alone (run()) or in the same sc_start as its other
/// modules, then asks for result().
class FeasibilityStudy {
public:
    /// `inputs` as for the workload (input resolution overrides). Throws on a bad model.
    FeasibilityStudy(const Scenario& scenario, const std::vector<ArchConfig>& chips,
                     const std::vector<InputOverride>& inputs = {});
    ~FeasibilityStudy();
    /// Runs the replays alone (sc_start) and returns result().
    Feasibility run();
    /// After sc_start: the table. Throws std::runtime_error if a replay failed.
    Feasibility result();

private:
    Scenario scenario_;
    std::unique_ptr<WholeChipReplays> replays_;
};

}  // namespace planaria
