#include "hw/sequencer/sequencer_context.h"

#include <stdexcept>

namespace planaria {

namespace {

std::uint64_t descriptor_slots() {
    return LayerDescriptor{}.encode().size() - 1;  // Data instructions after the Describe
}

class Writer {
public:
    void u64(std::uint64_t v) {
        for (unsigned i = 0; i < 8; ++i) bytes.push_back(std::uint8_t(v >> (8 * i)));
    }
    std::vector<std::uint8_t> bytes;
};

class Reader {
public:
    explicit Reader(const std::vector<std::uint8_t>& b) : bytes_(b) {}
    std::uint64_t u64() {
        if (at_ + 8 > bytes_.size()) throw std::invalid_argument("sequencer context: truncated");
        std::uint64_t v = 0;
        for (unsigned i = 0; i < 8; ++i) v |= std::uint64_t(bytes_[at_ + i]) << (8 * i);
        at_ += 8;
        return v;
    }

private:
    const std::vector<std::uint8_t>& bytes_;
    std::size_t at_ = 0;
};

}  // namespace

std::uint64_t SequencerContext::header_bytes(unsigned slots) {
    return 8 * (1 + 7 + Activity::kCounters + 1 + 6 * kMaxLoops + 5 + 3 * std::uint64_t(slots) + 1 + 1 + 2 * descriptor_slots() + 2);
}

std::uint64_t SequencerContext::results_bytes(const std::vector<std::uint8_t>& header, unsigned slots) {
    const std::uint64_t end = header_bytes(slots);
    if (header.size() < end) throw std::invalid_argument("sequencer context: truncated");
    const auto word = [&](std::uint64_t at) {
        std::uint64_t v = 0;
        for (unsigned i = 0; i < 8; ++i) v |= std::uint64_t(header[at + i]) << (8 * i);
        return v;
    };
    const std::uint64_t vectors = word(end - 16), cols = word(end - 8);
    if (vectors > (1u << 16) || cols > (1u << 16)) throw std::invalid_argument("sequencer context: output tile too large");
    return vectors * cols * kAccumulatorBytes;
}

std::vector<std::uint8_t> SequencerContext::serialize(unsigned slots) const {
    Writer w;
    w.u64(kMagic);
    for (std::uint64_t v : {pc, layer, tiles, busy_cycles, bytes, act_shift, store_shift}) w.u64(v);
    for (std::uint64_t v : activity) w.u64(v);
    w.u64(loops.size());
    for (unsigned i = 0; i < kMaxLoops; ++i) {
        const Loop l = i < loops.size() ? loops[i] : Loop{};
        for (std::uint64_t v : {l.begin, l.end, l.left, l.count, l.act_stride, l.store_stride}) w.u64(v);
    }
    for (std::uint64_t v : {state, selector, staged, staged_state, staged_selector}) w.u64(v);
    for (unsigned i = 0; i < slots; ++i) {
        const WeightLoad l = i < weights.size() ? weights[i] : WeightLoad{};
        for (std::uint64_t v : {l.valid, l.address, l.bytes}) w.u64(v);
    }
    w.u64(raw_load);
    w.u64(described);
    // The descriptor as the Data instructions that carry it, two words each.
    const std::vector<Instruction> d = descriptor.encode();
    for (std::size_t i = 1; i < d.size(); ++i) {
        const auto raw = d[i].encode();
        std::uint64_t lo = 0, hi = 0;
        for (unsigned b = 0; b < 8; ++b) lo |= std::uint64_t(raw[b]) << (8 * b), hi |= std::uint64_t(raw[8 + b]) << (8 * b);
        w.u64(lo), w.u64(hi);
    }
    w.u64(held_vectors), w.u64(held_cols);
    for (std::uint64_t i = 0; i < held_vectors * held_cols; ++i)
        w.u64(std::uint64_t(i < outputs.size() ? outputs[i] : 0));
    return w.bytes;
}

SequencerContext SequencerContext::deserialize(const std::vector<std::uint8_t>& bytes, unsigned slots) {
    Reader r(bytes);
    if (r.u64() != kMagic) throw std::invalid_argument("sequencer context: bad magic");
    SequencerContext c;
    for (std::uint64_t* v : {&c.pc, &c.layer, &c.tiles, &c.busy_cycles, &c.bytes, &c.act_shift, &c.store_shift}) *v = r.u64();
    for (auto& v : c.activity) v = r.u64();
    const std::uint64_t n = r.u64();
    if (n > kMaxLoops) throw std::invalid_argument("sequencer context: loop stack too deep");
    for (unsigned i = 0; i < kMaxLoops; ++i) {
        Loop l;
        for (std::uint64_t* v : {&l.begin, &l.end, &l.left, &l.count, &l.act_stride, &l.store_stride}) *v = r.u64();
        if (i < n) c.loops.push_back(l);
    }
    for (std::uint64_t* v : {&c.state, &c.selector, &c.staged, &c.staged_state, &c.staged_selector}) *v = r.u64();
    c.weights.resize(slots);
    for (auto& l : c.weights)
        for (std::uint64_t* v : {&l.valid, &l.address, &l.bytes}) *v = r.u64();
    c.raw_load = r.u64();
    c.described = r.u64();
    std::vector<Instruction> data;
    for (std::uint64_t i = 0; i < descriptor_slots(); ++i) {
        const std::uint64_t lo = r.u64(), hi = r.u64();
        std::array<std::uint8_t, kInstructionBytes> raw{};
        for (unsigned b = 0; b < 8; ++b) raw[b] = std::uint8_t(lo >> (8 * b)), raw[8 + b] = std::uint8_t(hi >> (8 * b));
        data.push_back(Instruction::decode(raw.data()));
    }
    const auto header = LayerDescriptor{}.encode().front();
    c.descriptor = LayerDescriptor::decode(data, header.a32);
    c.held_vectors = r.u64(), c.held_cols = r.u64();
    if (c.held_vectors * c.held_cols > (1u << 24)) throw std::invalid_argument("sequencer context: output tile too large");
    for (std::uint64_t i = 0; i < c.held_vectors * c.held_cols; ++i) c.outputs.push_back(std::int64_t(r.u64()));
    return c;
}

}  // namespace planaria
