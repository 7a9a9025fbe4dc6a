#include "testbench/paper_reports.h"

#include "testbench/feasibility.h"
#include "testbench/workload.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

#include "hw/config/area_power.h"
#include "testbench/fission_gap.h"
#include "testbench/replay.h"

namespace planaria {

WholeChipRun run_whole_chip(const ArchConfig& cfg, const Model& model, Objective objective) {
    const Compiler compiler(cfg, {objective, 0, false});
    const Compilation c = compiler.plan(model, lower(model), cfg.subarray.count);
    WholeChipRun run{model.key, c.cycles(), {}, {}, {}, {}};
    for (const auto& l : c.layers) run.energy += l.cost.energy;
    return run;
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

struct WholeChipReplays::Platforms {
    std::vector<std::vector<Bundle>> bundles;  // [design][model]
    std::vector<std::unique_ptr<ReplayPlatform>> chips;
};

WholeChipReplays::WholeChipReplays(std::vector<ArchConfig> designs, std::vector<Model> models, Objective objective,
                                   std::vector<DesignChoice> choices, Start start)
    : designs_(std::move(designs)), models_(std::move(models)), platforms_(std::make_unique<Platforms>()) {
    choices.resize(designs_.size());
    // Module names are unique in a simulation: a second set of replays in one process gets its own.
    static unsigned instances = 0;
    const std::string prefix = instances++ ? "replays" + std::to_string(instances - 1) + "_" : "";
    // Bundles for the whole chip only: streams and table for k = all subarrays.
    platforms_->bundles.resize(designs_.size());
    for (std::size_t d = 0; d < designs_.size(); ++d) {
        const ArchConfig& cfg = designs_[d];
        const unsigned k = cfg.subarray.count;
        CompileOptions options(objective, k, true, {k});
        options.tables_for_streams_only = true;
        options.configuration = choices[d].configuration;
        options.depthwise = choices[d].depthwise;
        const Compiler compiler(cfg, options);
        for (const Model& m : models_) platforms_->bundles[d].push_back(compiler.compile(m));
        platforms_->chips.push_back(
            std::make_unique<ReplayPlatform>((prefix + "design_" + std::to_string(d)).c_str(), cfg));
        for (const Bundle& b : platforms_->bundles[d]) {
            ReplayJob job;
            job.bundle = &b;
            job.subarrays = k;
            job.after_previous = true;  // one DNN at a time, alone on the chip
            platforms_->chips.back()->add(job);
        }
    }
    if (start == Start::Now) {
        sc_core::sc_start();
        collect();
    }
}

WholeChipReplays::~WholeChipReplays() = default;
WholeChipReplays::WholeChipReplays(WholeChipReplays&&) noexcept = default;

double WholeChipReplays::latency_s(std::size_t design, std::size_t model) const {
    return double(chip(design, model).cycles) * designs_.at(design).clock_period_ns() * 1e-9;
}

void WholeChipReplays::collect() {
    chip_.assign(designs_.size(), {});
    estimate_.assign(designs_.size(), {});
    for (std::size_t d = 0; d < designs_.size(); ++d) {
        const ArchConfig& cfg = designs_[d];
        const ReplayPlatform& platform = *platforms_->chips[d];
        for (std::size_t m = 0; m < models_.size(); ++m) {
            const ReplayResult& r = platform.results().at(m);
            if (r.error || !platform.finished(m))
                throw std::runtime_error(models_[m].key + " on " + cfg.name + ": the chip-level run failed or did not finish");
            const auto cycles_of = [&](sc_core::sc_time t) {
                return std::uint64_t(std::llround(t.to_seconds() * 1e9 / cfg.clock_period_ns()));
            };
            const ConfigurationTable& t = platforms_->bundles[d][m].per_k.back().table;
            WholeChipRun chip{models_[m].key, cycles_of(r.finish - r.arrival), r.energy, {}, {}, {}};
            for (PeGating g : {PeGating::None, PeGating::Data, PeGating::Clock}) {
                ArchConfig priced = cfg;
                priced.energy.pe_gating = g;
                chip.energy_pj_gated[std::size_t(g)] = activity_energy(priced, r.bytes, r.activity).total() + r.energy.leakage;
            }
            WholeChipRun estimate{models_[m].key, t.total_cycles(), {}, {}, {}, {}};
            for (const LayerEntry& l : t.layers) estimate.energy += l.energy;
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
    const std::string gating = to_string(planaria.energy.pe_gating);
    t.header = {"DNN", "Planaria ms", "monolithic ms", "speedup", "paper speedup", "Planaria mJ", "monolithic mJ",
                "energy reduction", "paper energy reduction", "energy reduction, idle PEs ungated",
                "energy reduction, idle PEs data-gated", "energy reduction, idle PEs clock-gated", "estimate speedup",
                "estimate energy reduction", "Planaria estimate error %", "monolithic estimate error %"};
    std::vector<double> speedups, savings, est_speedups, est_savings;
    std::array<std::vector<double>, 3> gated_savings;
    const auto error = [](const WholeChipRun& chip, const WholeChipRun& est) {
        return fixed((double(est.cycles) - double(chip.cycles)) / double(chip.cycles) * 100, 1);
    };
    for (std::size_t m = 0; m < runs.models().size(); ++m) {
        const WholeChipRun& p = runs.chip(planaria_index, m);
        const WholeChipRun& q = runs.chip(monolithic_index, m);
        const WholeChipRun& pe = runs.estimate(planaria_index, m);
        const WholeChipRun& qe = runs.estimate(monolithic_index, m);
        const double s = q.seconds(monolithic) / p.seconds(planaria), e = q.energy_pj() / p.energy_pj();
        const double se = qe.seconds(monolithic) / pe.seconds(planaria), ee = qe.energy_pj() / pe.energy_pj();
        speedups.push_back(s), savings.push_back(e), est_speedups.push_back(se), est_savings.push_back(ee);
        std::array<std::string, 3> gated;
        for (std::size_t g = 0; g < 3; ++g) {
            gated_savings[g].push_back(q.energy_pj_gated[g] / p.energy_pj_gated[g]);
            gated[g] = fixed(gated_savings[g].back(), 2);
        }
        const auto it = paper.find(p.model);
        t.rows.push_back({p.model, fixed(p.seconds(planaria) * 1e3, 3), fixed(q.seconds(monolithic) * 1e3, 3),
                          fixed(s, 2), it == paper.end() ? "" : it->second.first, fixed(p.energy_pj() * 1e-9, 3),
                          fixed(q.energy_pj() * 1e-9, 3), fixed(e, 2), it == paper.end() ? "" : it->second.second,
                          gated[0], gated[1], gated[2], fixed(se, 2), fixed(ee, 2), error(p, pe), error(q, qe)});
    }
    const auto summary = [&](const char* name, double (*of)(const std::vector<double>&), const char* paper_speedup,
                             const char* paper_saving) {
        t.rows.push_back({name, "", "", fixed(of(speedups), 2), paper_speedup, "", "", fixed(of(savings), 2),
                          paper_saving, fixed(of(gated_savings[0]), 2), fixed(of(gated_savings[1]), 2),
                          fixed(of(gated_savings[2]), 2), fixed(of(est_speedups), 2), fixed(of(est_savings), 2), "", ""});
    };
    summary("mean", mean, "3.5", "6.3");
    summary("geomean", geomean, "", "");
    t.notes.push_back("Energy reduction: under the architecture's gating option (energy.pe_gating: " + gating +
                      "); the three columns after the paper's price the same measured activity with idle PE-cycles "
                      "ungated, data-gated and clock-gated (README, energy model).");
    t.notes.push_back("Measured on the chip-level model (planaria replay): latency from the replay, energy from the "
                      "chip's own activity; 'estimate' columns: the configuration tables (compiler cost model), and "
                      "their latency error against the chip.");
    t.notes.push_back("Paper: 3.5x speedup and 6.3x energy reduction on average; depth-wise DNNs (EfficientNet-B0, "
                      "MobileNet-v1, SSD-MobileNet) gain most; Tiny YOLO most among the others (2.8x, 5.5x); GNMT least.");
    return t;
}

ReportTable fig17_energy(const WholeChipReplays& runs, std::size_t planaria_index, std::size_t monolithic_index) {
    ReportTable t;
    t.title = "Fig. 17 energy by component (uJ), measured on the chip-level model, idle PEs " +
              std::string(to_string(runs.design(planaria_index).energy.pe_gating)) + "-gated";
    t.header = {"DNN", "chip"};
    for (const auto& [name, field] : EnergyBreakdown::components()) t.header.push_back(name);
    t.header.push_back("total");
    for (std::size_t m = 0; m < runs.models().size(); ++m)
        for (std::size_t d : {planaria_index, monolithic_index}) {
            const WholeChipRun& r = runs.chip(d, m);
            std::vector<std::string> row = {r.model, runs.design(d).name};
            for (const auto& [name, field] : EnergyBreakdown::components()) row.push_back(fixed(r.energy.*field * 1e-6, 3));
            row.push_back(fixed(r.energy_pj() * 1e-6, 3));
            t.rows.push_back(std::move(row));
        }
    t.notes.push_back("Each component as the sequencers counted it (hw/timing/tile_activity.h) at the architecture's "
                      "energy figures; leakage for the inference's latency.");
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
                de = a.energy_pj() / r.energy_pj();
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

ReportTable fig19(const ArchConfig& planaria, const ArchConfig& monolithic) {
    ReportTable t;
    t.title = "Fig. 19: logic area and power of " + planaria.name + " by block at 45 nm, on-chip buffers excluded, "
              "against " + monolithic.name + " (" + std::to_string(monolithic.array_rows()) + "x" +
              std::to_string(monolithic.array_cols()) + ", the same PEs)";
    t.header = {"block", "for fission", "instances", "per", "area mm^2", "area %", "power mW", "power %"};
    const auto blocks = area_power_breakdown(planaria);
    double area = 0, power = 0, fission_area = 0, fission_power = 0;
    for (const BlockCost& b : blocks) {
        area += b.area_um2, power += b.power_mw;
        if (b.fission) fission_area += b.area_um2, fission_power += b.power_mw;
    }
    for (const BlockCost& b : blocks)
        t.rows.push_back({b.block, b.fission ? "yes" : "no", std::to_string(b.count), b.unit, fixed(b.area_um2 * 1e-6, 4),
                          fixed(b.area_um2 / area * 100, 2), fixed(b.power_mw, 1), fixed(b.power_mw / power * 100, 2)});
    t.rows.push_back({planaria.name + " total", "", "", "", fixed(area * 1e-6, 3), "100.00", fixed(power, 1), "100.00"});
    double mono_area = 0, mono_power = 0;
    for (const BlockCost& b : area_power_breakdown(monolithic)) mono_area += b.area_um2, mono_power += b.power_mw;
    t.rows.push_back({monolithic.name + " total", "", "", "", fixed(mono_area * 1e-6, 3), "", fixed(mono_power, 1), ""});
    const auto percent = [](double x) { return (x >= 0 ? "+" : "") + fixed(x * 100, 1) + " %"; };
    t.rows.push_back({"fission overhead (blocks for fission / the others)", "", "", "",
                      percent(fission_area / (area - fission_area)), "", percent(fission_power / (power - fission_power)), ""});
    t.rows.push_back({"against the monolithic array", "", "", "", percent(area / mono_area - 1), "",
                      percent(power / mono_power - 1), ""});
    t.rows.push_back({"paper", "", "", "", "+12.6 %", "", "+20.6 %", ""});
    t.notes.push_back("Area: instances x cells (architecture 'area' figures, README: area and power, with their sources). "
                      "Power at " + fixed(planaria.clock_mhz, 0) + " MHz with the datapath switching every cycle: PEs at "
                      "energy.mac_pj, SIMD lanes at energy.simd_op_pj, instruction buffers one read a cycle, other logic "
                      "at the PE array's power per unit area; reconfiguration registers hold their state (no dynamic power).");
    t.notes.push_back("The paper synthesized its RTL (Design Compiler, FreePDK45) and does not give its per-block "
                      "figures; ours are built from cell counts, so the ring-bus pipeline registers (12 stages of a whole "
                      "vector on every link between neighbouring subarrays) weigh most, and power follows area because "
                      "the added logic is taken to switch like the PE datapath.");
    return t;
}

ReportTable feasibility_table(const Feasibility& f) {
    ReportTable t;
    t.title = "Feasibility: each DNN alone on the whole chip (tile level) against its QoS bounds";
    t.header = {"DNN", "QoS-S ms", "QoS-M ms", "QoS-H ms"};
    for (const std::string& c : f.chips) t.header.push_back(c + " ms");
    for (const std::string& c : f.chips) t.header.push_back(c + " misses");
    const std::vector<std::pair<QosLevel, int>> levels = {
        {QosLevel::Soft, 1}, {QosLevel::Medium, 3}, {QosLevel::Hard, 4}};  // with the digits each bound shows
    for (const FeasibilityRow& r : f.rows) {
        std::vector<std::string> row = {r.model};
        for (const auto& [q, digits] : levels) row.push_back(fixed(r.bound_ms(q), digits));
        for (double latency : r.latency_ms) row.push_back(fixed(latency, 3));
        for (std::size_t c = 0; c < f.chips.size(); ++c) {
            std::string misses;
            for (const auto& [q, digits] : levels)
                if (r.misses(c, q)) misses += (misses.empty() ? "" : " ") + to_string(q);
            row.push_back(misses.empty() ? "none" : misses);
        }
        t.rows.push_back(std::move(row));
    }
    t.notes.push_back("A DNN that misses its bound alone misses it under any policy and load; when it draws more "
                      "requests than the SLA's tail (1 % of the vision ones, 3 % of the translation ones), no rate "
                      "meets the SLA on that chip at that level and its throughput is 0 (planaria run prints the same "
                      "table when it reports a zero).");
    return t;
}

std::vector<std::pair<std::string, ReportTable>> single_dnn_reports(const SingleDnnDesigns& designs,
                                                                    const std::vector<Model>& models,
                                                                    Objective objective,
                                                                    const std::vector<std::string>& which,
                                                                    const Scenario* bounds) {
    const auto wants = [&](const char* name) { return std::find(which.begin(), which.end(), name) != which.end(); };
    std::vector<std::pair<std::string, ReportTable>> out;
    if (wants("table2")) out.emplace_back("table2", table2(designs.planaria, models, objective));
    if (!wants("fig17") && !wants("fig18") && !wants("gap") && !wants("feasibility")) return out;
    // Index 0 is Planaria; the others only when a figure needs them.
    std::vector<ArchConfig> run = {designs.planaria};
    std::vector<DesignChoice> forced = {{}};
    const auto add = [&](const ArchConfig& cfg, DesignChoice choice = {}) {
        run.push_back(cfg);
        forced.push_back(std::move(choice));
        return run.size() - 1;
    };
    const std::size_t mono = wants("fig17") || wants("gap") || wants("feasibility") ? add(designs.monolithic) : 0;
    const std::size_t g16 = wants("fig18") ? add(designs.granularity_16) : 0;
    const std::size_t g64 = wants("fig18") ? add(designs.granularity_64) : 0;
    const std::size_t one_array = wants("gap") ? add(designs.planaria, {monolithic_shape(designs.monolithic)}) : 0;
    // The sensitivity of Fig. 17 to the baseline's depth-wise mapping.
    const std::size_t packed = wants("fig17") ? add(designs.monolithic, {"", DepthwiseMapping::BlockDiagonal}) : 0;
    // The tables' side first: nothing may throw on the main stack after the simulation (fission_gap.h).
    const GapAttribution gap_tables =
        wants("gap") ? attribute_gaps(designs.planaria, designs.monolithic, models) : GapAttribution{};
    const WholeChipReplays runs(run, models, objective, forced);
    if (wants("fig17")) {
        out.emplace_back("fig17", fig17(runs, 0, mono));
        ReportTable packed_table = fig17(runs, 0, packed);
        packed_table.title += ", the monolithic array packing depth-wise channels block-diagonally";
        out.emplace_back("fig17_packed", std::move(packed_table));
        out.emplace_back("fig17_energy", fig17_energy(runs, 0, mono));
    }
    if (wants("fig18")) out.emplace_back("fig18", fig18(runs, {g16, 0, g64}, 0));
    if (wants("feasibility") && bounds)
        out.emplace_back("feasibility", feasibility_table(feasibility_of(runs, {0, mono}, *bounds)));
    if (wants("gap")) {
        GapReports gap = fission_gap(runs, one_array, mono, gap_tables);
        out.emplace_back("gap", std::move(gap.dnns));
        out.emplace_back("gap_layers", std::move(gap.layers));
    }
    return out;
}

}  // namespace planaria
