#include "compiler/cost_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "compiler/activation_fetch.h"
#include "hw/isa/layer_descriptor.h"
#include "hw/timing/tile_activity.h"
#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

/// A dimension cut into `count` pieces as even as possible: sizes and how many of each.
struct Split {
    std::uint64_t big = 0, big_count = 0, small = 0, small_count = 0;
    Split(std::uint64_t total, std::uint64_t pieces) {
        small = total / pieces;
        big = small + 1;
        big_count = total % pieces;
        small_count = pieces - big_count;
    }
    /// Full pieces of size `unit` and one ragged remainder.
    static Split by_unit(std::uint64_t total, std::uint64_t unit) {
        Split s(0, 1);
        s.big = unit;
        s.big_count = total / unit;
        s.small = total % unit;
        s.small_count = s.small ? 1 : 0;
        return s;
    }
    template <class F>
    void each(F&& f) const {
        if (big_count) f(big, big_count);
        if (small_count && small) f(small, small_count);
    }
};

/// Instruction-buffer bits of `fetched` instructions: each read once and
/// written into the buffer once (the program's loops reuse what the buffer
/// holds, so the fills are an upper bound).
std::uint64_t instruction_bits(std::uint64_t fetched) { return 2 * fetched * kInstructionBytes * 8; }

/// What every subarray of a layer fetches besides its tiles: the layer
/// boundary, its fission state, the layer descriptor and the layer's barriers.
std::uint64_t layer_overhead_instructions() {
    static const std::uint64_t descriptor = LayerDescriptor{}.encode().size();
    return 4 + descriptor;
}

}  // namespace

CostModel::CostModel(const ArchConfig& cfg, unsigned chip_subarrays, bool shared_windows)
    : cfg_(cfg), floorplan_(cfg), chip_subarrays_(chip_subarrays),
      slots_(cfg.subarray.weight_buffer_bytes / 2), shared_windows_(shared_windows),
      latency_cycles_(std::uint64_t(std::ceil(cfg.offchip.latency_ns / cfg.clock_period_ns()))) {}

PlacementReach CostModel::reach(const FissionConfiguration& config) const {
    return placement_reach(cfg_, floorplan_, config.placement);
}

double CostModel::channel_bytes_per_cycle() const { return cfg_.offchip_bytes_per_cycle_per_channel(); }

unsigned CostModel::channel_of(unsigned subarray) const { return floorplan_.pod_of(subarray) / cfg_.pods_per_channel(); }

double CostModel::instruction_fetch_pj(std::uint64_t fetched) const {
    return double(instruction_bits(fetched)) * cfg_.energy.instruction_buffer_pj_per_bit;
}

double CostModel::leakage_pj(std::uint64_t cycles, unsigned k) const {
    // mW * ns = pJ.
    return cfg_.energy.leakage_mw * double(cycles) * cfg_.clock_period_ns() * double(k) / chip_subarrays_;
}

template <class TileTime>
std::uint64_t CostModel::prefetch_stalls(const GemmWork& g, const FissionConfiguration& config,
                                         const ActivationFetch& fetch, const std::vector<unsigned>& member_channel,
                                         const std::vector<BufferReach>& reach, std::uint64_t nm,
                                         TileTime&& tile_time) const {
    // The activation buffer holds as many tiles' operands as fit its
    // entries: the sequencer issues a tile's load when the tile that many
    // before it gives its room back, so the tiles in between cover the load.
    // A load they cannot cover stalls the array. The clusters run their
    // rounds of units side by side, so their loads of the same tile share
    // the channels. (Weights wait for no room: the read queue fetches them
    // as far ahead as the program runs.)
    const unsigned BR = config.block_rows, BC = config.block_cols;
    const std::uint64_t clusters = reach.size();
    const std::uint64_t R = config.pe_rows(cfg_), C = config.pe_cols(cfg_);
    const std::uint64_t nk = ceil_div(g.k, R), nn = ceil_div(g.n, C), units = nm * nn * g.instances;
    const double bpc = channel_bytes_per_cycle();
    const auto k_size = [&](std::uint64_t kt) { return std::min(R, g.k - kt * R); };
    const auto n_size = [&](std::uint64_t u) { return std::min(C, g.n - u / nm % nn * C); };
    const auto chunk = [&](std::uint64_t m) { return g.m * (m + 1) / nm - g.m * m / nm; };
    std::vector<double> channel(cfg_.offchip.channels);
    std::uint64_t stalls = 0;
    for (std::uint64_t first = clusters; first < units; first += clusters) {
        for (std::uint64_t kt = 0; kt < nk; ++kt) {
            std::fill(channel.begin(), channel.end(), 0.0);
            double covered = 1e300;  // by the tiles in flight, on the cluster with the least
            for (std::uint64_t q = 0; q < clusters && first + q < units; ++q) {
                const std::uint64_t u = first + q, m = u % nm;
                for (unsigned r = 0; r < BR; ++r)
                    channel[member_channel[(q * BR + r) * BC]] += double(fetch.load_bytes(r, kt, m, u / nm / nn));
                const std::uint64_t in_flight = reach[q].activation_entries() / std::max<std::uint64_t>(chunk(m), 1) - 1;
                const std::uint64_t prev = kt ? tile_time(q, chunk(m), k_size(kt - 1), n_size(u))
                                              : tile_time(q, chunk((u - clusters) % nm), k_size(nk - 1), n_size(u - clusters));
                covered = std::min(covered, double(in_flight * prev));
            }
            const double load = *std::max_element(channel.begin(), channel.end()) / bpc + double(latency_cycles_);
            if (load > covered) stalls += std::uint64_t(load - covered);
        }
    }
    return stalls;
}

