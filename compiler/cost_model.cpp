#include "compiler/cost_model.h"

#include <algorithm>
#include <cmath>

#include "hw/timing/tile_timing.h"

namespace planaria {

namespace {

constexpr std::uint64_t kValueBits = 16;
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

}  // namespace

CostModel::CostModel(const ArchConfig& cfg, unsigned chip_subarrays)
    : cfg_(cfg), chip_subarrays_(chip_subarrays),
      act_entries_(cfg.pod.activation_buffer.bytes /
                   (std::uint64_t(cfg.pod.activation_buffer.banks) * cfg.pod.activation_buffer.bank_width_bits / 8)),
      out_entries_(cfg.pod.output_buffer.bytes /
                   (std::uint64_t(cfg.pod.output_buffer.banks) * cfg.pod.output_buffer.bank_width_bits / 8)),
      slots_(cfg.subarray.weight_buffer_bytes / 2),
      latency_cycles_(std::uint64_t(std::ceil(cfg.offchip.latency_ns / cfg.clock_period_ns()))) {
    max_vectors_ = std::max<std::uint64_t>(1, std::min(act_entries_, out_entries_) / 2);
}

double CostModel::bytes_per_cycle(unsigned k) const {
    return cfg_.offchip_bytes_per_cycle_per_channel() * cfg_.offchip.channels * double(k) / chip_subarrays_;
}

double CostModel::leakage_pj(std::uint64_t cycles, unsigned k) const {
    // mW * ns = pJ.
    return cfg_.energy.leakage_mw * double(cycles) * cfg_.clock_period_ns() * double(k) / chip_subarrays_;
}

LayerCost CostModel::gemm(const GemmWork& g, const FissionConfiguration& config, unsigned k, bool simd_active) const {
    const std::uint64_t R = config.pe_rows(cfg_), C = config.pe_cols(cfg_);
    const std::uint64_t cluster_pes = std::uint64_t(R) * C;
    const auto& e = cfg_.energy;
    const std::uint64_t acc_bits = cfg_.pod.output_buffer.bank_width_bits;

    const std::uint64_t nk = ceil_div(g.k, R), nn = ceil_div(g.n, C), nm = ceil_div(g.m, max_vectors_);
    const Split ms(g.m, nm);
    const Split ks = Split::by_unit(g.k, R), ns = Split::by_unit(g.n, C);

    // Cycles and on-chip traffic of every tile of one instance, exactly.
    std::uint64_t instance_cycles = 0, largest_tile = 0, act_reads = 0, out_writes = 0, act_hops = 0, psum_hops = 0;
    ms.each([&](std::uint64_t mt, std::uint64_t mc) {
        ks.each([&](std::uint64_t kt, std::uint64_t kc) {
            ns.each([&](std::uint64_t nt, std::uint64_t nc) {
                const std::uint64_t count = mc * kc * nc;
                const TileCycles tc = tile_cycles(cfg_, {config.block_rows, config.block_cols},
                                                  {unsigned(mt), unsigned(kt), unsigned(nt)}, simd_active);
                instance_cycles += count * tc.total();
                largest_tile = std::max(largest_tile, tc.total());
                act_reads += count * mt * kt;
                out_writes += count * mt * nt;
                const std::uint64_t col_blocks = ceil_div(nt, cfg_.subarray.cols);
                act_hops += count * mt * R * (col_blocks - 1);
                psum_hops += count * mt * nt * (config.block_rows - 1);
            });
        });
    });
    const std::uint64_t tiles = nm * nk * nn * g.instances;
    // Clusters share out (instance, n tile, m chunk) units round-robin; the k
    // tiles of a unit accumulate in one output buffer, so they stay together.
    const std::uint64_t units = nm * nn * g.instances;
    const std::uint64_t clusters = std::min<std::uint64_t>(config.clusters, units);
    const std::uint64_t all_cycles = instance_cycles * g.instances;
    const std::uint64_t compute = std::max(ceil_div(all_cycles, clusters), largest_tile * nk);

    // Off-chip traffic, the cheaper of the two loop orders.
    const std::uint64_t w_bytes = g.k * g.n * 2 * g.instances;
    const std::uint64_t a_bytes = g.m * g.k * 2 * g.instances;
    const std::uint64_t o_bytes = g.m * g.n * 2 * g.instances;
    const std::uint64_t dup_w = std::min(nm, clusters), dup_a = std::min(nn, clusters);
    const bool weights_fit = nk * nn <= slots_ / 2;
    const std::uint64_t chunk = ms.big_count ? ms.big : ms.small;
    const std::uint64_t os_bytes = (weights_fit ? w_bytes * dup_w : w_bytes * nm) +
                                   (chunk * nk <= act_entries_ / 2 ? a_bytes * dup_a : a_bytes * nn) + o_bytes;
    const std::uint64_t spill = (nk > 1 && g.m > out_entries_ / 2) ? 2 * (nk - 1) * g.m * g.n * (acc_bits / 8) * g.instances : 0;
    const std::uint64_t ws_bytes = w_bytes * dup_w + (g.m * nk <= act_entries_ / 2 ? a_bytes * dup_a : a_bytes * nn) +
                                   o_bytes + spill;

    LayerCost c;
    c.tiles = tiles;
    c.macs = g.m * g.k * g.n * g.instances;
    c.compute_cycles = compute;
    c.dram_bytes = std::min(os_bytes, ws_bytes);
    c.weights_resident = weights_fit || ws_bytes <= os_bytes;
    c.max_tile_vectors = chunk;
    c.memory_cycles = std::uint64_t(std::ceil(double(c.dram_bytes) / bytes_per_cycle(k)));
    // Layers exchange tensors through memory, so a layer neither overlaps the
    // one before nor the one after: its first tile waits for its operands
    // (latency_cycles_, charged by the caller) and its last tile's outputs
    // must be written (transfer and write latency) before the next layer may read.
    const std::uint64_t first_operands = std::min(R, g.k) * std::min(C, g.n) * 2 + chunk * std::min(R, g.k) * 2;
    const std::uint64_t last_outputs = chunk * std::min(C, g.n) * 2;
    c.fill_drain_cycles = std::uint64_t(std::ceil(double(first_operands + last_outputs) / bytes_per_cycle(k))) + latency_cycles_;
    c.cycles = std::max(c.compute_cycles, c.memory_cycles) + c.fill_drain_cycles;

    c.energy.compute = e.mac_pj * double(cluster_pes) * double(all_cycles);
    c.energy.weight_buffer = e.weight_buffer_pj_per_bit * (double(w_bytes * dup_w) * 8 +
                                                           double(tiles) * double(cluster_pes) * kValueBits);
    c.energy.activation_buffer = e.activation_buffer_pj_per_bit * (double(a_bytes * dup_a) * 8 +
                                                                   double(act_reads * g.instances) * kValueBits);
    c.energy.output_buffer = e.output_buffer_pj_per_bit *
                             (double(out_writes * g.instances) * double(acc_bits) * (nk > 1 ? 2.0 - 1.0 / double(nk) : 1.0) +
                              double(o_bytes) * 8);
    c.energy.bus = e.bus_pj_per_bit_hop * (double(act_hops * g.instances) * kValueBits +
                                           double(psum_hops * g.instances) * double(acc_bits));
    c.energy.dram = e.dram_pj_per_bit * double(c.dram_bytes) * 8;
    return c;
}

LayerCost CostModel::gemm_layer(const LayerWork& work, const FissionConfiguration& config, unsigned k,
                                std::uint64_t fused_simd_ops) const {
    LayerCost total;
    total.weights_resident = true;
    const bool simd_active = fused_simd_ops > 0;
    for (const GemmWork& g : work.gemms) {
        LayerCost one = gemm(g, config, k, simd_active);
        // Sequential repetitions (LSTM steps) cannot overlap: each waits for the
        // previous one's result. Weights stay in the PEs across repetitions
        // when the clusters' weight buffers hold them all twice over.
        const std::uint64_t reps = g.sequential;
        const std::uint64_t capacity = std::uint64_t(config.clusters) * config.pe_rows(cfg_) * config.pe_cols(cfg_) * slots_;
        const bool resident = g.k * g.n * g.instances <= capacity / 2;
        const std::uint64_t w_bytes = g.k * g.n * 2 * g.instances;
        const std::uint64_t first = one.dram_bytes;
        const std::uint64_t later = resident && first > w_bytes ? first - w_bytes : first;
        const std::uint64_t later_mem = std::uint64_t(std::ceil(double(later) / bytes_per_cycle(k)));
        total.tiles += one.tiles * reps;
        total.macs += one.macs * reps;
        total.compute_cycles += one.compute_cycles * reps;
        total.memory_cycles += one.memory_cycles + later_mem * (reps - 1);
        total.dram_bytes += first + later * (reps - 1);
        total.cycles += (reps == 1 ? one.cycles : std::max(one.compute_cycles, one.memory_cycles) +
                                                      std::max(one.compute_cycles, later_mem) * (reps - 1) +
                                                      one.fill_drain_cycles * reps) +
                        latency_cycles_ * reps;
        total.max_tile_vectors = std::max(total.max_tile_vectors, one.max_tile_vectors);
        total.weights_resident = total.weights_resident && one.weights_resident;
        EnergyBreakdown e = one.energy;
        const double r = double(reps);
        e.compute *= r;
        e.activation_buffer *= r;
        e.output_buffer *= r;
        e.bus *= r;
        e.weight_buffer *= r;
        e.dram = cfg_.energy.dram_pj_per_bit * double(first + later * (reps - 1)) * 8;
        total.energy += e;
    }
    // Parameters outside the GEMM operands (biases, batch-norm scale and
    // shift) are fetched once, for the SIMD segments.
    std::uint64_t gemm_weight_bytes = 0;
    for (const GemmWork& g : work.gemms)
        if (!g.weights_are_activations) gemm_weight_bytes += g.k * g.n * 2 * g.instances;
    if (work.weight_bytes > gemm_weight_bytes) {
        const std::uint64_t extra = work.weight_bytes - gemm_weight_bytes;
        total.dram_bytes += extra;
        total.energy.dram += cfg_.energy.dram_pj_per_bit * double(extra) * 8;
    }
    total.energy.simd = cfg_.energy.simd_op_pj * double(work.simd_ops + fused_simd_ops);
    total.energy.leakage = leakage_pj(total.cycles, k);
    return total;
}

LayerCost CostModel::simd_layer(const LayerWork& work, unsigned k) const {
    LayerCost c;
    c.tiles = k;
    c.dram_bytes = work.input_bytes + work.output_bytes + work.weight_bytes;
    c.simd_cycles = ceil_div(work.simd_ops, std::uint64_t(k) * cfg_.simd.lanes);
    c.memory_cycles = std::uint64_t(std::ceil(double(c.dram_bytes) / bytes_per_cycle(k)));
    c.cycles = std::max(c.simd_cycles, c.memory_cycles) + (c.dram_bytes || c.simd_cycles ? latency_cycles_ : 0);
    c.energy.simd = cfg_.energy.simd_op_pj * double(work.simd_ops);
    c.energy.dram = cfg_.energy.dram_pj_per_bit * double(c.dram_bytes) * 8;
    c.energy.leakage = leakage_pj(c.cycles, k);
    return c;
}

}  // namespace planaria
