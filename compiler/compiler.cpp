#include "compiler/compiler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "compiler/activation_fetch.h"
#include "compiler/data_layout.h"
#include "compiler/window.h"
#include "hw/isa/layer_descriptor.h"
#include "hw/isa/number_format.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

Objective parse_objective(const std::string& text) {
    if (text == "cycles") return Objective::Cycles;
    if (text == "edp") return Objective::EnergyDelay;
    throw std::invalid_argument("objective '" + text + "': expected cycles or edp");
}

const char* to_string(Objective o) { return o == Objective::Cycles ? "cycles" : "edp"; }

std::uint64_t Compilation::cycles() const {
    std::uint64_t c = 0;
    for (const auto& l : layers) c += l.cost.cycles;
    return c;
}

double Compilation::energy_pj() const {
    double e = 0;
    for (const auto& l : layers) e += l.cost.energy.total();
    return e;
}

Compiler::Compiler(const ArchConfig& cfg, CompileOptions options)
    : cfg_(cfg), options_(options), floorplan_(cfg),
      cost_(cfg, cfg.subarray.count, options.shared_activation_windows) {}

namespace {

/// Element-wise work fused into the write-back of GEMM layer `i`.
std::uint64_t fused_ops_after(const std::vector<LayerWork>& work, std::size_t i) {
    std::uint64_t ops = 0;
    for (std::size_t j = i + 1; j < work.size() && work[j].fused; ++j) ops += work[j].simd_ops;
    return ops;
}

bool better(Objective objective, const LayerCost& a, const LayerCost& b) {
    if (objective == Objective::EnergyDelay) {
        const double ea = a.energy.total() * double(a.cycles), eb = b.energy.total() * double(b.cycles);
        if (ea != eb) return ea < eb;
    } else if (a.cycles != b.cycles) {
        return a.cycles < b.cycles;
    }
    return a.energy.total() < b.energy.total();  // ties: the cheaper; then the earlier configuration
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

Compilation Compiler::plan(const Model& model, const std::vector<LayerWork>& work, unsigned k) const {
    Compilation c;
    c.k = k;
    c.configurations = enumerate_configurations(floorplan_, canonical_region(floorplan_, k));
    // CompileOptions::configuration, where this count can form it: the only candidate.
    int forced = -1;
    for (std::size_t f = 0; f < c.configurations.size() && !options_.configuration.empty(); ++f)
        if (c.configurations[f].name(cfg_) == options_.configuration) forced = int(f);
    for (std::size_t i = 0; i < work.size(); ++i) {
        LayerChoice choice;
        choice.layer = i;
        const LayerWork& w = work[i];
        if (w.fused) {
            // Its cycles, traffic and SIMD energy are charged to the producing GEMM layer.
        } else if (!w.has_gemm()) {
            choice.cost = cost_.simd_layer(w, simd_traffic(model, work, i, k));
        } else {
            const std::uint64_t fused = fused_ops_after(work, i);
            for (std::size_t f = 0; f < c.configurations.size(); ++f) {
                if (forced >= 0 && int(f) != forced) continue;
                const LayerCost cost = cost_.gemm_layer(w, c.configurations[f], k, fused);
                if (choice.configuration < 0 || better(options_.objective, cost, choice.cost)) {
                    choice.configuration = int(f);
                    choice.cost = cost;
                }
            }
        }
        c.layers.push_back(choice);
    }
    return c;
}

// ---------------------------------------------------------------------------
// Code generation
// ---------------------------------------------------------------------------

namespace {

std::uint32_t clamp32(std::uint64_t v) { return std::uint32_t(std::min<std::uint64_t>(v, 0xFFFF'FFFFull)); }

constexpr std::uint8_t kSyncTenant = 1;  // Sync flags bit 0: all the tenant's subarrays, not one cluster
constexpr std::uint8_t kSyncData = 2;    // Sync flags bit 1: later loads wait for the members' stores

/// The descriptor fields every layer has: identity, tensors, window
/// geometry; the tensors' addresses where `data` places them (without it,
/// the shapes alone, as counting a transfer's bytes needs).
LayerDescriptor describe(const Model& model, const std::vector<LayerWork>& work, const DataLayout* data, std::size_t i,
                         unsigned position, unsigned k) {
    const Layer& l = model.layers[i];
    LayerDescriptor d;
    d.layer = std::uint32_t(i);
    d.type = std::uint32_t(l.type);
    d.position = position;
    d.subarrays = k;
    for (std::size_t j = i + 1, f = 0; j < work.size() && work[j].fused && f < 4; ++j, ++f)
        d.fused[f] = std::uint32_t(model.layers[j].type) + 1;
    d.inputs = std::uint32_t(l.inputs.size());
    for (unsigned j = 0; j < std::min<unsigned>(d.inputs, LayerDescriptor::kMaxInputs); ++j) {
        if (data) d.input[j] = input_address(*data, l.inputs[j]);
        d.in_shape[j][0] = std::uint32_t(l.in[j].c), d.in_shape[j][1] = std::uint32_t(l.in[j].h),
        d.in_shape[j][2] = std::uint32_t(l.in[j].w);
    }
    if (data) d.output = data->outputs[i];
    d.out_shape[0] = std::uint32_t(l.out.c), d.out_shape[1] = std::uint32_t(l.out.h), d.out_shape[2] = std::uint32_t(l.out.w);
    if (data && data->weights[i]) d.weights = data->weights[i];
    d.kh = l.kh, d.kw = l.kw, d.sh = l.sh, d.sw = l.sw, d.dh = l.dh, d.dw = l.dw;
    if (!l.in.empty()) {
        const numerics::WindowOrigin o = numerics::window_origin(l);
        d.top = std::int32_t(o.top), d.left = std::int32_t(o.left);
    }
    d.groups = std::uint32_t(l.groups), d.multiplier = l.multiplier, d.per_position = l.per_position, d.scale = l.scale;
    return d;
}

}  // namespace

SimdTraffic Compiler::share_traffic(const LayerDescriptor& share, const LayerWork& work) const {
    if (simd_generated(share)) return planaria::simd_traffic(share, cfg_.offchip.read_through_bytes / 2, work.simd_ops);
    return {ceil_div(work.input_bytes + work.weight_bytes, share.subarrays), ceil_div(work.output_bytes, share.subarrays),
            ceil_div(work.simd_ops, share.subarrays)};
}

std::vector<SimdTraffic> Compiler::simd_traffic(const Model& model, const std::vector<LayerWork>& work, std::size_t i,
                                                unsigned k) const {
    std::vector<SimdTraffic> shares;
    for (unsigned p = 0; p < k; ++p) shares.push_back(share_traffic(describe(model, work, nullptr, i, p, k), work[i]));
    return shares;
}

std::vector<Instruction> Compiler::program(const Model& model, const std::vector<LayerWork>& work,
                                           const Compilation& c, unsigned position, std::uint64_t& data_end) const {
    std::vector<Instruction> out;
    const std::vector<unsigned> region = canonical_region(floorplan_, c.k);
    const unsigned me = region.at(position);
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    const unsigned slots = unsigned(cost_.weight_slots());
    const DataLayout data = layout_data(model, work, rows, cols);
    bool produced = false;  // a layer before this one stored a tensor
    // A layer the chip computes names its tiles by coordinates from 0; one
    // it only times sends its traffic to the scratch after the tensors
    // (compiler/data_layout.h), each such layer from the scratch's start.
    const std::uint64_t scratch = data.tensor_bytes;
    const auto use_scratch = [&](std::uint64_t end) { data_end = std::max(data_end, end); };
    use_scratch(scratch);
    std::uint32_t barrier = 0;
    unsigned slot = 0;
    int configured = -1;

    for (std::size_t i = 0; i < work.size(); ++i) {
        const LayerWork& w = work[i];
        const LayerChoice& choice = c.layers[i];
        out.push_back(Instruction::of(Opcode::LayerBoundary, 0, std::uint32_t(i)));
        // Cluster barriers are numbered per layer: the members of a cluster run
        // the same tiles of a layer, whatever clusters they were in before.
        barrier = std::uint32_t(i) << 20;
        if (w.fused) continue;
        LayerDescriptor desc = describe(model, work, &data, i, position, c.k);
        // Layers exchange tensors through memory, across subarrays: a layer
        // starts when the tenant's previous stores are done.
        const auto data_barrier = [&] {
            if (produced) out.push_back(Instruction::of(Opcode::Sync, 0, std::uint32_t(i), std::uint16_t(c.k), kSyncTenant | kSyncData));
            produced = true;
        };
        if (!w.has_gemm()) {
            data_barrier();
            const auto d = desc.encode();
            out.insert(out.end(), d.begin(), d.end());
            // Element-wise work, shared evenly by the k subarrays' SIMD segments:
            // each loads its operands and stores its results where the
            // tensors lie (hw/isa/simd_share.h). A layer the chip only times
            // addresses its share of the tiled ranges instead.
            const SimdTraffic share = share_traffic(desc, w);
            const bool generated = simd_generated(desc);
            const std::uint64_t load_at = generated ? 0 : scratch + position * share.operand_bytes;
            const std::uint64_t store_at = generated ? 0 : scratch + position * share.result_bytes;
            if (!generated) use_scratch(std::max(load_at + share.operand_bytes, store_at + share.result_bytes));
            if (share.operand_bytes) out.push_back(Instruction::of(Opcode::LoadActivations, load_at, clamp32(share.operand_bytes)));
            out.push_back(Instruction::of(Opcode::Simd, share.ops, 0, 0));
            // The share's tile ends with its store, also an empty one: a
            // preempted subarray stops there, its results out.
            if (share.result_bytes || generated)
                out.push_back(Instruction::of(Opcode::Store, store_at, clamp32(share.result_bytes)));
            continue;
        }
        const FissionConfiguration& config = c.configurations.at(std::size_t(choice.configuration));
        // Every GEMM layer states its part of the configuration, so that a
        // program can be entered at any layer (the host moves a task to
        // another subarray count at a layer boundary); the states take effect
        // together at the layer's first tenant-wide barrier. Only a re-fission
        // (another configuration than the last layer's) needs that barrier
        // before the weights.
        const bool refission = choice.configuration != configured;
        FissionState st = FissionState::reset(floorplan_);
        for (const auto& cluster_array : config.placement) st = place_array(floorplan_, cluster_array, st);
        out.push_back(Instruction::of(Opcode::Configure, 0, st.selector[me], std::uint16_t(st.subarray[me])));
        if (refission) {
            if (!produced) out.push_back(Instruction::of(Opcode::Sync, 0, std::uint32_t(i), std::uint16_t(c.k), kSyncTenant));
            configured = choice.configuration;
            data_barrier();
        }
        // Weights do not depend on the previous layer: without a re-fission the
        // first weights are fetched while the previous layer's stores drain, and
        // the data barrier comes before the first activations (at the latest at
        // the layer's end). Not across sequential repetitions, which loop over
        // the whole layer.
        bool barrier_deferred = produced && !refission && w.gemms.front().sequential == 1;
        const auto flush_barrier = [&] {
            if (barrier_deferred) out.push_back(Instruction::of(Opcode::Sync, 0, std::uint32_t(i), std::uint16_t(c.k), kSyncTenant | kSyncData));
            barrier_deferred = false;
        };
        if (!barrier_deferred) data_barrier();
        // Which cluster am I in, and where?
        unsigned cluster = 0, my_r = 0, my_c = 0;
        for (unsigned q = 0; q < config.placement.size(); ++q) {
            const auto& a = config.placement[q];
            const auto it = std::find(a.subarrays.begin(), a.subarrays.end(), me);
            if (it == a.subarrays.end()) continue;
            cluster = q;
            const unsigned idx = unsigned(it - a.subarrays.begin());
            my_r = idx / a.block_cols;
            my_c = idx % a.block_cols;
        }
        const unsigned cluster_size = config.block_rows * config.block_cols;
        const std::uint64_t R = config.pe_rows(cfg_), C = config.pe_cols(cfg_);
        const bool simd = fused_ops_after(work, i) > 0;
        const PlacementReach reach = cost_.reach(config);
        const std::uint64_t max_vectors = reach.max_tile_vectors;
        for (std::size_t gi = 0; gi < w.gemms.size(); ++gi) {
            const GemmWork& g = w.gemms[gi];
            const WeightLayout weights = weight_layout(w, gi, rows, cols);
            const std::uint64_t weights_at = data.weights[i] + weight_offset(w, gi, rows, cols);
            desc.weights = weights_at;
            desc.bias = g.bias ? 1 : 0;
            const std::uint64_t nk = ceil_div(g.k, R), nn = ceil_div(g.n, C), nm = ceil_div(g.m, max_vectors);
            const std::uint64_t units = nm * nn * g.instances;
            const std::uint64_t clusters = std::min<std::uint64_t>(config.clusters, units);
            desc.m = std::uint32_t(g.m), desc.k = std::uint32_t(g.k), desc.n = std::uint32_t(g.n);
            desc.instances = std::uint32_t(g.instances);
            desc.m_chunks = std::uint32_t(nm), desc.n_tiles = std::uint32_t(nn), desc.k_tiles = std::uint32_t(nk);
            desc.max_vectors = std::uint32_t(max_vectors), desc.tile_rows = std::uint32_t(R), desc.tile_cols = std::uint32_t(C);
            const std::uint64_t tensor_base = transfers_generated(desc) ? 0 : scratch;
            const std::uint64_t outputs_at = g.m * g.k * 2 * g.instances;  // the output tiles after the activations'
            desc.tiled_activations = tensor_base, desc.tiled_outputs = tensor_base + outputs_at;
            if (!transfers_generated(desc)) {
                // Its tiles, and the steps of a sequential layer, each a step further.
                const std::uint64_t steps = std::min<std::uint64_t>(g.sequential, 0xFFFF);
                use_scratch(tensor_base + (steps - 1) * outputs_at +
                            std::max(g.instances * nm * nk * max_vectors * R * 2,
                                     outputs_at + g.instances * nn * nm * max_vectors * C * 2));
            }
            // Activation loads: raw pixels expanded on chip where they fit.
            const ActivationFetch fetch(g.window, g.k, R, rows, config.block_rows, g.m, nm, reach.activation_bytes,
                                        cfg_.offchip.read_through_bytes / 2, options_.shared_activation_windows);
            // The chip's address generators fetch per block row: the shared
            // windows are a what-if of the tables, which the chip refuses.
            desc.raw = fetch.raw(my_r) ? 1 : 0;
            {
                const auto d = desc.encode();
                out.insert(out.end(), d.begin(), d.end());
            }
            const std::size_t body_start = out.size();
            // Off-chip layout of the tiled tensors (the loader prepares it):
            // weight tile (inst, n, kt), activation tile (inst, m, kt), output tile (inst, n, m).
            const auto act_addr = [&](std::uint64_t inst, std::uint64_t m, std::uint64_t kt) {
                return tensor_base + ((inst * nm + m) * nk + kt) * max_vectors * R * 2;
            };
            const auto out_addr = [&](std::uint64_t inst, std::uint64_t n, std::uint64_t m) {
                return tensor_base + outputs_at + ((inst * nn + n) * nm + m) * max_vectors * C * 2;
            };
            // Units are dealt round-robin: (instance, n tile, m chunk), m fastest.
            // My units of one (instance, n) group are m = first, first + clusters, ...
            for (std::uint64_t group = 0; cluster < clusters && group < g.instances * nn; ++group) {
                const std::uint64_t inst = group / nn, n = group % nn;
                const std::uint64_t group_first_unit = group * nm;
                std::uint64_t m_first = (cluster + clusters - group_first_unit % clusters) % clusters;
                if (m_first >= nm) continue;
                const std::uint64_t nt = std::min(C, g.n - n * C);
                const std::uint64_t my_cols = block_extent(nt, my_c, cols);
                // The weights of this n tile stay in the PEs for all my m chunks
                // when its k tiles fit the weight buffers' slots; otherwise
                // (reductions longer than slots x rows) every m chunk fetches
                // them again, each just before its tile, so that a slot is
                // reused only after the tile that read it.
                const bool resident = nk <= slots;
                std::vector<unsigned> kslot(nk);
                std::vector<Instruction> weight_loads(nk);
                for (std::uint64_t kt_i = 0; kt_i < nk; ++kt_i) {
                    const std::uint64_t kt = std::min(R, g.k - kt_i * R);
                    const std::uint64_t my_rows = block_extent(kt, my_r, rows);
                    kslot[kt_i] = slot;
                    // The member's block of the weights, read where they lie (hw/isa/weight_layout.h).
                    const WeightLayout::Load load =
                        weights.load(inst, kt_i * R + std::uint64_t(my_r) * rows, n * C + std::uint64_t(my_c) * cols);
                    weight_loads[kt_i] = Instruction::of(Opcode::LoadWeights, weights_at + load.offset,
                                                         clamp32(my_rows && my_cols ? load.bytes : 0), std::uint16_t(slot));
                    if (resident) out.push_back(weight_loads[kt_i]);
                    slot = (slot + 1) % slots;
                }
                flush_barrier();
                // My m chunks, in runs of equal loads: one loop per run.
                for (std::uint64_t m = m_first; m < nm;) {
                    const std::uint64_t size = fetch.chunk_size(m);
                    // Every member of the cluster cuts the same runs: its barriers must line up.
                    std::uint64_t count = 0;
                    for (std::uint64_t x = m;
                         x < nm && fetch.same_loads(x, m);
                         x += clusters)
                        ++count;
                    count = std::min<std::uint64_t>(count, 0xFFFF);
                    std::vector<Instruction> body;
                    for (std::uint64_t kt_i = 0; kt_i < nk; ++kt_i) {
                        const std::uint64_t kt = std::min(R, g.k - kt_i * R);
                        if (!resident) body.push_back(weight_loads[kt_i]);
                        if (my_c == 0)
                            body.push_back(Instruction::of(Opcode::LoadActivations, act_addr(inst, m, kt_i),
                                                clamp32(fetch.load_bytes(my_r, kt_i, m, inst)), std::uint16_t(size)));
                        const std::uint64_t shape = size | kt << 16 | nt << 32 | std::uint64_t(kslot[kt_i]) << 48;
                        const std::uint16_t simd_op = simd && kt_i + 1 == nk ? std::uint16_t(3) : std::uint16_t(0);
                        body.push_back(Instruction::of(Opcode::Compute, shape, 0, simd_op, kt_i > 0 ? 1 : 0));
                        if (cluster_size > 1) body.push_back(Instruction::of(Opcode::Sync, 0, barrier++, std::uint16_t(cluster_size)));
                    }
                    if (my_r + 1 == config.block_rows && my_cols)
                        body.push_back(Instruction::of(Opcode::Store, out_addr(inst, n, m), clamp32(size * my_cols * 2)));
                    if (count > 1) {
                        const std::uint64_t act_stride = clusters * nk * max_vectors * R * 2;
                        const std::uint64_t out_stride = clusters * max_vectors * C * 2;
                        out.push_back(Instruction::of(Opcode::Loop, (act_stride & 0xFFFF'FFFFull) | out_stride << 32,
                                           std::uint32_t(body.size()), std::uint16_t(count)));
                    }
                    out.insert(out.end(), body.begin(), body.end());
                    m += count * clusters;
                }
            }
            // Sequential repetitions (LSTM steps) repeat the whole body, reading
            // and writing the next step's vectors.
            if (g.sequential > 1) {
                // A step reads the previous step's stored state: the tenant's
                // stores complete before any of its subarrays goes round again.
                // A subarray without tiles in the layer meets every step's
                // barrier too (a body of the barrier alone).
                out.push_back(Instruction::of(Opcode::Sync, 0, std::uint32_t(i), std::uint16_t(c.k), kSyncTenant | kSyncData));
                const std::uint32_t body = std::uint32_t(out.size() - body_start);
                const std::uint64_t steps = std::min<std::uint64_t>(g.sequential, 0xFFFF);
                const std::uint64_t step_bytes = g.m * g.k * 2 * g.instances;
                out.insert(out.begin() + std::ptrdiff_t(body_start),
                           Instruction::of(Opcode::Loop, (step_bytes & 0xFFFF'FFFFull) | step_bytes << 32, body,
                                std::uint16_t(steps)));
            }
        }
        flush_barrier();
    }
    out.push_back(Instruction::of(Opcode::End));
    return out;
}

Bundle Compiler::compile(const Model& model) const {
    const std::vector<LayerWork> work = lower(model, options_.lowering(cfg_));
    Bundle b;
    b.model_key = model.key;
    b.model_name = model.name;
    b.arch_name = cfg_.name;
    b.model_macs = model.macs();
    b.model_params = model.params();
    b.data = layout_data(model, work, cfg_.subarray.rows, cfg_.subarray.cols);
    const unsigned max_k = options_.max_subarrays ? std::min(options_.max_subarrays, cfg_.subarray.count)
                                                  : cfg_.subarray.count;
    std::uint64_t instructions = 0;
    const auto streamed = [&](unsigned k) {
        return options_.stream_counts.empty() ||
               std::find(options_.stream_counts.begin(), options_.stream_counts.end(), k) != options_.stream_counts.end();
    };
    for (unsigned k = 1; k <= max_k; ++k) {
        CompiledForK out;
        out.table.subarrays = k;
        if (options_.tables_for_streams_only && !streamed(k)) {
            b.per_k.push_back(std::move(out));
            continue;
        }
        const Compilation c = plan(model, work, k);
        for (const LayerChoice& choice : c.layers) {
            const Layer& l = model.layers[choice.layer];
            LayerEntry e;
            e.layer = l.name;
            if (choice.configuration >= 0) {
                const auto& f = c.configurations[std::size_t(choice.configuration)];
                e.configuration = f.name(cfg_);
                e.block_rows = f.block_rows;
                e.block_cols = f.block_cols;
                e.clusters = f.clusters;
            } else {
                e.configuration = work[choice.layer].fused ? "fused" : "simd";
            }
            e.tiles = choice.cost.tiles;
            e.cycles = choice.cost.cycles;
            e.cycles_per_tile = e.tiles ? ceil_div(e.cycles, e.tiles) : 0;
            e.compute_cycles = choice.cost.compute_cycles;
            e.dram_bytes = choice.cost.dram_bytes;
            e.compulsory_bytes = compulsory_bytes(work[choice.layer]);
            e.macs = choice.cost.macs;
            e.energy = choice.cost.energy;
            out.table.layers.push_back(std::move(e));
        }
        const bool streams = options_.instructions && streamed(k);
        for (unsigned p = 0; streams && p < k; ++p) {
            out.programs.push_back({p, program(model, work, c, p, out.data_bytes)});
            instructions += out.programs.back().instructions.size();
            if (instructions > kMaxBundleInstructions)
                throw ModelError((model.file.empty() ? model.key : model.file) + ": the instruction streams exceed " +
                                 std::to_string(kMaxBundleInstructions) + " instructions at k = " + std::to_string(k) +
                                 ": too large for one bundle (compile fewer subarray counts: --subarrays)");
        }
        b.per_k.push_back(std::move(out));
    }
    return b;
}

}  // namespace planaria
