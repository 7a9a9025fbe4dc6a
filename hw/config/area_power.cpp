#include "hw/config/area_power.h"

namespace planaria {

std::vector<BlockCost> area_power_breakdown(const ArchConfig& cfg) {
    const AreaConfig& a = cfg.area;
    const EnergyConfig& e = cfg.energy;
    // pJ per cycle to mW at the architecture's clock.
    const auto mw = [&](double pj_per_cycle) { return pj_per_cycle * cfg.clock_mhz * 1e-3; };
    // Logic that switches like the PE datapath draws the PE's power per unit area.
    const double mw_per_um2 = mw(e.mac_pj) / a.pe_um2;
    const unsigned rows = cfg.subarray.rows, cols = cfg.subarray.cols, n = cfg.subarray.count;
    const std::uint64_t act_bits = cfg.data.activation_bits, acc_bits = cfg.data.accumulator_bits;
    std::vector<BlockCost> out;
    const auto logic = [&](std::string block, std::uint64_t count, std::string unit, double unit_um2) {
        const double area = double(count) * unit_um2;
        out.push_back({std::move(block), true, count, std::move(unit), area, area * mw_per_um2});
    };

    // What any systolic array of these PEs has.
    const std::uint64_t pes = cfg.pe_count();
    out.push_back({"PEs (multiplier, adder, accumulator, pipeline registers)", false, pes, "PE", double(pes) * a.pe_um2,
                   double(pes) * mw(e.mac_pj)});
    const std::uint64_t base_lanes = cfg.array_cols();  // one per column of the whole array
    const std::uint64_t lanes = std::uint64_t(cfg.simd.lanes) * n;
    const auto simd = [&](std::string block, bool fission, std::uint64_t count) {
        out.push_back({std::move(block), fission, count, "lane", double(count) * a.simd_lane_um2,
                       double(count) * mw(e.simd_op_pj)});
    };
    simd("SIMD vector unit", false, std::min(lanes, base_lanes));
    const double buffer_um2 = a.sram_um2_per_kb * cfg.instruction_buffer.bytes / 1024.0;
    const double fetch_mw = mw(double(kInstructionBytes) * 8 * e.instruction_buffer_pj_per_bit);  // one read a cycle
    out.push_back({"instruction buffer", false, 1, std::to_string(cfg.instruction_buffer.bytes) + " B", buffer_um2, fetch_mw});
    if (n == 1) return out;

    // What fission adds (the paper's Section IV).
    // Each PE chooses its activation and its partial sum from either side.
    logic("omni-directional multiplexers", pes, "PE", double(act_bits + acc_bits) * a.mux2_um2);
    // Every link between neighbouring subarrays carries both rings, each a
    // pipeline of registers a vector wide.
    const GridShape g = cfg.subarray.grid;
    const std::uint64_t links = std::uint64_t(g.rows) * (g.cols - 1) + std::uint64_t(g.rows - 1) * g.cols;
    const std::uint64_t ring_bits = std::uint64_t(cfg.ring_bus.pipeline_stages) * (rows * act_bits + cols * acc_bits);
    logic("ring-bus pipeline registers", links, "link", double(ring_bits) * a.register_um2_per_bit);
    // A pod's subarrays reach its buffers through two n x n crossbars
    // (activations in, partial sums out): n outputs, each an (n-1)-level mux.
    const std::uint64_t per_pod = cfg.subarrays_per_pod();
    if (per_pod > 1) {
        const std::uint64_t muxes = per_pod * (per_pod - 1) * (rows * act_bits + cols * acc_bits);
        logic("Fission Pod crossbars", cfg.pod.count, "pod (two crossbars)", double(muxes) * a.mux2_um2);
    }
    // Pods lend output buffers over direct links to their grid neighbours,
    // both ways, each a pipeline of latency_cycles registers a vector wide.
    const GridShape p = cfg.pod.grid;
    const std::uint64_t pod_links = 2 * (std::uint64_t(p.rows) * (p.cols - 1) + std::uint64_t(p.rows - 1) * p.cols);
    if (pod_links)
        logic("inter-pod links", pod_links, "directed link",
              double(cfg.inter_pod_link.latency_cycles) * double(cols * acc_bits) * a.register_um2_per_bit);
    simd("SIMD vector unit additions", true, lanes - std::min(lanes, base_lanes));
    out.push_back({"instruction buffer additions", true, n - 1u, std::to_string(cfg.instruction_buffer.bytes) + " B",
                   double(n - 1) * buffer_um2, double(n - 1) * fetch_mw});
    // Per subarray its current and next 6-bit fission state, per pod 8 bits
    // of Pod Memory connectivity (paper, "Dynamic reconfiguration for
    // fission and multi-tenant execution"); written only when the
    // host reconfigures, so they draw no dynamic power.
    const std::uint64_t bits = 2 * 6 * std::uint64_t(n) + 8 * std::uint64_t(cfg.pod.count);
    out.push_back({"reconfiguration registers", true, bits, "bit", double(bits) * a.register_um2_per_bit, 0.0});
    return out;
}

}  // namespace planaria
