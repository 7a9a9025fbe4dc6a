#include "hw/ringbus/ring_bus.h"

#include <algorithm>
#include <cstring>

namespace planaria {

template <class T>
RingBus<T>::RingBus(sc_core::sc_module_name name, const Floorplan& fp, unsigned stages, unsigned width,
                    unsigned bits)
    : sc_module(name), socket("socket"), fp_(fp), stages_(stages), width_(width), bits_(bits),
      // One slot per register, one for the value being pushed this cycle and
      // one for the value being popped.
      slots_(stages + 2),
      link_span_(std::uint64_t(stages + 2) * width * (sizeof(T) + 1)),
      pipelines_(2 * fp.subarrays()) {
    for (auto& p : pipelines_) {
        p.value.assign(std::size_t(slots_) * width_, T(0));
        p.valid.assign(std::size_t(slots_) * width_, 0);
    }
    socket.register_b_transport(this, &RingBus::b_transport);
    socket.register_transport_dbg(this, &RingBus::transport_dbg);
}

template <class T>
unsigned RingBus<T>::link_index(const LinkUse& use) const {
    using regmap::Side;
    switch (use.from_side) {
        case Side::East: return 2 * use.from;
        case Side::South: return 2 * use.from + 1;
        case Side::West: return 2 * *fp_.neighbour(use.from, Side::West);
        case Side::North: return 2 * *fp_.neighbour(use.from, Side::North) + 1;
    }
    return 0;
}

template <class T>
void RingBus<T>::clear(unsigned link) {
    auto& p = pipelines_.at(link);
    std::fill(p.value.begin(), p.value.end(), T(0));
    std::fill(p.valid.begin(), p.valid.end(), std::uint8_t(0));
}

template <class T>
void RingBus<T>::push(unsigned link, std::uint64_t cycle, const EdgeVector<T>& values) {
    auto& p = pipelines_[link];
    const std::size_t slot = std::size_t(cycle % slots_) * width_;
    std::memcpy(p.value.data() + slot, values.value.data(), width_ * sizeof(T));
    std::memcpy(p.valid.data() + slot, values.valid.data(), width_);
    unsigned valid = 0;
    for (unsigned i = 0; i < width_; ++i) valid += values.valid[i];
    bit_hops_ += std::uint64_t(valid) * bits_;
}

template <class T>
void RingBus<T>::pop(unsigned link, std::uint64_t cycle, EdgeVector<T>& out, bool turn) const {
    if (cycle < 1 + std::uint64_t(stages_)) {  // nothing has come through yet
        out.clear();
        return;
    }
    const auto& p = pipelines_[link];
    const std::size_t slot = std::size_t((cycle - 1 - stages_) % slots_) * width_;
    std::memcpy(out.value.data(), p.value.data() + slot, width_ * sizeof(T));
    std::memcpy(out.valid.data(), p.valid.data() + slot, width_);
    if (turn) {
        std::reverse(out.value.begin(), out.value.end());
        std::reverse(out.valid.begin(), out.valid.end());
    }
}

template <class T>
void RingBus<T>::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    // The ring carries systolic data between subarrays, not memory transactions.
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
}

template <class T>
unsigned RingBus<T>::transport_dbg(tlm::tlm_generic_payload& trans) {
    if (!trans.is_read() || !trans.get_data_ptr()) return 0;
    const std::uint64_t address = trans.get_address();
    const std::uint64_t link = address / link_span_;
    if (link >= pipelines_.size()) return 0;
    // Image of one link: per slot, `width` values then `width` valid bytes.
    std::vector<unsigned char> image(link_span_);
    const auto& p = pipelines_[link];
    const std::size_t slot_bytes = width_ * (sizeof(T) + 1);
    for (unsigned s = 0; s < slots_; ++s) {
        std::memcpy(image.data() + s * slot_bytes, p.value.data() + std::size_t(s) * width_, width_ * sizeof(T));
        std::memcpy(image.data() + s * slot_bytes + width_ * sizeof(T), p.valid.data() + std::size_t(s) * width_,
                    width_);
    }
    const std::uint64_t offset = address % link_span_;
    const unsigned n = unsigned(std::min<std::uint64_t>(trans.get_data_length(), link_span_ - offset));
    std::memcpy(trans.get_data_ptr(), image.data() + offset, n);
    return n;
}

template class RingBus<Activation>;
template class RingBus<Accumulator>;

}  // namespace planaria