LayerCost CostModel::gemm(const GemmWork& g, const FissionConfiguration& config, bool simd_active) const {
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    const unsigned BR = config.block_rows, BC = config.block_cols;
    const std::uint64_t R = config.pe_rows(cfg_), C = config.pe_cols(cfg_);

    // What each cluster reaches of the Pod Memory: the one that reaches least
    // sets the tile length for all, and outputs crossing pods pay the links.
    std::vector<BufferReach> cluster_reach;
    for (const LogicalArray& a : config.placement) cluster_reach.emplace_back(cfg_, floorplan_, a);
    const PlacementReach placed = placement_reach(cluster_reach);
    const std::uint64_t nk = ceil_div(g.k, R), nn = ceil_div(g.n, C), nm = ceil_div(g.m, placed.max_tile_vectors);
    const Split ks = Split::by_unit(g.k, R);
    // The sequencers' work, as the compiler's program deals it out: units
    // (instance, n tile, m chunk), m fastest, round-robin over the clusters;
    // each unit runs its k tiles one after another into one output buffer.
    const std::uint64_t units = nm * nn * g.instances;
    const auto chunk_size = [&](std::uint64_t m) { return g.m * (m + 1) / nm - g.m * m / nm; };
    const auto n_size = [&](std::uint64_t n) { return std::min(C, g.n - n * C); };
    // Weights stay in the PEs for all of a cluster's m chunks of an (instance,
    // n) group when its k tiles fit the weight slots; otherwise every unit
    // fetches them again.
    const bool resident = nk <= slots_;

    // Activations: raw pixels expanded on chip where they fit (activation_window.h).
    // It also knows the reduction rows each block row holds over all k tiles.
    const ActivationFetch fetch(g.window, g.k, R, rows, BR, g.m, nm, placed.activation_bytes,
                                cfg_.offchip.read_through_bytes / 2, shared_windows_);
    // The columns each block column holds of an n tile of `nt`.
    const auto ncols = [&](unsigned c, std::uint64_t nt) { return std::uint64_t(block_extent(nt, c, cols)); };

    // Units beyond the clusters' count leave the extra clusters idle.
    const std::uint64_t clusters = std::min<std::uint64_t>(config.clusters, units);
    cluster_reach.erase(cluster_reach.begin() + std::ptrdiff_t(clusters), cluster_reach.end());
    // One tile's cycles on cluster q.
    const auto tile_time = [&](std::uint64_t q, std::uint64_t mt, std::uint64_t kt, std::uint64_t nt) {
        return tile_cycles(cfg_, {BR, BC}, {unsigned(mt), unsigned(kt), unsigned(nt)}, simd_active,
                           cluster_reach[q].stripe())
            .total();
    };
    // One unit (all its k tiles) on cluster q, for the (at most two) chunk
    // and n tile sizes: its cycles, and what its subarrays do for energy.
    // Its first k tile writes the output buffer, the others accumulate.
    struct UnitCost {
        std::uint64_t mt = 0, nt = 0, cycles = 0;
        Activity activity;
    };
    const auto unit_cost = [&](std::uint64_t q, std::uint64_t mt, std::uint64_t nt) {
        UnitCost u{mt, nt, 0, {}};
        bool first = true;
        ks.each([&](std::uint64_t kt, std::uint64_t count) {
            const std::uint64_t cycles = tile_time(q, mt, kt, nt);
            u.cycles += count * cycles;
            for (unsigned r = 0; r < BR; ++r)
                for (unsigned c = 0; c < BC; ++c) {
                    const auto tile = [&](bool accumulate) {
                        return tile_activity(cfg_, {BR, BC}, r, c, {unsigned(mt), unsigned(kt), unsigned(nt)}, cycles,
                                             accumulate, cluster_reach[q].stripe());
                    };
                    if (first) u.activity += tile(false);
                    if (count > (first ? 1u : 0u)) u.activity.add(tile(true), count - (first ? 1 : 0));
                }
            first = false;
        });
        return u;
    };
    std::vector<std::vector<UnitCost>> unit_costs(clusters);
    const auto cost_of = [&](std::uint64_t q, std::uint64_t mt, std::uint64_t nt) -> const UnitCost& {
        for (const UnitCost& u : unit_costs[q])
            if (u.mt == mt && u.nt == nt) return u;
        unit_costs[q].push_back(unit_cost(q, mt, nt));
        return unit_costs[q].back();
    };

    // Bytes per channel: each member moves its share on its own pod's channel.
    std::vector<double> channel_bytes(cfg_.offchip.channels, 0.0), first_bytes(cfg_.offchip.channels, 0.0);
    std::vector<std::uint64_t> cluster_cycles(clusters, 0), last_group(clusters, ~0ull);
    std::uint64_t act_bytes = 0, weight_bytes = 0, out_bytes = 0;
    Activity activity;
    // The channel of member (r, c) of cluster q, at [(q * BR + r) * BC + c].
    std::vector<unsigned> member_channel;
    for (std::uint64_t q = 0; q < clusters; ++q)
        for (unsigned s : config.placement.at(std::size_t(q)).subarrays) member_channel.push_back(channel_of(s));
    const auto member_bytes = [&](std::uint64_t q, bool weights, bool first, std::uint64_t m, std::uint64_t nt,
                                  std::uint64_t instance) {
        const std::uint64_t mt = chunk_size(m);
        for (unsigned r = 0; r < BR; ++r)
            for (unsigned c = 0; c < BC; ++c) {
                const unsigned ch = member_channel[(q * BR + r) * BC + c];
                // A first tile without resident weights waits for its first k tile's only.
                const std::uint64_t kr =
                    first && !resident ? block_extent(std::min(R, g.k), r, rows) : fetch.reduction_rows(r);
                std::uint64_t bytes = 0;
                if (weights) {
                    // The top block row's first k tile brings the column's bias.
                    const std::uint64_t w = (kr + (g.bias && r == 0 ? 1 : 0)) * ncols(c, nt) * 2;
                    bytes += w;
                    if (!first) weight_bytes += w;
                }
                if (c == 0) {
                    const std::uint64_t a_b = first ? fetch.load_bytes(r, 0, m, instance) : fetch.chunk_bytes(r, m, instance);
                    bytes += a_b;
                    if (!first) act_bytes += a_b;
                }
                if (!first && r + 1 == BR) {
                    const std::uint64_t o = mt * ncols(c, nt) * 2;
                    bytes += o;
                    out_bytes += o;
                }
                (first ? first_bytes : channel_bytes)[ch] += double(bytes);
            }
    };
    bool last_fetched_weights = false;
    // The instructions a unit's members fetch: per k tile a compute, the
    // entry subarrays' activation load, a barrier on a cluster of several,
    // the weight loads of a new resident set; the exit subarrays' store.
    std::uint64_t fetched = 0;
    const std::uint64_t members = std::uint64_t(BR) * BC;
    const std::uint64_t per_unit = nk * (members + BR + (members > 1 ? members : 0));
    for (std::uint64_t u = 0; u < units; ++u) {
        const std::uint64_t q = u % clusters, m = u % nm, group = u / nm;
        const std::uint64_t mt = chunk_size(m), nt = n_size(group % nn);
        const UnitCost& uc = cost_of(q, mt, nt);
        cluster_cycles[q] += uc.cycles;
        activity += uc.activity;
        const bool new_weights = !resident || last_group[q] != group;
        fetched += per_unit + (new_weights ? nk * members : 0);
        for (unsigned c = 0; c < BC; ++c) fetched += ncols(c, nt) ? 1 : 0;
        last_fetched_weights = new_weights;
        if (last_group[q] == ~0ull) member_bytes(q, true, true, m, nt, group / nn);  // what its first tile waits for
        member_bytes(q, new_weights, false, m, nt, group / nn);
        last_group[q] = group;
    }
    const std::uint64_t busiest = *std::max_element(cluster_cycles.begin(), cluster_cycles.end());
    const std::uint64_t stalls = prefetch_stalls(g, config, fetch, member_channel, cluster_reach, nm, tile_time);
    const double channel_max = *std::max_element(channel_bytes.begin(), channel_bytes.end());
    const double first_max = *std::max_element(first_bytes.begin(), first_bytes.end());
    // The last unit's last tile computes after its operands arrive; its
    // outputs are written after it.
    const std::uint64_t last_u = units - 1;
    const UnitCost& last = cost_of(last_u % clusters, chunk_size(last_u % nm), n_size(last_u / nm % nn));
    // After the channel's last byte the last tile computes. A unit that
    // fetches resident weights starts once all of them are in, and its
    // activations follow: if the last unit does, what of it the
    // activations' transfer cannot hide computes after the last byte.
    std::uint64_t last_tile = tile_time(last_u % clusters, last.mt, ks.small_count ? ks.small : ks.big, last.nt);
    if (resident && last_fetched_weights) {
        std::vector<double> act(cfg_.offchip.channels, 0.0);
        for (unsigned r = 0; r < BR; ++r)
            act[member_channel[(last_u % clusters * BR + r) * BC]] += double(fetch.chunk_bytes(r, last_u % nm, last_u / nm / nn));
        const double hidden = *std::max_element(act.begin(), act.end()) / channel_bytes_per_cycle();
        last_tile = std::max(last_tile, std::uint64_t(std::max(0.0, double(last.cycles) - hidden)));
    }
    // The last unit's exit subarrays store together: those on one channel take turns.
    std::vector<double> store(cfg_.offchip.channels, 0.0);
    for (unsigned c = 0; c < BC; ++c)
        store[member_channel[(last_u % clusters * BR + BR - 1) * BC + c]] += double(last.mt * ncols(c, last.nt) * 2);
    const double last_store = *std::max_element(store.begin(), store.end());

    LayerCost c;
    c.tiles = nm * nk * nn * g.instances;
    c.macs = g.useful_macs ? g.useful_macs : g.m * g.k * g.n * g.instances;  // a packed pass multiplies zeros too
    c.compute_cycles = busiest;
    c.dram_bytes = act_bytes + weight_bytes + out_bytes;
    c.weights_resident = resident;
    c.max_tile_vectors = chunk_size(0);
    const double bpc = channel_bytes_per_cycle();
    c.memory_cycles = std::uint64_t(std::ceil(channel_max / bpc));
    // Operands arrive `latency` after their last byte, and the last write
    // completes `latency` after its own. The chip's time is the longer of
    // the compute path (the busiest cluster, after its first operands) and
    // the channel path (the busiest channel, then the last tile and its store).
    const double compute_path = first_max / bpc + double(busiest + stalls) + last_store / bpc;
    const double channel_path = channel_max / bpc + double(last_tile);
    const std::uint64_t span = std::uint64_t(std::ceil(std::max(compute_path, channel_path))) + 2 * latency_cycles_;
    c.cycles = span;
    c.fill_drain_cycles = span - std::min(span, std::max(c.compute_cycles, c.memory_cycles));

    // Energy: what the tiles did (above), and the DMA's writes into the
    // weight and activation buffers and reads out of the output buffers.
    activity.weight_buffer_bits += weight_bytes * 8;
    activity.activation_buffer_bits += act_bytes * 8;
    activity.output_buffer_bits += out_bytes * 8;
    activity.instruction_bits += instruction_bits(fetched);
    c.energy = activity_energy(cfg_, c.dram_bytes, activity);
    return c;
}

