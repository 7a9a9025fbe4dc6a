#include "testbench/replay_session.h"

#include "hw/config/output_file.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "testbench/functional_image.h"
#include "testbench/reference_inference.h"
#include "hw/fission/fission_configurations.h"
#include "testbench/replay.h"
#include "testbench/vcd_writer.h"

namespace planaria {

namespace {

/// Every stored tensor of job `j` against the reference; prints the first difference.
bool outputs_match(std::ostream& os, ReplayPlatform& platform, std::size_t j, const Model& model,
                   const FunctionalImage& image, const std::vector<Tensor>& reference) {
    const std::vector<LayerWork> work = lower(model);
    for (std::size_t i = 0; i < model.layers.size(); ++i) {
        if (i + 1 < work.size() && work[i + 1].fused) continue;  // stored by the end of its chain
        const std::vector<std::int16_t> got = platform.read_data(j, image.layout.outputs[i], reference[i].data.size());
        for (std::size_t e = 0; e < got.size(); ++e)
            if (got[e] != reference[i].data[e]) {
                os << model.key << ": layer '" << model.layers[i].name << "' element " << e << " is " << got[e]
                          << ", the reference " << reference[i].data[e] << "\n";
                return false;
            }
    }
    return true;
}
}  // namespace

ReplayReport replay_models(const std::vector<std::string>& files, const ArchConfig& cfg, const ReplayOptions& data) {
    const unsigned k = data.subarrays ? data.subarrays : cfg.subarray.count;
    const std::string& out_dir = data.out_dir;
    std::ostringstream os;
    CompileOptions compile(Objective::Cycles, k, true, {k});  // streams for k only
    compile.depthwise = data.depthwise;
    if (data.functional && data.depthwise != DepthwiseMapping::Column)
        throw std::invalid_argument("replay: the block-diagonal depth-wise mapping is timing only");
    const Compiler compiler(cfg, compile);
    std::vector<Model> models;
    std::vector<Bundle> bundles;
    for (const auto& f : files) {
        models.push_back(load_model_file(f, data.inputs));
        bundles.push_back(compiler.compile(models.back()));
    }
    // Functional runs: each model's data and its reference outputs.
    std::vector<FunctionalImage> images;
    std::vector<std::vector<Tensor>> references;
    for (std::size_t i = 0; i < models.size() && data.functional; ++i) {
        const ModelParameters params = random_parameters(models[i], data.seed + i);
        const std::vector<Tensor> inputs = random_inputs(models[i], data.seed + i + 1000);
        images.push_back(functional_image(models[i], params, inputs, cfg));
        references.push_back(run_reference(models[i], params, inputs, numerics::NumberFormat{cfg.data.activation_bits}));
    }

    ReplayPlatform platform("platform", cfg, data.fidelity);
    if (data.functional) platform.enable_functional_data();
    if (!out_dir.empty()) platform.record_timeline(200000);
    if (data.progress) platform.on_job_done(data.progress);
    for (std::size_t i = 0; i < bundles.size(); ++i) {
        ReplayJob job;
        job.bundle = &bundles[i];
        job.subarrays = k;
        job.after_previous = true;
        if (data.functional) job.data = &images[i];
        if (data.preempt_after_us) job.preempt_after = sc_core::sc_time(*data.preempt_after_us, sc_core::SC_US);
        platform.add(job);
    }
    // One layer's trace: where it runs and what it is called are checked before anything runs.
    std::unique_ptr<VcdWriter> vcd;
    if (!data.trace_vcd.empty()) {
        if (data.fidelity != Fidelity::Cycle)
            throw std::invalid_argument("replay: a layer trace needs cycle fidelity (the tile level steps no PEs)");
        const auto& layers = bundles.front().per_k[k - 1].table.layers;
        std::size_t layer = 0;
        while (layer < layers.size() && layers[layer].layer != data.trace_layer) ++layer;
        if (layer == layers.size())
            throw std::invalid_argument("replay: model '" + models.front().key + "' has no layer '" + data.trace_layer + "'");
        if (layers[layer].configuration == "simd")
            throw std::invalid_argument("replay: layer '" + data.trace_layer +
                                        "' runs on the SIMD segments, not the PE array: nothing to trace");
        const std::vector<unsigned> region = canonical_region(Floorplan(cfg), k);
        if (std::find(region.begin(), region.end(), data.trace_subarray) == region.end())
            throw std::invalid_argument("replay: subarray " + std::to_string(data.trace_subarray) +
                                        " is not one of the " + std::to_string(k) + " the inference runs on");
        vcd = std::make_unique<VcdWriter>(data.trace_vcd, "planaria");
        const unsigned r1 = cfg.subarray.rows - 1, c1 = cfg.subarray.cols - 1;
        platform.accelerator().trace_layer(vcd.get(), std::uint32_t(layer), data.trace_subarray,
                                           {{0, 0}, {0, c1}, {r1, 0}, {r1, c1}});
    }
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    os << std::left << std::setw(18) << "DNN" << std::right << std::setw(12) << "latency ms" << std::setw(13)
              << "estimate ms" << std::setw(9) << "diff" << std::setw(10) << "tiles" << std::setw(10) << "estimate" << std::setw(10)
              << "DRAM MB" << std::setw(10) << "estimate" << std::setw(11) << "energy uJ" << std::setw(10) << "estimate"
              << "\n";
    std::uint64_t tiles = 0, program_bytes = 0;
    bool error = false;
    for (std::size_t i = 0; i < bundles.size(); ++i) {
        const ReplayResult& r = platform.results()[i];
        const ConfigurationTable& table = bundles[i].per_k[k - 1].table;
        const double estimate = double(table.total_cycles()) * cfg.clock_period_ns() * 1e-6;
        const std::uint64_t dram = table.total_dram_bytes();
        const std::uint64_t data_bytes = std::accumulate(r.layer_bytes.begin(), r.layer_bytes.end(), std::uint64_t(0));
        program_bytes += r.bytes - std::min(r.bytes, data_bytes);
        tiles += r.tiles;
        error = error || r.error;
        if (!platform.finished(i)) {
            os << r.model << ": did not finish (the simulation ran out of events)\n";
            error = true;
        }
        // The configuration table predicts the chip: latency, tiles and data traffic.
        const double diff = r.latency_ms() / estimate - 1;
        const double off = std::abs(r.latency_ms() - estimate) / r.latency_ms();
        const double dram_off = dram ? std::abs(double(data_bytes) - double(dram)) / double(dram) : 0.0;
        const double energy_off = std::abs(r.energy_pj() - table.total_energy_pj()) / r.energy_pj();
        if (data.tolerance && (off > *data.tolerance / 100 || energy_off > *data.tolerance / 100 ||
                               dram_off > data.dram_tolerance / 100 || r.tiles != table.total_tiles())) {
            os << r.model << ": outside the tolerance (latency and energy " << *data.tolerance << " %, data bytes "
               << data.dram_tolerance << " %, tiles exact)\n";
            error = true;
        }
        os << std::left << std::setw(18) << r.model << std::right << std::fixed << std::setprecision(3)
                  << std::setw(12) << r.latency_ms() << std::setw(13) << estimate << std::setw(8)
                  << std::setprecision(1) << diff * 100 << "%" << std::setw(10)
                  << r.tiles << std::setw(10) << table.total_tiles() << std::setw(10) << std::setprecision(1)
                  << double(data_bytes) / 1e6 << std::setw(10) << double(dram) / 1e6 << std::setw(11)
                  << r.energy_pj() * 1e-6 << std::setw(10) << table.total_energy_pj() * 1e-6
                  << (r.error ? "  ERROR" : "") << "\n";
    }
    os << std::fixed << std::setprecision(1) << "DRAM: data bytes; instruction fetch added " << double(program_bytes) / 1e6
       << " MB in all\n";
    if (data.functional && !error) {
        bool exact = true;
        for (std::size_t i = 0; i < models.size(); ++i)
            exact = outputs_match(os, platform, i, models[i], images[i], references[i]) && exact;
        os << (exact ? "functional: every stored tensor equals the reference, bit for bit\n"
                            : "functional: outputs DIFFER from the reference\n");
        error = !exact;
    }
    const CycleCrossCheck& check = platform.accelerator().cycle_check();
    if (data.fidelity == Fidelity::Cycle) {
        os << "cycle fidelity: " << check.tiles << " tiles ran on the datapath (" << std::setprecision(2)
           << double(check.pe_cycles) / 1e9 << " G PE-cycles), " << check.differing
           << " took other cycles than the closed form\n";
        if (check.differing) os << "  first: " << check.first_difference << "\n";
        if (check.errors) os << "  " << check.errors << " tiles could not run; first: " << check.first_error << "\n";
        error = error || check.differing || check.errors;
    }
    const std::uint64_t traced = platform.accelerator().traced_tiles();
    if (vcd) {
        if (traced == 0) {
            os << "trace: no tile of layer '" << data.trace_layer << "' ran on subarray " << data.trace_subarray
               << " (its configuration leaves it out); no VCD written\n";
            error = true;
        } else {
            vcd->close();
            os << "trace: " << traced << " tiles of layer '" << data.trace_layer << "' on subarray "
               << data.trace_subarray << " written to " << vcd->path() << " (open with gtkwave)\n";
        }
    }
    os << std::fixed << std::setprecision(2) << "simulated " << tiles << " tiles in " << wall
              << " s wall: " << std::setprecision(0) << double(tiles) / wall << " tiles/s\n";
    if (!out_dir.empty()) {
        OutputFolder folder(out_dir);
        platform.write_outputs(folder.staging());
        folder.commit();
        os << "results in " << out_dir
                  << ": inferences.csv, layers.csv, subarrays.csv, channels.csv, summary.json, timeline.json (Perfetto)\n";
    }
    return {os.str(), !error, tiles, wall, check.tiles, check.differing, check.errors, traced};
}


}  // namespace planaria
