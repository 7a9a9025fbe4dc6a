#include "hw/isa/layer_descriptor.h"

#include <stdexcept>
#include <type_traits>

namespace planaria {

std::vector<Instruction> LayerDescriptor::encode() const {
    std::vector<std::uint8_t> bytes;
    LayerDescriptor copy = *this;
    copy.visit([&](auto& field) {
        using T = std::make_unsigned_t<std::decay_t<decltype(field)>>;
        const T v = static_cast<T>(field);
        for (unsigned i = 0; i < sizeof(T); ++i) bytes.push_back(std::uint8_t(v >> (8 * i)));
    });
    const std::uint32_t size = std::uint32_t(bytes.size());
    bytes.resize((bytes.size() + kDataPayloadBytes - 1) / kDataPayloadBytes * kDataPayloadBytes, 0);
    std::vector<Instruction> out;
    out.push_back(Instruction::of(Opcode::Describe, 0, size, std::uint16_t(bytes.size() / kDataPayloadBytes)));
    for (std::size_t at = 0; at < bytes.size(); at += kDataPayloadBytes) {
        std::array<std::uint8_t, kInstructionBytes> raw{};
        raw[0] = std::uint8_t(Opcode::Data);
        for (unsigned i = 0; i < kDataPayloadBytes; ++i) raw[1 + i] = bytes[at + i];
        out.push_back(Instruction::decode(raw.data()));
    }
    return out;
}

ActivationWindow LayerDescriptor::window() const {
    ActivationWindow w;
    const LayerType t = layer_type();
    if (t != LayerType::Conv && t != LayerType::DepthwiseConv) return w;
    const TensorShape i = in(0);
    w.present = true;
    w.in_h = i.h, w.in_w = i.w, w.out_w = out_shape[2];
    // A depth-wise GEMM instance holds the channels packed into it (one, unless packed block-diagonally).
    const std::uint64_t taps = std::uint64_t(kh) * kw;
    w.channels = t == LayerType::Conv ? (groups ? i.c / groups : 0) : (taps ? k / taps : 0);
    if (w.channels && i.c % w.channels) w.input_channels = i.c;
    w.kh = kh, w.kw = kw, w.sh = sh, w.sw = sw, w.dh = dh, w.dw = dw;
    w.top = top, w.left = left;
    return w;
}

LayerDescriptor LayerDescriptor::decode(const std::vector<Instruction>& data, std::uint32_t size) {
    std::vector<std::uint8_t> bytes;
    for (const Instruction& in : data) {
        if (in.opcode != Opcode::Data) throw std::invalid_argument("layer descriptor: a payload slot is not data");
        const auto raw = in.encode();
        bytes.insert(bytes.end(), raw.begin() + 1, raw.end());
    }
    LayerDescriptor d;
    std::size_t at = 0;
    d.visit([&](auto& field) { at += sizeof(field); });
    if (at != size || bytes.size() < size)
        throw std::invalid_argument("layer descriptor: " + std::to_string(size) + " bytes, expected " +
                                    std::to_string(at));
    at = 0;
    d.visit([&](auto& field) {
        using T = std::make_unsigned_t<std::decay_t<decltype(field)>>;
        T v = 0;
        for (unsigned i = 0; i < sizeof(T); ++i) v |= T(T(bytes[at + i]) << (8 * i));
        at += sizeof(T);
        field = static_cast<std::decay_t<decltype(field)>>(v);
    });
    return d;
}

bool transfers_generated(const LayerDescriptor& d) {
    const LayerType t = d.layer_type();
    return d.k_tiles > 0 && (t == LayerType::Conv || t == LayerType::DepthwiseConv || t == LayerType::FullyConnected);
}

}  // namespace planaria