LayerCost CostModel::gemm_layer(const LayerWork& work, const FissionConfiguration& config, unsigned k,
                                std::uint64_t fused_simd_ops) const {
    LayerCost total;
    total.weights_resident = true;
    const bool simd_active = fused_simd_ops > 0;
    for (const GemmWork& g : work.gemms) {
        // Sequential repetitions (LSTM steps) run the whole GEMM again, each
        // after the previous one's results are stored (the program's data
        // barrier), weights included.
        const LayerCost one = gemm(g, config, simd_active);
        const std::uint64_t reps = g.sequential;
        total.tiles += one.tiles * reps;
        total.macs += one.macs * reps;
        total.compute_cycles += one.compute_cycles * reps;
        total.memory_cycles += one.memory_cycles * reps;
        total.fill_drain_cycles += one.fill_drain_cycles * reps;
        total.dram_bytes += one.dram_bytes * reps;
        total.cycles += one.cycles * reps;
        total.max_tile_vectors = std::max(total.max_tile_vectors, one.max_tile_vectors);
        total.weights_resident = total.weights_resident && one.weights_resident;
        total.energy += one.energy.scaled(double(reps));
    }
    // Parameters outside the GEMM operands (batch-norm scale and shift) are
    // fetched once, for the SIMD segments; a bias comes with the weights.
    std::uint64_t gemm_weight_bytes = 0;
    for (const GemmWork& g : work.gemms)
        if (!g.weights_are_activations) gemm_weight_bytes += (g.k + (g.bias ? 1 : 0)) * g.n * 2 * g.instances;
    if (work.weight_bytes > gemm_weight_bytes) {
        const std::uint64_t extra = work.weight_bytes - gemm_weight_bytes;
        total.dram_bytes += extra;
        total.energy.dram += cfg_.energy.dram_pj_per_bit * double(extra) * 8;
    }
    total.energy.simd = cfg_.energy.simd_op_pj * double(work.simd_ops + fused_simd_ops);
    total.energy.instruction_fetch += instruction_fetch_pj(layer_overhead_instructions() * k);
    total.energy.leakage = leakage_pj(total.cycles, k);
    return total;
}

