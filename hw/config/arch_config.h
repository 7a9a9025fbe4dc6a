#pragma once
// The architecture configuration: one struct for every part of the chip.
//
// DRAMSys style: the struct is plain data handed to the constructors of the
// hardware modules; parsing (arch_yaml.h) lives at the application edge.
// Default member values are the paper's design point (Section IV/VI-A), so a
// default-constructed ArchConfig *is* planaria.yaml.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw/isa/instruction.h"

namespace planaria {

/// Floorplan position of something on a 2-D grid (row-major).
struct GridShape {
    unsigned rows = 1;
    unsigned cols = 1;
    /// In 64 bits: a grid of huge dimensions must not wrap to a plausible count.
    std::uint64_t count() const { return std::uint64_t(rows) * cols; }
    bool operator==(const GridShape& o) const { return rows == o.rows && cols == o.cols; }
};

struct DataWidths {
    unsigned activation_bits = 16;   ///< input activations, stored as int16
    unsigned weight_bits = 16;       ///< weights, stored as int16
    unsigned accumulator_bits = 48;  ///< PE accumulator / partial sums
};

struct SubarrayConfig {
    unsigned rows = 32;                   ///< PE rows of one subarray
    unsigned cols = 32;                   ///< PE columns of one subarray
    unsigned count = 16;                  ///< subarrays on the chip
    GridShape grid{4, 4};                 ///< how the subarrays sit on the floorplan
    unsigned weight_buffer_bytes = 256;   ///< private weight buffer of one PE
};

struct BankedBufferConfig {
    std::uint64_t bytes = 256 * 1024;  ///< capacity per subarray
    unsigned banks = 32;               ///< independent banks (one per PE row / column)
    unsigned bank_width_bits = 16;     ///< bits read or written per bank per cycle
    /// One entry: a value in every bank (one vector of a tile).
    std::uint64_t row_bytes() const { return std::uint64_t(banks) * bank_width_bits / 8; }
    /// Entries the buffer holds (valid configurations only: row_bytes() > 0).
    std::uint64_t entries() const { return bytes / row_bytes(); }
};

struct PodConfig {
    unsigned count = 4;                   ///< Fission Pods on the chip
    GridShape grid{2, 2};                 ///< how the pods sit on the floorplan
    BankedBufferConfig activation_buffer{256 * 1024, 32, 16};  ///< per subarray, in Pod Memory
    BankedBufferConfig output_buffer{256 * 1024, 32, 48};      ///< per subarray, in Pod Memory
    unsigned crossbar_latency_cycles = 1; ///< Pod Memory 4x4 crossbar traversal
};

struct SimdConfig {
    unsigned lanes = 32;                  ///< lanes of the SIMD segment of one subarray
    unsigned pipeline_stages = 4;         ///< latency of one SIMD operation
};

struct RingBusConfig {
    unsigned pipeline_stages = 12;        ///< registers on one ring-bus link (Section IV-B)
};

struct InterPodLinkConfig {
    unsigned latency_cycles = 2;          ///< one hop between neighbouring pods
    double bandwidth_gbps = 256.0;        ///< per direction
};

struct OffchipConfig {
    unsigned channels = 4;                ///< one per Fission Pod on Planaria
    double bandwidth_gbps = 62.5;         ///< per channel (GB/s, 10^9 bytes per second)
    double latency_ns = 100.0;            ///< first-word latency of a request
    unsigned burst_bytes = 4096;          ///< largest single TLM transaction on a channel (DMA transfers are cut into these)
    /// A gap of at most this many bytes between two pieces of a transfer
    /// (an activation load's row segments) is read through, one transaction
    /// instead of two: a DRAM burst's worth costs less than a new request.
    unsigned read_through_bytes = 64;
};

struct InstructionBufferConfig {
    unsigned bytes = 4096;                ///< per-subarray instruction buffer
};

/// What a PE-cycle of a computing array costs when the PE has no
/// multiply-accumulate to do (a row or column the tile does not use, or the
/// fill and drain of the wavefront). The paper does not say; see the README's
/// energy model for why `clock` is the default.
enum class PeGating {
    None,   ///< idle PEs toggle as if computing: the upper bound
    Data,   ///< operand isolation: the arithmetic is held still, the registers are still clocked
    Clock,  ///< the PE's registers are clock-gated by the valid bit that travels with the data
};
const char* to_string(PeGating g);
/// "none", "data" or "clock"; false for anything else.
bool parse_pe_gating(const std::string& text, PeGating& out);

/// Energy constants in picojoules (pJ) unless stated otherwise.
struct EnergyConfig {
    double mac_pj = 0.46;                       ///< one 16-bit multiply-accumulate
    PeGating pe_gating = PeGating::Clock;       ///< what an idle PE-cycle costs
    double data_gated_pe_fraction = 0.4;        ///< an idle PE-cycle's share of mac_pj under data gating (its registers' clock)
    double clock_gated_pe_fraction = 0.02;      ///< ... under clock gating (its clock-gating cells)
    double weight_buffer_pj_per_bit = 0.011;    ///< PE-private weight buffer access
    double activation_buffer_pj_per_bit = 0.09; ///< Pod Memory activation buffer access
    double output_buffer_pj_per_bit = 0.09;     ///< Pod Memory output buffer access
    double bus_pj_per_bit_hop = 0.64;           ///< ring bus (McPAT, paper VI-A)
    double crossbar_pj_per_bit_level = 0.011;   ///< one 2:1 multiplexer level of a Fission Pod crossbar, per bit
    double inter_pod_link_pj_per_bit_hop = 0.64;///< direct link between neighbouring pods (the paper's bussing figure)
    double instruction_buffer_pj_per_bit = 0.083;///< instruction buffer read or fill (4 KB SRAM, 64-bit word)
    double dram_pj_per_bit = 7.0;               ///< off-chip access
    double simd_op_pj = 0.5;                    ///< one SIMD lane operation
    double leakage_mw = 250.0;                  ///< whole-chip static power (milliwatts)

