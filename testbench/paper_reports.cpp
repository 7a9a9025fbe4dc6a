#include "testbench/paper_reports.h"

#include <cmath>
#include <map>

namespace planaria {

WholeChipRun run_whole_chip(const ArchConfig& cfg, const Model& model, Objective objective) {
    const Compiler compiler(cfg, {objective, 0, false});
    const Compilation c = compiler.plan(model, lower(model), cfg.subarray.count);
    return {model.key, c.cycles(), c.energy_pj()};
}

ReportTable table2(const ArchConfig& cfg, const std::vector<Model>& models, Objective objective) {
    const Compiler compiler(cfg, {objective, 0, false});
    const unsigned k = cfg.subarray.count;
    std::vector<FissionConfiguration> configs;
    std::vector<std::map<std::string, unsigned>> picks(models.size());
    std::vector<unsigned> gemm_layers(models.size(), 0);
    for (std::size_t m = 0; m < models.size(); ++m) {
        const Compilation c = compiler.plan(models[m], lower(models[m]), k);
        configs = c.configurations;
        for (const auto& l : c.layers) {
            if (l.configuration < 0) continue;
            ++gemm_layers[m];
            ++picks[m][c.configurations[std::size_t(l.configuration)].name(cfg)];
        }
    }
    ReportTable t;
    t.title = "Table II: share of each DNN's layers (conv, FC, LSTM, attention) that pick each fission "
              "configuration on the whole chip (k = " + std::to_string(k) + ")";
    t.header = {"configuration", "omni"};
    for (const auto& m : models) t.header.push_back(m.key);
    for (const auto& f : configs) {
        const std::string name = f.name(cfg);
        std::vector<std::string> row = {name, f.omni_directional ? "yes" : ""};
        for (std::size_t m = 0; m < models.size(); ++m) {
            const auto it = picks[m].find(name);
            const unsigned n = it == picks[m].end() ? 0 : it->second;
            row.push_back(n ? fixed(100.0 * n / gemm_layers[m], 1) + "%" : "");
        }
        t.rows.push_back(row);
    }
    t.notes.push_back("omni: the configuration needs omni-directional flow (turn links). Paper: 15 configurations, "
                      "six need omni-directional flow, every DNN uses one of them, depth-wise layers use 32x32-16.");
    return t;
}

namespace {
double geomean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += std::log(x);
    return v.empty() ? 0 : std::exp(s / double(v.size()));
}
double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / double(v.size());
}
}  // namespace

ReportTable fig17(const ArchConfig& planaria, const ArchConfig& monolithic, const std::vector<Model>& models,
                  Objective objective) {
    // The paper reports the average and one DNN per category.
    const std::map<std::string, std::pair<std::string, std::string>> paper = {
        {"tiny_yolo", {"2.8", "5.5"}}};
    ReportTable t;
    t.title = "Fig. 17: single-DNN inference, Planaria (" + planaria.name + ", whole chip) against a monolithic " +
              std::to_string(monolithic.array_rows()) + "x" + std::to_string(monolithic.array_cols()) +
              " array with the same PEs and memory (" + monolithic.name + ")";
    t.header = {"DNN", "Planaria ms", "monolithic ms", "speedup", "paper speedup", "Planaria mJ", "monolithic mJ",
                "energy reduction", "paper energy reduction"};
    std::vector<double> speedups, savings;
    for (const auto& m : models) {
        const WholeChipRun p = run_whole_chip(planaria, m, objective);
        const WholeChipRun q = run_whole_chip(monolithic, m, objective);
        const double s = double(q.cycles) / double(p.cycles) * planaria.clock_period_ns() / monolithic.clock_period_ns();
        const double e = q.energy_pj / p.energy_pj;
        speedups.push_back(s);
        savings.push_back(e);
        const auto it = paper.find(m.key);
        t.rows.push_back({m.key, fixed(p.seconds(planaria) * 1e3, 3), fixed(q.seconds(monolithic) * 1e3, 3),
                          fixed(s, 2), it == paper.end() ? "" : it->second.first, fixed(p.energy_pj * 1e-9, 3),
                          fixed(q.energy_pj * 1e-9, 3), fixed(e, 2), it == paper.end() ? "" : it->second.second});
    }
    t.rows.push_back({"mean", "", "", fixed(mean(speedups), 2), "3.5", "", "", fixed(mean(savings), 2), "6.3"});
    t.rows.push_back({"geomean", "", "", fixed(geomean(speedups), 2), "", "", "", fixed(geomean(savings), 2), ""});
    t.notes.push_back("Paper: 3.5x speedup and 6.3x energy reduction on average; depth-wise DNNs (EfficientNet-B0, "
                      "MobileNet-v1, SSD-MobileNet) gain most; Tiny YOLO most among the others (2.8x, 5.5x); GNMT least.");
    return t;
}

ReportTable fig18(const std::vector<ArchConfig>& designs, std::size_t reference, const std::vector<Model>& models,
                  Objective objective) {
    std::vector<std::vector<WholeChipRun>> runs(designs.size());
    for (std::size_t d = 0; d < designs.size(); ++d)
        for (const auto& m : models) runs[d].push_back(run_whole_chip(designs[d], m, objective));
    ReportTable t;
    t.title = "Fig. 18: fission granularity, energy-delay product of single-DNN inference on the whole chip, "
              "relative to " + designs[reference].name + ", averaged over the DNNs";
    t.header = {"design", "subarray", "subarrays", "mean delay", "mean energy", "mean EDP"};
    for (std::size_t d = 0; d < designs.size(); ++d) {
        std::vector<double> delay, energy, edp;
        for (std::size_t m = 0; m < models.size(); ++m) {
            const WholeChipRun& a = runs[d][m];
            const WholeChipRun& r = runs[reference][m];
            const double dt = a.seconds(designs[d]) / r.seconds(designs[reference]);
            const double de = a.energy_pj / r.energy_pj;
            delay.push_back(dt);
            energy.push_back(de);
            edp.push_back(dt * de);
        }
        const ArchConfig& c = designs[d];
        t.rows.push_back({c.name, std::to_string(c.subarray.rows) + "x" + std::to_string(c.subarray.cols),
                          std::to_string(c.subarray.count), fixed(mean(delay), 3), fixed(mean(energy), 3),
                          fixed(mean(edp), 3)});
    }
    t.notes.push_back("Paper: 32x32 subarrays give the lowest average energy-delay product of 16x16, 32x32, 64x64.");
    return t;
}

}  // namespace planaria
