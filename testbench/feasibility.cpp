#include "testbench/feasibility.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include <systemc>

#include "compiler/compiler.h"
#include "testbench/paper_reports.h"
#include "testbench/report_table.h"

namespace planaria {

namespace {

// The SLA's tails (testbench/metrics.h): the share of a class's requests that may miss.
constexpr double kVisionTail = 0.01, kTranslationTail = 0.03;

}  // namespace

std::vector<Blocker> Feasibility::blockers(std::size_t chip, QosLevel level) const {
    std::vector<Blocker> out;
    for (const FeasibilityRow& r : rows)
        if (r.misses(chip, level)) out.push_back({r.model, r.latency_ms.at(chip), r.bound_ms(level)});
    return out;
}

bool Feasibility::sla_unreachable(std::size_t chip, QosLevel level) const {
    double vision = 0, translation = 0;
    for (const FeasibilityRow& r : rows)
        if (r.misses(chip, level)) (r.translation ? translation : vision) += 1;
    return vision * vision_share > kVisionTail || translation * translation_share > kTranslationTail;
}

std::string Feasibility::explain(std::size_t chip, QosLevel level) const {
    const std::vector<Blocker> slow = blockers(chip, level);
    if (slow.empty()) return "";
    std::ostringstream os;
    os << "on " << chips.at(chip) << " at QoS-" << to_string(level) << ", ";
    for (std::size_t i = 0; i < slow.size(); ++i) {
        const Blocker& b = slow[i];
        os << (i == 0 ? "" : i + 1 == slow.size() ? " and " : ", ") << b.model << " alone takes "
           << fixed(b.latency_ms, 2) << " ms, " << fixed(b.excess(), 2) << "x its " << fixed(b.bound_ms, 3)
           << " ms bound";
    }
    if (sla_unreachable(chip, level)) {
        os << ": " << (slow.size() == 1 ? "it misses" : "they miss")
           << " every time, more requests than the SLA's tail lets miss (1 % of the vision requests, 3 % of the "
              "translation ones), so no rate meets the SLA";
    } else {
        os << " (too few requests to make the SLA unreachable)";
    }
    return os.str();
}

std::string Feasibility::table(QosLevel level) const {
    std::ostringstream os;
    os << "Feasibility: each DNN alone on a whole chip (tile level: replayed on the chip-level TLM model) against its "
          "QoS bounds, ms; * marks a latency above the QoS-"
       << to_string(level) << " bound\n\n";
    os << std::left << std::setw(20) << "DNN" << std::right << std::setw(9) << "QoS-S" << std::setw(9) << "QoS-M"
       << std::setw(9) << "QoS-H";
    for (const std::string& c : chips) os << std::setw(15) << c;
    os << "\n";
    for (const FeasibilityRow& r : rows) {
        os << std::left << std::setw(20) << r.model << std::right;
        for (QosLevel q : {QosLevel::Soft, QosLevel::Medium, QosLevel::Hard})
            os << std::setw(9) << fixed(r.bound_ms(q), q == QosLevel::Soft ? 1 : 3);
        for (std::size_t c = 0; c < chips.size(); ++c)
            os << std::setw(14) << fixed(r.latency_ms[c], 3) << (r.misses(c, level) ? "*" : " ");
        os << "\n";
    }
    return os.str();
}

nlohmann::ordered_json Feasibility::to_json() const {
    nlohmann::ordered_json j;
    j["method"] = "each DNN alone on the whole chip, replayed at tile level on the chip-level TLM model";
    j["chips"] = chips;
    for (const FeasibilityRow& r : rows) {
        nlohmann::ordered_json row;
        row["model"] = r.model;
        row["translation"] = r.translation;
        for (QosLevel q : {QosLevel::Soft, QosLevel::Medium, QosLevel::Hard})
            row["bound_ms"][to_string(q)] = r.bound_ms(q);
        for (std::size_t c = 0; c < chips.size(); ++c) row["latency_ms"][chips[c]] = r.latency_ms[c];
        j["rows"].push_back(row);
    }
    return j;
}

Feasibility feasibility_of(const WholeChipReplays& runs, const std::vector<std::size_t>& designs,
                           const Scenario& scenario) {
    Feasibility f;
    for (std::size_t d : designs) f.chips.push_back(runs.design(d).name);
    std::size_t vision = 0, translation = 0;
    for (const std::string& key : scenario.models) ++(scenario.translation.count(key) ? translation : vision);
    for (std::size_t m = 0; m < runs.models().size(); ++m) {
        const std::string& key = runs.models()[m].key;
        if (std::find(scenario.models.begin(), scenario.models.end(), key) == scenario.models.end()) continue;
        FeasibilityRow row;
        row.model = key;
        row.bound_s_ms = scenario.qos_ms.at(key);
        row.translation = scenario.translation.count(key) > 0;
        for (std::size_t d : designs) row.latency_ms.push_back(runs.latency_s(d, m) * 1e3);
        f.rows.push_back(std::move(row));
    }
    // A model draws 1/n of all requests, so 1/vision of the vision ones.
    f.vision_share = vision ? 1.0 / double(vision) : 0;
    f.translation_share = translation ? 1.0 / double(translation) : 0;
    return f;
}

FeasibilityStudy::FeasibilityStudy(const Scenario& scenario, const std::vector<ArchConfig>& chips,
                                   const std::vector<InputOverride>& inputs)
    : scenario_(scenario) {
    std::vector<Model> models;
    for (const std::string& key : scenario.models) models.push_back(load_model_file(model_file(scenario, key), inputs));
    replays_ = std::make_unique<WholeChipReplays>(chips, std::move(models), Objective::Cycles,
                                                  std::vector<DesignChoice>{}, WholeChipReplays::Start::WithOthers);
}

FeasibilityStudy::~FeasibilityStudy() = default;

Feasibility FeasibilityStudy::run() {
    sc_core::sc_start();
    return result();
}

Feasibility FeasibilityStudy::result() {
    replays_->collect();
    std::vector<std::size_t> designs(replays_->designs());
    for (std::size_t d = 0; d < designs.size(); ++d) designs[d] = d;
    return feasibility_of(*replays_, designs, scenario_);
}

}  // namespace planaria