LayerCost CostModel::simd_layer(const LayerWork& work, const std::vector<SimdTraffic>& shares) const {
    // Each of the k subarrays loads the operands of its share of the outputs,
    // runs its share of the operations on its SIMD segment, then stores its
    // results, on its pod's channel; the subarrays of a channel share it.
    LayerCost c;
    const unsigned k = unsigned(shares.size());
    c.tiles = k;
    const std::vector<unsigned> region = canonical_region(floorplan_, k);
    std::vector<std::uint64_t> loads_on(cfg_.offchip.channels, 0), stores_on(cfg_.offchip.channels, 0);
    std::uint64_t operands = 0, results = 0, last_store = 0, busiest_segment = 0;
    for (unsigned p = 0; p < k; ++p) {
        busiest_segment = std::max(busiest_segment, shares[p].ops);
        loads_on[channel_of(region[p])] += shares[p].operand_bytes;
        stores_on[channel_of(region[p])] += shares[p].result_bytes;
        operands += shares[p].operand_bytes, results += shares[p].result_bytes;
        last_store = std::max(last_store, shares[p].result_bytes);
    }
    std::uint64_t busiest_loads = 0, busiest = 0;
    for (unsigned ch = 0; ch < cfg_.offchip.channels; ++ch) {
        busiest_loads = std::max(busiest_loads, loads_on[ch]);
        busiest = std::max(busiest, loads_on[ch] + stores_on[ch]);
    }
    c.dram_bytes = operands + results;
    c.simd_cycles = ceil_div(busiest_segment, cfg_.simd.lanes) + cfg_.simd.pipeline_stages;
    const double bpc = channel_bytes_per_cycle();
    // The subarrays sharing a channel get their loads one after another (a
    // load is one transfer), so each computes while the next loads: the
    // last starts when all loads are in and stores its share after; the
    // channel carries every load and store.
    const double loads = double(busiest_loads) / bpc;
    const double all = double(busiest) / bpc;
    c.memory_cycles = std::uint64_t(std::ceil(all));
    const double path = std::max(all, loads + double(c.simd_cycles) + double(last_store) / bpc);
    c.cycles = std::uint64_t(std::ceil(path)) + (operands ? latency_cycles_ : 0) + (results ? latency_cycles_ : 0);
    // The operands pass the activation buffers, the results the output buffers.
    Activity a;
    a.activation_buffer_bits = operands * 8;
    a.output_buffer_bits = results * 8;
    a.simd_ops = work.simd_ops;
    // Each subarray: the layer's overhead, its load, its SIMD operation, its store.
    a.instruction_bits = instruction_bits((layer_overhead_instructions() + 3) * k);
    c.energy = activity_energy(cfg_, c.dram_bytes, a);
    c.energy.leakage = leakage_pj(c.cycles, k);
    return c;
}

}  // namespace planaria
