#include "tlm/channel_memory.h"

#include "tlm/timing_only_extension.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace planaria {

template <unsigned W>
ChannelMemory<W>::ChannelMemory(sc_core::sc_module_name name, std::uint64_t size_bytes, double bandwidth_gbps,
                             double latency_ns, unsigned burst_limit_bytes)
    : sc_module(name), socket("socket"), size_(size_bytes),
      // GB/s = bytes per ns.
      per_byte_(1.0 / bandwidth_gbps, sc_core::SC_NS), latency_(latency_ns, sc_core::SC_NS),
      burst_limit_(burst_limit_bytes),
      // Slots of 4 ns: short against a tile, long against one burst.
      slot_bytes_(4.0 * bandwidth_gbps), slot_(4.0, sc_core::SC_NS) {
    socket.register_b_transport(this, &ChannelMemory::b_transport);
    socket.register_transport_dbg(this, &ChannelMemory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &ChannelMemory::get_direct_mem_ptr);
}

template <unsigned W>
unsigned char* ChannelMemory<W>::page(std::uint64_t index, bool allocate) {
    RecentPage& recent = recent_[index % recent_.size()];
    if (recent.index == index) {
        if (recent.page) return recent.page;  // a page, once there, stays
        if (!allocate && recent.allocations == store_->allocations) return nullptr;
    }
    const auto it = store_->pages.find(index);
    if (it != store_->pages.end()) {
        recent = {index, it->second.get(), 0};
        return recent.page;
    }
    if (!allocate) {
        recent = {index, nullptr, store_->allocations};
        return nullptr;
    }
    auto fresh = std::make_unique<unsigned char[]>(kPageBytes);
    std::memset(fresh.get(), 0, kPageBytes);
    ++store_->allocations;
    recent = {index, fresh.get(), 0};
    store_->pages[index] = std::move(fresh);
    return recent.page;
}

template <unsigned W>
void ChannelMemory<W>::copy(std::uint64_t address, unsigned char* data, std::uint64_t n, bool write) {
    while (n) {
        const std::uint64_t offset = address % kPageBytes;
        const std::uint64_t chunk = std::min(n, kPageBytes - offset);
        unsigned char* p = page(address / kPageBytes, false);
        // Untouched memory reads as zero, so zeros written there change
        // nothing: no page for them (timing-only traffic carries zeros).
        const bool zeros = !p && write && data[0] == 0 && std::memcmp(data, data + 1, chunk - 1) == 0;
        if (write && !zeros) std::memcpy((p ? p : page(address / kPageBytes, true)) + offset, data, chunk);
        else if (!write && p) std::memcpy(data, p + offset, chunk);
        else if (!write) std::memset(data, 0, chunk);  // never written: zeros, without allocating
        address += chunk;
        data += chunk;
        n -= chunk;
    }
}

template <unsigned W>
void ChannelMemory<W>::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const tlm::tlm_command cmd = trans.get_command();
    const std::uint64_t address = trans.get_address();
    const unsigned length = trans.get_data_length();
    const unsigned width = trans.get_streaming_width() ? trans.get_streaming_width() : length;
    unsigned char* data = trans.get_data_ptr();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!data || length == 0 || address >= size_ || width > size_ - address) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (burst_limit_ && length > burst_limit_) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    const unsigned char* be = trans.get_byte_enable_ptr();
    const unsigned be_length = trans.get_byte_enable_length();
    if (be && be_length == 0) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    const bool write = cmd == tlm::TLM_WRITE_COMMAND;
    if (trans.get_extension<TimingOnlyExtension>()) {
        // Its initiator will not look at the bytes: the transfer is timed, no data moves.
    } else if (!be && width == length) {
        copy(address, data, length, write);
    } else {
        for (unsigned i = 0; i < length; ++i) {
            if (be && be[i % be_length] != TLM_BYTE_ENABLED) continue;
            copy(address + i % width, data + i, 1, write);
        }
    }
    (write ? bytes_written_ : bytes_read_) += length;

    const sc_core::sc_time moved = book(sc_core::sc_time_stamp() + delay, length, write);
    busy_ += per_byte_ * double(length);
    delay = moved + latency_ - sc_core::sc_time_stamp();
    trans.set_dmi_allowed(true);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

