#include "hw/isa/instruction.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace planaria {

namespace {

// A switch rather than a range so -Wswitch flags this when instruction.h gains an opcode.
bool is_valid_opcode(std::uint8_t byte) {
    switch (static_cast<Opcode>(byte)) {
        case Opcode::LoadWeights:
        case Opcode::LoadActivations:
        case Opcode::Compute:
        case Opcode::Simd:
        case Opcode::Store:
        case Opcode::Sync:
        case Opcode::LayerBoundary:
        case Opcode::End:
        case Opcode::Loop:
        case Opcode::Configure:
        case Opcode::Describe:
        case Opcode::Data:
            return true;
    }
    return false;
}

// Byte-wise so the encoding is little-endian whatever the host's byte order.
template <typename T>
void put_le(std::uint8_t* out, T value) {
    for (unsigned i = 0; i < sizeof(T); ++i) out[i] = static_cast<std::uint8_t>(std::uint64_t(value) >> (8 * i));
}

template <typename T>
T get_le(const std::uint8_t* in) {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) value |= std::uint64_t(in[i]) << (8 * i);
    return static_cast<T>(value);
}

}  // namespace

std::array<std::uint8_t, kInstructionBytes> Instruction::encode() const {
    std::array<std::uint8_t, kInstructionBytes> bytes{};
    bytes[0] = static_cast<std::uint8_t>(opcode);
    bytes[1] = flags;
    put_le(&bytes[2], a16);
    put_le(&bytes[4], a32);
    put_le(&bytes[8], a64);
    return bytes;
}

std::vector<std::uint8_t> encode_program(const std::vector<Instruction>& program) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(program.size() * kInstructionBytes);
    for (const Instruction& in : program) {
        const auto e = in.encode();
        bytes.insert(bytes.end(), e.begin(), e.end());
    }
    return bytes;
}

Instruction Instruction::decode(const std::uint8_t* bytes) {
    if (!is_valid_opcode(bytes[0])) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", unsigned(bytes[0]));
        throw std::invalid_argument(std::string("bad opcode byte ") + hex);
    }
    Instruction in;
    in.opcode = static_cast<Opcode>(bytes[0]);
    in.flags = bytes[1];
    in.a16 = get_le<std::uint16_t>(&bytes[2]);
    in.a32 = get_le<std::uint32_t>(&bytes[4]);
    in.a64 = get_le<std::uint64_t>(&bytes[8]);
    return in;
}

const char* to_string(Opcode op) {
    switch (op) {
        case Opcode::LoadWeights: return "load_weights";
        case Opcode::LoadActivations: return "load_activations";
        case Opcode::Compute: return "compute";
        case Opcode::Simd: return "simd";
        case Opcode::Store: return "store";
        case Opcode::Sync: return "sync";
        case Opcode::LayerBoundary: return "layer_boundary";
        case Opcode::End: return "end";
        case Opcode::Loop: return "loop";
        case Opcode::Configure: return "configure";
        case Opcode::Describe: return "describe";
        case Opcode::Data: return "data";
    }
    return "?";
}

}  // namespace planaria
