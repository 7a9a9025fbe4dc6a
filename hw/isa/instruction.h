#pragma once
// The instruction format of a subarray's sequencer (paper Fig. 11(a): the
// compiler's instruction streams, one per subarray): the hardware/software
// contract the compiler writes and the sequencers fetch and execute.

#include <array>
#include <cstdint>
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
    Describe = 11,        ///< the layer's descriptor for the address generators (hw/isa/layer_descriptor.h):
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

}  // namespace planaria
