#pragma once
// The compiler's output for one DNN on one architecture (paper Fig. 11(a)):
// for every subarray count k = 1..N a configuration table (read by the host
// scheduler) and one macro-instruction stream per subarray (read by the
// hardware's sequencers). Written as a versioned binary file (bundle_io.h).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace planaria {

// ---------------------------------------------------------------------------
// Macro-instructions (16 bytes each; little-endian in memory):
//   byte 0     opcode
//   byte 1     flags
//   bytes 2-3  a16
//   bytes 4-7  a32
//   bytes 8-15 a64
// ---------------------------------------------------------------------------
enum class Opcode : std::uint8_t {
    LoadWeights = 1,      ///< a64 DRAM address, a32 bytes, a16 weight-buffer slot: fill this subarray's PEs
    LoadActivations = 2,  ///< a64 DRAM address, a32 bytes, a16 vectors: appended to the subarray's activation
                          ///< buffer, used as a circular buffer (a load waits for room)
    Compute = 3,          ///< one tile on the vectors loaded since the previous tile:
                          ///< a64 = M | K << 16 | N << 32 | slot << 48, flags bit 0 accumulate into the
                          ///< output buffer; a16 = SIMD op | shift << 8 (hw/simd/simd_segment.h)
    Simd = 4,             ///< element-wise work: a64 lane operations, a16 = SIMD op
    Store = 5,            ///< a64 DRAM address, a32 bytes, a16 first output-buffer entry
    Sync = 6,             ///< barrier: a32 = barrier id, a16 = subarrays taking part; flags bit 0: all the
                          ///< tenant's subarrays (else the subarrays of this one's current cluster);
                          ///< bit 1: a data barrier, later loads wait until the members' stores are done
    LayerBoundary = 7,    ///< a32 = layer index (the task monitor counts progress with it)
    End = 8,              ///< end of the program
    Loop = 9,             ///< repeat the next a32 instructions a16 times; per iteration the DRAM addresses
                          ///< of their LoadActivations advance by a64 bits 0-31 and of their Store by
                          ///< bits 32-63 (bytes)
    Configure = 10,       ///< this subarray's fission state for the coming layer: a16 = 6-bit state,
                          ///< a32 = Pod Memory crossbar selector; applied, for all the tenant's
                          ///< subarrays at once, when their next Sync completes
    Describe = 11,        ///< the layer's descriptor for the address generators (compiler/layer_descriptor.h):
                          ///< a32 = bytes, a16 = Data instructions that follow and carry them
    Data = 12,            ///< 15 payload bytes (flags, a16, a32, a64, little-endian) of the preceding Describe
};

constexpr unsigned kInstructionBytes = 16;

struct Instruction {
    Opcode opcode = Opcode::End;
    std::uint8_t flags = 0;
    std::uint16_t a16 = 0;
    std::uint32_t a32 = 0;
    std::uint64_t a64 = 0;

    static Instruction of(Opcode op, std::uint64_t a64 = 0, std::uint32_t a32 = 0, std::uint16_t a16 = 0,
                          std::uint8_t flags = 0) {
        Instruction i;
        i.opcode = op;
        i.flags = flags;
        i.a16 = a16;
        i.a32 = a32;
        i.a64 = a64;
        return i;
    }
    std::array<std::uint8_t, kInstructionBytes> encode() const;
    static Instruction decode(const std::uint8_t* bytes);  ///< throws std::invalid_argument on a bad opcode
    bool operator==(const Instruction& o) const {
        return opcode == o.opcode && flags == o.flags && a16 == o.a16 && a32 == o.a32 && a64 == o.a64;
    }
};

/// An instruction stream as the sequencer fetches it from memory: the
/// instructions encoded back to back.
std::vector<std::uint8_t> encode_program(const std::vector<Instruction>& program);

const char* to_string(Opcode op);

// ---------------------------------------------------------------------------
// Configuration table: per layer, what the scheduler needs.
// ---------------------------------------------------------------------------
struct LayerEntry {
    std::string layer;              ///< layer name
    std::string configuration;      ///< fission configuration, e.g. "64x256-1"; "simd" for SIMD-only work
    std::uint32_t block_rows = 0, block_cols = 0, clusters = 0;
    std::uint64_t tiles = 0;        ///< tiles the layer runs (all clusters together)
    std::uint64_t cycles_per_tile = 0;  ///< average, rounded up: tiles * cycles_per_tile >= cycles
    std::uint64_t cycles = 0;       ///< the layer's estimated cycles on k subarrays
    std::uint64_t compute_cycles = 0;   ///< of which the systolic array computes
    std::uint64_t dram_bytes = 0;   ///< off-chip traffic (read + write)
    std::uint64_t macs = 0;         ///< useful MACs
    double energy_pj = 0;           ///< estimated energy
};

struct ConfigurationTable {
    std::uint32_t subarrays = 0;    ///< k
    std::vector<LayerEntry> layers;
    std::uint64_t total_cycles() const;
    std::uint64_t total_tiles() const;
    double total_energy_pj() const;
};

/// The instruction stream of one subarray for one k.
struct SubarrayProgram {
    std::uint32_t subarray = 0;     ///< position in the canonical region of k (0..k-1)
    std::vector<Instruction> instructions;
};

struct CompiledForK {
    ConfigurationTable table;
    std::vector<SubarrayProgram> programs;  ///< one per subarray of the region
};

struct Bundle {
    std::string model_key;          ///< e.g. "resnet50"
    std::string model_name;
    std::uint64_t arch_fingerprint = 0;  ///< of the fully expanded architecture (bundles are per architecture)
    std::string arch_name;
    std::uint64_t model_macs = 0, model_params = 0;
    std::vector<CompiledForK> per_k;     ///< index k-1
};

}  // namespace planaria