namespace {
constexpr std::uint64_t kExtendAhead = 255;

// sc_time's arithmetic on its count of resolution ticks, with the results
// of its operators (g++ converts a uint64 to double directly) but without
// their volatile round trip, which showed in the profile of busy channels.
double ticks(const sc_core::sc_time& t) { return double(t.value()); }
std::uint64_t ticks_times(const sc_core::sc_time& t, double d) {
    return std::uint64_t(std::int64_t(ticks(t) * d + 0.5));  // sc_time::operator*=
}
}  // namespace

template <unsigned W>
void ChannelMemory<W>::extend(std::uint64_t slot) {
    while (base_ + slots_.size() <= slot) slots_.push_back(Slot{{0.0, 0.0}});
    while (word_base_ + full_[kAll].size() <= slot >> 6) {
        full_[kReads].push_back(0);
        full_[kAll].push_back(0);
    }
}

template <unsigned W>
void ChannelMemory<W>::drop_before(std::uint64_t slot) {
    if (base_ < slot && !slots_.empty()) {
        const std::size_t gone = std::size_t(std::min<std::uint64_t>(slot - base_, slots_.size()));
        slots_.pop_front(gone);
        base_ += gone;
    }
    if (slots_.empty()) base_ = std::max(base_, slot);
    // The words wholly before base_ go; all of them once no slot is left.
    const std::uint64_t first_word = base_ >> 6;
    const std::size_t words = slots_.empty() ? full_[kAll].size()
                                             : std::size_t(std::min<std::uint64_t>(first_word - word_base_, full_[kAll].size()));
    full_[kReads].pop_front(words);
    full_[kAll].pop_front(words);
    word_base_ = full_[kAll].empty() ? first_word : word_base_ + words;
}

template <unsigned W>
std::uint64_t ChannelMemory<W>::first_open(Calendar cal, std::uint64_t slot) {
    // Beyond the words kept, nothing is booked yet.
    std::uint64_t word = slot >> 6;
    const SlotRing<std::uint64_t>& full = full_[cal];
    if (word - word_base_ >= full.size()) return slot;
    std::uint64_t open = ~full[word - word_base_] & (~std::uint64_t(0) << (slot & 63));
    while (open == 0) {
        if (++word - word_base_ >= full.size()) return word << 6;
        open = ~full[word - word_base_];
    }
    return (word << 6) + std::uint64_t(__builtin_ctzll(open));
}

template <unsigned W>
template <class Take>
sc_core::sc_time ChannelMemory<W>::fill(Calendar cal, const sc_core::sc_time& arrival, double bytes, Take&& take) {
    // The request starts at its arrival, within its first slot, and fills
    // the free capacity of the slots from there on.
    std::uint64_t slot = std::max(std::uint64_t(ticks(arrival) / ticks(slot_)), base_);
    // Bytes into the slot.
    double position = double(arrival.value() - ticks_times(slot_, double(slot))) / ticks(slot_) * slot_bytes_;
    double left = bytes;
    for (;;) {
        const std::uint64_t open = first_open(cal, slot);
        if (open != slot) position = 0;
        slot = open;
        // Some slots ahead at once: empty slots book nothing, and a request runs on through them.
        if (slot - base_ >= slots_.size()) extend(slot + kExtendAhead);
        Slot& s = slots_[slot - base_];
        double& b = s.level[cal];
        const double start = std::max(b, position);
        const double free = slot_bytes_ - start;
        if (free >= left) {
            b = start + left;
            if (b >= slot_bytes_ * (1 - 1e-12)) mark_full(cal, slot);
            take(s, slot, left);
            return sc_core::sc_time::from_value(ticks_times(slot_, double(slot) + b / slot_bytes_));
        }
        if (free > 0) {
            left -= free;
            take(s, slot, free);
        }
        b = slot_bytes_;
        mark_full(cal, slot);
        ++slot;
        position = 0;
    }
}

