#include "testbench/fission_gap.h"

#include <cmath>
#include <stdexcept>

#include "compiler/cost_model.h"
#include "compiler/lowering.h"
#include "hw/fission/buffer_reach.h"
#include "hw/fission/fission_configurations.h"

namespace planaria {

namespace {

/// The fissioned configuration of the whole chip named `name`.
const FissionConfiguration& whole_chip_configuration(const std::vector<FissionConfiguration>& configs,
                                                     const ArchConfig& cfg, const std::string& name) {
    for (const FissionConfiguration& c : configs)
        if (c.name(cfg) == name) return c;
    throw std::invalid_argument("the fissioned chip '" + cfg.name + "' cannot form " + name);
}

std::vector<std::uint64_t> layer_cycles(const GapStep& step, const std::string& configuration, const Model& model,
                                        const std::vector<LayerWork>& work) {
    const ArchConfig& cfg = step.design;
    CompileOptions options(Objective::Cycles, 0, false);
    options.configuration = configuration;
    options.shared_activation_windows = step.shared_windows;
    const Compiler compiler(cfg, options);
    const Compilation c = compiler.plan(model, work, cfg.subarray.count);
    std::vector<std::uint64_t> cycles;
    for (const LayerChoice& l : c.layers) {
        const LayerWork& w = work.at(l.layer);
        const bool simd_only = !w.fused && !w.has_gemm();
        cycles.push_back(step.one_simd_segment && simd_only
                             ? compiler.cost_model().simd_layer(w, compiler.simd_traffic(model, work, l.layer, 1)).cycles
                             : l.cost.cycles);
    }
    return cycles;
}

}  // namespace

std::string monolithic_shape(const ArchConfig& monolithic) {
    return std::to_string(monolithic.array_rows()) + "x" + std::to_string(monolithic.array_cols()) + "-1";
}

std::vector<GapStep> gap_steps(const ArchConfig& fissioned, const ArchConfig& monolithic) {
    std::vector<GapStep> steps;
    GapStep s{"", fissioned};
    ArchConfig& d = s.design;
    const auto step = [&](const char* term) {
        s.term = term;
        steps.push_back(s);
    };
    d.ring_bus.pipeline_stages = 0;
    step("ring-bus stages");
    d.inter_pod_link.latency_cycles = 0;
    d.inter_pod_link.bandwidth_gbps = 1e12;  // never paces
    step("inter-pod links");
    // The array reaches as many activation entries as the monolithic array's buffer holds.
    const Floorplan fp(d);
    const auto configs = enumerate_configurations(fp, canonical_region(fp, d.subarray.count));
    const FissionConfiguration& shape = whole_chip_configuration(configs, d, monolithic_shape(monolithic));
    const std::uint64_t reached = BufferReach(d, fp, shape.placement.front()).activation_entries();
    const std::uint64_t wanted = monolithic.pod.activation_buffer.entries();
    if (reached < wanted) d.pod.activation_buffer.bytes = d.pod.activation_buffer.bytes * wanted / reached;
    step("activation buffer reach");
    s.shared_windows = true;
    step("activation windows");
    d.offchip.channels = monolithic.offchip.channels;
    d.offchip.bandwidth_gbps = monolithic.offchip.bandwidth_gbps;
    step("off-chip channels");
    d.simd.lanes = monolithic.simd.lanes;
    s.one_simd_segment = true;
    step("SIMD segments");
    return steps;
}

std::vector<LayerGap> attribute_gap(const ArchConfig& fissioned, const ArchConfig& monolithic,
                                    const std::string& configuration, const Model& model) {
    const std::vector<LayerWork> work = lower(model);
    std::vector<std::vector<std::uint64_t>> designs = {layer_cycles({"", fissioned}, configuration, model, work)};
    for (const GapStep& s : gap_steps(fissioned, monolithic)) designs.push_back(layer_cycles(s, configuration, model, work));
    const std::vector<std::uint64_t> mono = layer_cycles({"", monolithic}, "", model, work);
    std::vector<LayerGap> out;
    for (std::size_t l = 0; l < mono.size(); ++l) {
        LayerGap g;
        g.layer = model.layers.at(l).name;
        g.fissioned = designs.front()[l];
        g.monolithic = mono[l];
        for (std::size_t s = 1; s < designs.size(); ++s)
            g.terms.push_back(std::int64_t(designs[s - 1][l]) - std::int64_t(designs[s][l]));
        g.residual = std::int64_t(designs.back()[l]) - std::int64_t(mono[l]);
        out.push_back(std::move(g));
    }
    return out;
}

GapAttribution attribute_gaps(const ArchConfig& fissioned, const ArchConfig& monolithic,
                              const std::vector<Model>& models) {
    GapAttribution a;
    for (const GapStep& s : gap_steps(fissioned, monolithic)) a.terms.push_back(s.term);
    for (const Model& model : models)
        a.models.push_back(attribute_gap(fissioned, monolithic, monolithic_shape(monolithic), model));
    return a;
}

GapReports fission_gap(const WholeChipReplays& runs, std::size_t f, std::size_t m, const GapAttribution& tables) {
    const ArchConfig& fissioned = runs.design(f);
    const ArchConfig& monolithic = runs.design(m);
    const std::string shape = monolithic_shape(monolithic);
    const std::vector<std::string>& steps = tables.terms;
    const auto us = [](const ArchConfig& cfg, double cycles) { return cycles * cfg.clock_period_ns() * 1e-3; };

    std::vector<std::string> header = {"DNN", "fissioned us", "monolithic us", "gap us"};
    for (const std::string& term : steps) header.push_back(term + " us");
    for (const char* h : {"residual us", "fissioned table error us", "monolithic table error us"}) header.push_back(h);
    GapReports r;
    r.dnns.title = "The fissioned chip as one " + shape + " array against the monolithic array (" + monolithic.name +
                   "), on the chip-level model: the gap and the hardware terms it comes from";
    r.dnns.header = header;
    r.layers.title = r.dnns.title + ", per layer";
    r.layers.header = header;
    r.layers.header.insert(r.layers.header.begin() + 1, "layer");
    for (const char* note :
         {"gap = fissioned - monolithic on the chip = the terms + residual - fissioned table error + monolithic table "
          "error (each table error = the configuration table's estimate - the chip).",
          "Each term is what the configuration tables save when that difference of the fissioned chip is removed, "
          "in this order, starting from the fissioned chip with every GEMM layer on the one array: ring-bus "
          "registers set to zero, inter-pod links without latency or bandwidth limit, each array reaching the "
          "monolithic array's activation entries, its entry subarrays sharing raw activation pixels (each fetches "
          "the channels its own rows use, so a channel several block rows use is fetched several times), the "
          "monolithic array's off-chip channel, SIMD-only layers on one segment of its lanes.",
          "residual = the tables' cycles after the last step - the monolithic array's own table: zero when the "
          "named terms are all the differences (a test holds it at zero for every layer of the zoo)."})
        r.dnns.notes.push_back(note);
    r.layers.notes = r.dnns.notes;

    for (std::size_t i = 0; i < runs.models().size(); ++i) {
        const Model& model = runs.models()[i];
        const WholeChipRun& fc = runs.chip(f, i);
        const WholeChipRun& mc = runs.chip(m, i);
        const WholeChipRun& fe = runs.estimate(f, i);
        const WholeChipRun& me = runs.estimate(m, i);
        const std::vector<LayerGap>& gaps = tables.models.at(i);
        std::vector<double> sums(steps.size() + 6, 0.0);
        for (std::size_t l = 0; l < gaps.size(); ++l) {
            const LayerGap& g = gaps[l];
            const double chip_f = us(fissioned, double(fc.layer_cycles.at(l))),
                         chip_m = us(monolithic, double(mc.layer_cycles.at(l)));
            std::vector<double> v = {chip_f, chip_m, chip_f - chip_m};
            for (std::int64_t t : g.terms) v.push_back(us(fissioned, double(t)));
            // After the last step the design is the fissioned chip's clock; the monolithic array has its own.
            v.push_back(us(fissioned, double(g.monolithic + g.residual)) - us(monolithic, double(g.monolithic)));
            v.push_back(us(fissioned, double(fe.layer_cycles.at(l))) - chip_f);
            v.push_back(us(monolithic, double(me.layer_cycles.at(l))) - chip_m);
            for (std::size_t k = 0; k < v.size(); ++k) sums[k] += v[k];
            if (chip_f == 0 && chip_m == 0) continue;  // fused into the layer before
            std::vector<std::string> row = {model.key, g.layer};
            for (double x : v) row.push_back(fixed(x, 3));
            r.layers.rows.push_back(std::move(row));
        }
        std::vector<std::string> row = {model.key};
        for (std::size_t k = 0; k < steps.size() + 6; ++k) row.push_back(fixed(sums[k], 1));
        r.dnns.rows.push_back(std::move(row));
    }
    return r;
}

}  // namespace planaria
