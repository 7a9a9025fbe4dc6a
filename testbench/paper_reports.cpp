#include "testbench/paper_reports.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

#include "testbench/fission_gap.h"
#include "testbench/replay.h"

namespace planaria {

WholeChipRun run_whole_chip(const ArchConfig& cfg, const Model& model, Objective objective) {
    const Compiler compiler(cfg, {objective, 0, false});
    const Compilation c = compiler.plan(model, lower(model), cfg.subarray.count);
    return {model.key, c.cycles(), c.energy_pj(), {}, {}};
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

WholeChipReplays::WholeChipReplays(std::vector<ArchConfig> designs, std::vector<Model> models, Objective objective,
                                   std::vector<std::string> configurations)
    : designs_(std::move(designs)), models_(std::move(models)) {
    configurations.resize(designs_.size());
    // Bundles for the whole chip only: streams and table for k = all subarrays.
    std::vector<std::vector<Bundle>> bundles(designs_.size());
    std::vector<std::unique_ptr<ReplayPlatform>> platforms;
    for (std::size_t d = 0; d < designs_.size(); ++d) {
        const ArchConfig& cfg = designs_[d];
        const unsigned k = cfg.subarray.count;
        CompileOptions options(objective, k, true, {k});
        options.tables_for_streams_only = true;
        options.configuration = configurations[d];
        const Compiler compiler(cfg, options);
        for (const Model& m : models_) bundles[d].push_back(compiler.compile(m));
        platforms.push_back(std::make_unique<ReplayPlatform>(("design_" + std::to_string(d)).c_str(), cfg));
        for (const Bundle& b : bundles[d]) {
            ReplayJob job;
            job.bundle = &b;
            job.subarrays = k;
            job.after_previous = true;  // one DNN at a time, alone on the chip
            platforms.back()->add(job);
        }
    }
    sc_core::sc_start();
    chip_.assign(designs_.size(), {});
    estimate_.assign(designs_.size(), {});
    for (std::size_t d = 0; d < designs_.size(); ++d) {
        const ArchConfig& cfg = designs_[d];
        for (std::size_t m = 0; m < models_.size(); ++m) {
            const ReplayResult& r = platforms[d]->results().at(m);
            if (r.error || !platforms[d]->finished(m))
                throw std::runtime_error(models_[m].key + " on " + cfg.name + ": the chip-level run failed or did not finish");
            const auto cycles_of = [&](sc_core::sc_time t) {
                return std::uint64_t(std::llround(t.to_seconds() * 1e9 / cfg.clock_period_ns()));
            };
            const ConfigurationTable& t = bundles[d][m].per_k.back().table;
            WholeChipRun chip{models_[m].key, cycles_of(r.finish - r.arrival), r.energy_pj(), {}, {}};
            WholeChipRun estimate{models_[m].key, t.total_cycles(), t.total_energy_pj(), {}, {}};
            const std::vector<sc_core::sc_time> times = r.layer_times();
            for (std::size_t l = 0; l < t.layers.size(); ++l) {
                chip.layers.push_back(t.layers[l].layer);
                chip.layer_cycles.push_back(l < times.size() ? cycles_of(times[l]) : 0);
                estimate.layers.push_back(t.layers[l].layer);
                estimate.layer_cycles.push_back(t.layers[l].cycles);
            }
            chip_[d].push_back(std::move(chip));
            estimate_[d].push_back(std::move(estimate));
        }
    }
}

ReportTable fig17(const WholeChipReplays& runs, std::size_t planaria_index, std::size_t monolithic_index) {
    const ArchConfig& planaria = runs.design(planaria_index);
    const ArchConfig& monolithic = runs.design(monolithic_index);
    // The paper reports the average and one DNN per category.
    const std::map<std::string, std::pair<std::string, std::string>> paper = {
        {"tiny_yolo", {"2.8", "5.5"}}};
    ReportTable t;
    t.title = "Fig. 17: single-DNN inference on the chip-level model, Planaria (" + planaria.name +
              ", whole chip) against a monolithic " + std::to_string(monolithic.array_rows()) + "x" +
              std::to_string(monolithic.array_cols()) + " array with the same PEs and memory (" + monolithic.name + ")";
    t.header = {"DNN", "Planaria ms", "monolithic ms", "speedup", "paper speedup", "Planaria mJ", "monolithic mJ",
                "energy reduction", "paper energy reduction", "estimate speedup", "estimate energy reduction",
                "Planaria estimate error %", "monolithic estimate error %"};
    std::vector<double> speedups, savings, est_speedups, est_savings;
    const auto error = [](const WholeChipRun& chip, const WholeChipRun& est) {
        return fixed((double(est.cycles) - double(chip.cycles)) / double(chip.cycles) * 100, 1);
    };
    for (std::size_t m = 0; m < runs.models().size(); ++m) {
        const WholeChipRun& p = runs.chip(planaria_index, m);
        const WholeChipRun& q = runs.chip(monolithic_index, m);
        const WholeChipRun& pe = runs.estimate(planaria_index, m);
        const WholeChipRun& qe = runs.estimate(monolithic_index, m);
        const double s = q.seconds(monolithic) / p.seconds(planaria), e = q.energy_pj / p.energy_pj;
        const double se = qe.seconds(monolithic) / pe.seconds(planaria), ee = qe.energy_pj / pe.energy_pj;
        speedups.push_back(s), savings.push_back(e), est_speedups.push_back(se), est_savings.push_back(ee);
        const auto it = paper.find(p.model);
        t.rows.push_back({p.model, fixed(p.seconds(planaria) * 1e3, 3), fixed(q.seconds(monolithic) * 1e3, 3),
                          fixed(s, 2), it == paper.end() ? "" : it->second.first, fixed(p.energy_pj * 1e-9, 3),
                          fixed(q.energy_pj * 1e-9, 3), fixed(e, 2), it == paper.end() ? "" : it->second.second,
                          fixed(se, 2), fixed(ee, 2), error(p, pe), error(q, qe)});
    }
    t.rows.push_back({"mean", "", "", fixed(mean(speedups), 2), "3.5", "", "", fixed(mean(savings), 2), "6.3",
                      fixed(mean(est_speedups), 2), fixed(mean(est_savings), 2), "", ""});
    t.rows.push_back({"geomean", "", "", fixed(geomean(speedups), 2), "", "", "", fixed(geomean(savings), 2), "",
                      fixed(geomean(est_speedups), 2), fixed(geomean(est_savings), 2), "", ""});
    t.notes.push_back("Measured on the chip-level model (planaria replay): latency from the replay, energy from the "
                      "chip's own activity; 'estimate' columns: the configuration tables (compiler cost model), and "
                      "their latency error against the chip.");
    t.notes.push_back("Paper: 3.5x speedup and 6.3x energy reduction on average; depth-wise DNNs (EfficientNet-B0, "
                      "MobileNet-v1, SSD-MobileNet) gain most; Tiny YOLO most among the others (2.8x, 5.5x); GNMT least.");
    return t;
}

ReportTable fig18(const WholeChipReplays& runs, const std::vector<std::size_t>& designs, std::size_t reference) {
    ReportTable t;
    t.title = "Fig. 18: fission granularity, energy-delay product of single-DNN inference on the whole chip "
              "(chip-level model), relative to " + runs.design(reference).name + ", averaged over the DNNs";
    t.header = {"design", "subarray", "subarrays", "mean delay", "mean energy", "mean EDP", "estimate mean EDP"};
    for (std::size_t d : designs) {
        std::vector<double> delay, energy, edp, est_edp;
        for (std::size_t m = 0; m < runs.models().size(); ++m) {
            const auto ratio = [&](const WholeChipRun& a, const WholeChipRun& r, double& dt, double& de) {
                dt = a.seconds(runs.design(d)) / r.seconds(runs.design(reference));
                de = a.energy_pj / r.energy_pj;
            };
            double dt = 0, de = 0, et = 0, ee = 0;
            ratio(runs.chip(d, m), runs.chip(reference, m), dt, de);
            ratio(runs.estimate(d, m), runs.estimate(reference, m), et, ee);
            delay.push_back(dt), energy.push_back(de), edp.push_back(dt * de), est_edp.push_back(et * ee);
        }
        const ArchConfig& c = runs.design(d);
        t.rows.push_back({c.name, std::to_string(c.subarray.rows) + "x" + std::to_string(c.subarray.cols),
                          std::to_string(c.subarray.count), fixed(mean(delay), 3), fixed(mean(energy), 3),
                          fixed(mean(edp), 3), fixed(mean(est_edp), 3)});
    }
    t.notes.push_back("Measured on the chip-level model; 'estimate': the same from the configuration tables.");
    t.notes.push_back("Paper: 32x32 subarrays give the lowest average energy-delay product of 16x16, 32x32, 64x64.");
    return t;
}

std::vector<std::pair<std::string, ReportTable>> single_dnn_reports(const SingleDnnDesigns& designs,
                                                                    const std::vector<Model>& models,
                                                                    Objective objective,
                                                                    const std::vector<std::string>& which) {
    const auto wants = [&](const char* name) { return std::find(which.begin(), which.end(), name) != which.end(); };
    std::vector<std::pair<std::string, ReportTable>> out;
    if (wants("table2")) out.emplace_back("table2", table2(designs.planaria, models, objective));
    if (!wants("fig17") && !wants("fig18") && !wants("gap")) return out;
    // Index 0 is Planaria; the others only when a figure needs them.
    std::vector<ArchConfig> run = {designs.planaria};
    std::vector<std::string> forced = {""};
    const auto add = [&](const ArchConfig& cfg, std::string configuration = "") {
        run.push_back(cfg);
        forced.push_back(std::move(configuration));
        return run.size() - 1;
    };
    const std::size_t mono = wants("fig17") || wants("gap") ? add(designs.monolithic) : 0;
    const std::size_t g16 = wants("fig18") ? add(designs.granularity_16) : 0;
    const std::size_t g64 = wants("fig18") ? add(designs.granularity_64) : 0;
    const std::size_t one_array = wants("gap") ? add(designs.planaria, monolithic_shape(designs.monolithic)) : 0;
    // The tables' side first: nothing may throw on the main stack after the simulation (fission_gap.h).
    const GapAttribution gap_tables =
        wants("gap") ? attribute_gaps(designs.planaria, designs.monolithic, models) : GapAttribution{};
    const WholeChipReplays runs(run, models, objective, forced);
    if (wants("fig17")) out.emplace_back("fig17", fig17(runs, 0, mono));
    if (wants("fig18")) out.emplace_back("fig18", fig18(runs, {g16, 0, g64}, 0));
    if (wants("gap")) {
        GapReports gap = fission_gap(runs, one_array, mono, gap_tables);
        out.emplace_back("gap", std::move(gap.dnns));
        out.emplace_back("gap_layers", std::move(gap.layers));
    }
    return out;
}

}  // namespace planaria