template <unsigned W>
sc_core::sc_time ChannelMemory<W>::book(const sc_core::sc_time& arrival, std::uint64_t bytes, bool write) {
    // Slots before the present take no more requests: drop them.
    drop_before(std::uint64_t(ticks(sc_core::sc_time_stamp()) / ticks(slot_)));
    if (write) return fill(kAll, arrival, double(bytes), [](Slot&, std::uint64_t, double) {});
    // A read sees only the reads before it: the write bytes it meets in a
    // slot move on to the channel's next free time.
    double displaced = 0;
    std::uint64_t first_displaced = 0;
    const sc_core::sc_time done = fill(kReads, arrival, double(bytes), [&](Slot& s, std::uint64_t slot, double amount) {
        double& all = s.level[kAll];
        all += amount;
        if (all > slot_bytes_ * (1 - 1e-12)) {
            if (all > slot_bytes_ && displaced == 0) first_displaced = slot;
            displaced += std::max(0.0, all - slot_bytes_);
            all = slot_bytes_;
            mark_full(kAll, slot);
        }
    });
    if (displaced > 0) fill(kAll, slot_ * double(first_displaced), displaced, [](Slot&, std::uint64_t, double) {});
    return done;
}

template <unsigned W>
unsigned ChannelMemory<W>::transport_dbg(tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    unsigned char* data = trans.get_data_ptr();
    if (!data || address >= size_ || (!trans.is_read() && !trans.is_write())) return 0;
    const unsigned n = unsigned(std::min<std::uint64_t>(trans.get_data_length(), size_ - address));
    copy(address, data, n, trans.is_write());
    return n;
}

template <unsigned W>
bool ChannelMemory<W>::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const std::uint64_t address = trans.get_address();
    if (address >= size_) {
        dmi.allow_none();  // nothing beyond the memory
        dmi.set_start_address(size_);
        dmi.set_end_address(~sc_dt::uint64(0));
        return false;
    }
    // One page at a time: the store is sparse, so a page is the largest run
    // of contiguous host memory.
    const std::uint64_t index = address / kPageBytes;
    dmi.allow_read_write();
    dmi.set_dmi_ptr(page(index, true));
    dmi.set_start_address(index * kPageBytes);
    dmi.set_end_address(std::min(size_, (index + 1) * kPageBytes) - 1);
    dmi.set_read_latency(latency_);
    dmi.set_write_latency(latency_);
    dmi_granted_ = true;
    return true;
}

template <unsigned W>
void ChannelMemory<W>::load(std::uint64_t address, const void* data, std::uint64_t bytes) {
    if (address > size_ || bytes > size_ - address)
        throw std::out_of_range(std::string(name()) + ": load of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(address) + " leaves the memory");
    copy(address, static_cast<unsigned char*>(const_cast<void*>(data)), bytes, true);
}

template <unsigned W>
void ChannelMemory<W>::peek(std::uint64_t address, void* data, std::uint64_t bytes) {
    if (address > size_ || bytes > size_ - address)
        throw std::out_of_range(std::string(name()) + ": peek of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(address) + " leaves the memory");
    copy(address, static_cast<unsigned char*>(data), bytes, false);
}

template <unsigned W>
void ChannelMemory<W>::invalidate_all() {
    if (!dmi_granted_) return;
    dmi_granted_ = false;
    socket->invalidate_direct_mem_ptr(0, ~sc_dt::uint64(0));
}

template class ChannelMemory<32>;
template class ChannelMemory<64>;
template class ChannelMemory<128>;
template class ChannelMemory<256>;

}  // namespace planaria