    /// What one idle PE-cycle costs, as a share of mac_pj, under pe_gating.
    double idle_pe_fraction() const {
        switch (pe_gating) {
            case PeGating::None: return 1.0;
            case PeGating::Data: return data_gated_pe_fraction;
            case PeGating::Clock: return clock_gated_pe_fraction;
        }
        return 1.0;
    }
};

/// Cell areas at 45 nm for the area and power breakdown (Fig. 19,
/// hw/config/area_power.h); the README gives each figure's source.
struct AreaConfig {
    double pe_um2 = 2000.0;               ///< one PE: 16x16-bit multiplier, 48-bit adder, its pipeline registers
    double mux2_um2 = 1.862;              ///< one bit of a 2:1 multiplexer (MUX2_X1)
    double register_um2_per_bit = 4.522;  ///< one flip-flop (DFF_X1)
    double simd_lane_um2 = 1750.0;        ///< one 16-bit SIMD lane with its operand registers
    double sram_um2_per_kb = 4225.0;      ///< SRAM macro area per KB
};

/// Host-visible interface timing.
struct HostInterfaceConfig {
    unsigned register_access_cycles = 2;  ///< one 32-bit register read or write
    double quantum_ns = 50.0;             ///< temporal-decoupling quantum: how far a sequencer runs ahead, so how finely the sequencers sharing a channel interleave
};

struct ArchConfig {
    std::string name = "planaria";
    double clock_mhz = 700.0;
    DataWidths data;
    SubarrayConfig subarray;
    PodConfig pod;
    SimdConfig simd;
    RingBusConfig ring_bus;
    InterPodLinkConfig inter_pod_link;
    OffchipConfig offchip;
    InstructionBufferConfig instruction_buffer;
    EnergyConfig energy;
    AreaConfig area;
    HostInterfaceConfig host;

    // ---- derived figures (valid only after validate() succeeded) ----
    unsigned subarrays_per_pod() const { return subarray.count / pod.count; }
    GridShape pod_subarray_grid() const {
        return {subarray.grid.rows / pod.grid.rows, subarray.grid.cols / pod.grid.cols};
    }
    std::uint64_t pe_count() const {
        return std::uint64_t(subarray.rows) * subarray.cols * subarray.count;
    }
    unsigned array_rows() const { return subarray.rows * subarray.grid.rows; }
    unsigned array_cols() const { return subarray.cols * subarray.grid.cols; }
    double clock_period_ns() const { return 1000.0 / clock_mhz; }
    double peak_macs_per_second() const { return double(pe_count()) * clock_mhz * 1e6; }
    std::uint64_t weight_buffer_bytes_total() const {
        return pe_count() * subarray.weight_buffer_bytes;
    }
    std::uint64_t pod_memory_bytes_total() const {
        return (pod.activation_buffer.bytes + pod.output_buffer.bytes) * subarray.count;
    }
    std::uint64_t on_chip_bytes() const {
        return weight_buffer_bytes_total() + pod_memory_bytes_total();
    }
    double offchip_bandwidth_gbps() const { return offchip.channels * offchip.bandwidth_gbps; }
    /// Bytes one off-chip channel moves per accelerator clock cycle.
    double offchip_bytes_per_cycle_per_channel() const {
        return offchip.bandwidth_gbps * 1e9 / (clock_mhz * 1e6);
    }
    unsigned pods_per_channel() const { return pod.count / offchip.channels; }
    unsigned instruction_buffer_entries() const {
        return instruction_buffer.bytes / kInstructionBytes;
    }
};

/// One violated rule: where (file and YAML path) and what.
struct ConfigIssue {
    std::string path;     ///< YAML path, e.g. "pod.count"
    std::string message;  ///< the rule that is broken
};

/// Thrown for an architecture that cannot be built; what() is one line that
/// names the file, the YAML path and the rule.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, std::string path, std::string rule);
    const std::string& file() const { return file_; }
    const std::string& path() const { return path_; }
    const std::string& rule() const { return rule_; }

private:
    std::string file_, path_, rule_;
};

/// Checks every consistency rule; returns all broken rules (empty: valid).
std::vector<ConfigIssue> check(const ArchConfig& cfg);

/// Throws ConfigError for the first broken rule. `source` names the file.
void validate(const ArchConfig& cfg, const std::string& source = "<built-in>");

}  // namespace planaria
