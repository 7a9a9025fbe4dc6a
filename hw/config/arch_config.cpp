#include "hw/config/arch_config.h"

#include <cmath>
#include <sstream>

namespace planaria {

const char* to_string(PeGating g) {
    switch (g) {
        case PeGating::None: return "none";
        case PeGating::Data: return "data";
        case PeGating::Clock: return "clock";
    }
    return "?";
}

bool parse_pe_gating(const std::string& text, PeGating& out) {
    for (PeGating g : {PeGating::None, PeGating::Data, PeGating::Clock})
        if (text == to_string(g)) {
            out = g;
            return true;
        }
    return false;
}

ConfigError::ConfigError(std::string file, std::string path, std::string rule)
    : std::runtime_error(file + ": " + path + ": " + rule),
      file_(std::move(file)), path_(std::move(path)), rule_(std::move(rule)) {}

namespace {

/// Collects broken rules; each helper states one rule in the message it adds.
class RuleChecker {
public:
    std::vector<ConfigIssue> issues;

    void fail(const std::string& path, const std::string& message) {
        issues.push_back({path, message});
    }
    void positive(const std::string& path, double value) {
        if (!(value > 0) || !std::isfinite(value)) fail(path, "must be a positive number");
    }
    void non_negative(const std::string& path, double value) {
        if (!(value >= 0) || !std::isfinite(value)) fail(path, "must not be negative");
    }
    void at_least(const std::string& path, std::uint64_t value, std::uint64_t minimum,
                  const std::string& why) {
        if (value < minimum) {
            std::ostringstream os;
            os << "must be at least " << minimum << " (" << why << "), got " << value;
            fail(path, os.str());
        }
    }
    /// A number within [lo, hi] (every numeric key has a documented range).
    void within(const std::string& path, double value, double lo, double hi, const std::string& unit) {
        if (!(value >= lo && value <= hi)) {
            std::ostringstream os;
            os << "must be between " << lo << " and " << hi << " " << unit << ", got " << value;
            fail(path, os.str());
        }
    }
    void at_most(const std::string& path, std::uint64_t value, std::uint64_t maximum,
                 const std::string& why) {
        if (value > maximum) {
            std::ostringstream os;
            os << "must be at most " << maximum << " (" << why << "), got " << value;
            fail(path, os.str());
        }
    }
};

bool is_power_of_two(std::uint64_t v) { return v && !(v & (v - 1)); }

void check_buffer(RuleChecker& r, const std::string& path, const BankedBufferConfig& b,
                  unsigned banks_needed, unsigned min_width, const char* bank_role) {
    r.at_least(path + ".banks", b.banks, 1, "a buffer has banks");
    if (b.banks != banks_needed) {
        std::ostringstream os;
        os << "must equal " << banks_needed << " (" << bank_role << "), got " << b.banks;
        r.fail(path + ".banks", os.str());
    }
    r.at_least(path + ".bank_width_bits", b.bank_width_bits, min_width,
               "a bank must hold one value of the data it buffers");
    r.at_most(path + ".bank_width_bits", b.bank_width_bits, 64, "widest modelled bank");
    if (b.bank_width_bits % 8 != 0) r.fail(path + ".bank_width_bits", "must be a multiple of 8");
    const std::uint64_t row_bytes = b.row_bytes();
    r.at_most(path + ".bytes", b.bytes, std::uint64_t(1) << 30, "1 GiB per subarray at most");
    if (b.bytes < row_bytes) {
        std::ostringstream os;
        os << "buffer too small to hold one row across its banks (" << row_bytes
           << " bytes), got " << b.bytes;
        r.fail(path + ".bytes", os.str());
    }
}

}  // namespace

std::vector<ConfigIssue> check(const ArchConfig& c) {
    RuleChecker r;
    if (c.name.empty()) r.fail("name", "must not be empty");
    r.positive("clock_mhz", c.clock_mhz);
    r.within("clock_mhz", c.clock_mhz, 1, 10000, "MHz");

    // Data widths: values are stored as int16, products and sums as int64.
    r.at_least("data.activation_bits", c.data.activation_bits, 2, "signed values need two bits");
    r.at_most("data.activation_bits", c.data.activation_bits, 16, "activations are stored as int16");
    r.at_least("data.weight_bits", c.data.weight_bits, 2, "signed values need two bits");
    r.at_most("data.weight_bits", c.data.weight_bits, 16, "weights are stored as int16");
    r.at_least("data.accumulator_bits", c.data.accumulator_bits,
               c.data.activation_bits + c.data.weight_bits,
               "the accumulator must hold one full product");
    r.at_most("data.accumulator_bits", c.data.accumulator_bits, 64, "accumulators are int64");

    // Subarrays and their floorplan.
    r.at_least("subarray.rows", c.subarray.rows, 1, "a subarray has PEs");
    r.at_least("subarray.cols", c.subarray.cols, 1, "a subarray has PEs");
    r.at_most("subarray.rows", c.subarray.rows, 4096, "largest modelled subarray");
    r.at_most("subarray.cols", c.subarray.cols, 4096, "largest modelled subarray");
    r.at_least("subarray.count", c.subarray.count, 1, "the chip has subarrays");
    r.at_most("subarray.count", c.subarray.count, 64,
              "the register map holds at most 64 subarrays");
    r.at_least("subarray.grid", c.subarray.grid.rows, 1, "grid rows");
    r.at_least("subarray.grid", c.subarray.grid.cols, 1, "grid columns");
    r.at_most("subarray.grid", c.subarray.grid.rows, 64, "grid rows of at most 64 subarrays");
    r.at_most("subarray.grid", c.subarray.grid.cols, 64, "grid columns of at most 64 subarrays");
    if (c.subarray.grid.count() != c.subarray.count) {
        std::ostringstream os;
        os << "a " << c.subarray.grid.rows << "x" << c.subarray.grid.cols << " grid holds "
           << c.subarray.grid.count() << " subarrays, but subarray.count is " << c.subarray.count;
        r.fail("subarray.grid", os.str());
    }
    const unsigned weight_bytes = (c.data.weight_bits + 7) / 8;
    r.at_least("subarray.weight_buffer_bytes", c.subarray.weight_buffer_bytes, weight_bytes,
               "a PE weight buffer holds at least one weight");
    r.at_most("subarray.weight_buffer_bytes", c.subarray.weight_buffer_bytes, 1u << 20, "1 MiB per PE at most");
    if (weight_bytes && c.subarray.weight_buffer_bytes % weight_bytes != 0)
        r.fail("subarray.weight_buffer_bytes", "must be a whole number of weights");

    // Fission Pods: each pod owns a rectangular block of the subarray grid.
    r.at_least("pod.count", c.pod.count, 1, "the chip has at least one Fission Pod");
    r.at_most("pod.count", c.pod.count, 64, "at most one pod per subarray");
    r.at_most("pod.grid", c.pod.grid.rows, 64, "grid rows of at most 64 pods");
    r.at_most("pod.grid", c.pod.grid.cols, 64, "grid columns of at most 64 pods");
    r.at_most("pod.crossbar_latency_cycles", c.pod.crossbar_latency_cycles, 1000, "cycles");
    if (c.pod.count && c.subarray.count % c.pod.count != 0) {
        std::ostringstream os;
        os << "subarray count " << c.subarray.count << " is not divisible by pod count "
           << c.pod.count;
        r.fail("pod.count", os.str());
    }
    if (c.pod.grid.count() != c.pod.count) {
        std::ostringstream os;
        os << "a " << c.pod.grid.rows << "x" << c.pod.grid.cols << " grid holds "
           << c.pod.grid.count() << " pods, but pod.count is " << c.pod.count;
        r.fail("pod.grid", os.str());
    } else if (c.pod.grid.rows == 0 || c.pod.grid.cols == 0 ||
               c.subarray.grid.rows % c.pod.grid.rows != 0 ||
               c.subarray.grid.cols % c.pod.grid.cols != 0) {
        r.fail("pod.grid", "the pod grid must tile the subarray grid into equal rectangles");
    }
    if (c.subarray.count && c.pod.count && c.subarray.count % c.pod.count == 0) {
        r.at_most("pod.count", c.subarray.count / c.pod.count, 16,
                  "the Pod Memory crossbar register holds 16 selectors");
    }
    check_buffer(r, "pod.activation_buffer", c.pod.activation_buffer, c.subarray.rows,
                 c.data.activation_bits, "one activation bank per PE row");
    check_buffer(r, "pod.output_buffer", c.pod.output_buffer, c.subarray.cols,
                 c.data.activation_bits, "one output bank per PE column");

    // SIMD segments, ring buses, inter-pod links.
    r.at_least("simd.lanes", c.simd.lanes, 1, "a SIMD segment has lanes");
    r.at_least("simd.pipeline_stages", c.simd.pipeline_stages, 1, "a SIMD operation takes time");
    r.at_least("ring_bus.pipeline_stages", c.ring_bus.pipeline_stages, 1,
               "a ring-bus link has at least one register");
    r.at_most("ring_bus.pipeline_stages", c.ring_bus.pipeline_stages, 64,
              "deepest modelled ring-bus pipeline");
    r.at_most("simd.lanes", c.simd.lanes, 4096, "lanes");
    r.at_most("simd.pipeline_stages", c.simd.pipeline_stages, 1000, "stages");
    r.at_most("inter_pod_link.latency_cycles", c.inter_pod_link.latency_cycles, 1000, "cycles");
    r.positive("inter_pod_link.bandwidth_gbps", c.inter_pod_link.bandwidth_gbps);
    // A slower link would pace a tile's stream by a factor in the thousands.
    r.within("inter_pod_link.bandwidth_gbps", c.inter_pod_link.bandwidth_gbps, 1.0, 1e6, "GB/s");

    // Off-chip channels: each channel serves the same number of pods.
    r.at_least("offchip.channels", c.offchip.channels, 1, "the chip needs off-chip memory");
    if (c.offchip.channels && c.pod.count % c.offchip.channels != 0) {
        std::ostringstream os;
        os << "pod count " << c.pod.count << " is not divisible by channel count "
           << c.offchip.channels << " (every channel serves the same number of pods)";
        r.fail("offchip.channels", os.str());
    }
    r.at_most("offchip.channels", c.offchip.channels, 64, "channels");
    r.positive("offchip.bandwidth_gbps", c.offchip.bandwidth_gbps);
    r.within("offchip.bandwidth_gbps", c.offchip.bandwidth_gbps, 1e-3, 1e5, "GB/s per channel");
    r.non_negative("offchip.latency_ns", c.offchip.latency_ns);
    r.within("offchip.latency_ns", c.offchip.latency_ns, 0, 1e6, "ns");
    if (!is_power_of_two(c.offchip.burst_bytes))
        r.fail("offchip.burst_bytes", "must be a power of two");
    r.at_most("offchip.burst_bytes", c.offchip.burst_bytes, 1u << 20, "1 MiB per transaction at most");
    r.at_most("offchip.read_through_bytes", c.offchip.read_through_bytes, c.offchip.burst_bytes, "offchip.burst_bytes");

    // Instruction buffers.
    // The instruction format (hw/isa/instruction.h) fixes an instruction's size.
    if (c.instruction_buffer.bytes < 2 * kInstructionBytes || c.instruction_buffer.bytes % kInstructionBytes != 0)
        r.fail("instruction_buffer.bytes", "must hold a whole number (at least two) of " +
                                               std::to_string(kInstructionBytes) + "-byte instructions");

    r.at_most("instruction_buffer.bytes", c.instruction_buffer.bytes, 1u << 20, "1 MiB per subarray at most");

    // Energy constants and host interface.
    const std::pair<const char*, double> per_event[] = {
        {"energy.mac_pj", c.energy.mac_pj},
        {"energy.weight_buffer_pj_per_bit", c.energy.weight_buffer_pj_per_bit},
        {"energy.activation_buffer_pj_per_bit", c.energy.activation_buffer_pj_per_bit},
        {"energy.output_buffer_pj_per_bit", c.energy.output_buffer_pj_per_bit},
        {"energy.bus_pj_per_bit_hop", c.energy.bus_pj_per_bit_hop},
        {"energy.crossbar_pj_per_bit_level", c.energy.crossbar_pj_per_bit_level},
        {"energy.inter_pod_link_pj_per_bit_hop", c.energy.inter_pod_link_pj_per_bit_hop},
        {"energy.instruction_buffer_pj_per_bit", c.energy.instruction_buffer_pj_per_bit},
        {"energy.dram_pj_per_bit", c.energy.dram_pj_per_bit},
        {"energy.simd_op_pj", c.energy.simd_op_pj}};
    for (const auto& [path, value] : per_event) r.non_negative(path, value);
    r.non_negative("energy.leakage_mw", c.energy.leakage_mw);
    for (const auto& [path, value] : per_event) r.within(path, value, 0, 1e6, "pJ");
    // A gated PE cannot cost more than a computing one.
    r.within("energy.data_gated_pe_fraction", c.energy.data_gated_pe_fraction, 0, 1, "of mac_pj");
    r.within("energy.clock_gated_pe_fraction", c.energy.clock_gated_pe_fraction, 0, 1, "of mac_pj");
    r.within("energy.leakage_mw", c.energy.leakage_mw, 0, 1e9, "mW");
    for (const auto& [path, value] : {std::pair<const char*, double>{"area.pe_um2", c.area.pe_um2},
                                      {"area.mux2_um2", c.area.mux2_um2},
                                      {"area.register_um2_per_bit", c.area.register_um2_per_bit},
                                      {"area.simd_lane_um2", c.area.simd_lane_um2},
                                      {"area.sram_um2_per_kb", c.area.sram_um2_per_kb}})
        r.within(path, value, 1e-6, 1e9, "um^2");  // a block takes some area
    r.at_most("host.register_access_cycles", c.host.register_access_cycles, 1000000, "cycles");
    r.positive("host.quantum_ns", c.host.quantum_ns);
    r.within("host.quantum_ns", c.host.quantum_ns, 1e-3, 1e9, "ns");
    return r.issues;
}

void validate(const ArchConfig& cfg, const std::string& source) {
    const auto issues = check(cfg);
    if (!issues.empty()) throw ConfigError(source, issues.front().path, issues.front().message);
}

}  // namespace planaria
