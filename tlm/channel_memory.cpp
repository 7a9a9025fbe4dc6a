#include "tlm/channel_memory.h"

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
    const auto it = pages_->find(index);
    if (it != pages_->end()) return it->second.get();
    if (!allocate) return nullptr;
    auto fresh = std::make_unique<unsigned char[]>(kPageBytes);
    std::memset(fresh.get(), 0, kPageBytes);
    return ((*pages_)[index] = std::move(fresh)).get();
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
    if (!be && width == length) {
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
}  // namespace

template <unsigned W>
void ChannelMemory<W>::Calendar::extend(std::uint64_t base, std::uint64_t slot) {
    while (base + level.size() <= slot) {
        skip.push_back(base + level.size());
        level.push_back(0.0);
    }
}

template <unsigned W>
void ChannelMemory<W>::Calendar::drop_front(std::size_t n) {
    level.pop_front(n);
    skip.pop_front(n);
}

template <unsigned W>
std::uint64_t ChannelMemory<W>::Calendar::first_open(std::uint64_t base, std::uint64_t slot) {
    // A full slot points to a later one; follow, then shorten the path behind.
    std::uint64_t root = slot;
    while (root - base < skip.size() && skip[root - base] != root) root = skip[root - base];
    while (slot != root && slot - base < skip.size()) {
        const std::uint64_t next = skip[slot - base];
        skip[slot - base] = root;
        slot = next;
    }
    return root;
}

template <unsigned W>
template <class Take>
sc_core::sc_time ChannelMemory<W>::fill(Calendar& cal, const sc_core::sc_time& arrival, double bytes, Take&& take) {
    // The request starts at its arrival, within its first slot, and fills
    // the free capacity of the slots from there on.
    std::uint64_t slot = std::max(std::uint64_t(arrival / slot_), base_);
    double position = (arrival - slot_ * double(slot)) / slot_ * slot_bytes_;  // bytes into the slot
    if (position < 0) position = 0;
    double left = bytes;
    for (;;) {
        const std::uint64_t open = cal.first_open(base_, slot);
        if (open != slot) position = 0;
        slot = open;
        if (slot - base_ >= all_.level.size()) {  // both calendars always cover the same slots
            // Some slots ahead at once: empty slots book nothing, and a request runs on through them.
            reads_.extend(base_, slot + kExtendAhead);
            all_.extend(base_, slot + kExtendAhead);
        }
        double& b = cal.level[slot - base_];
        const double start = std::max(b, position);
        const double free = slot_bytes_ - start;
        if (free >= left) {
            b = start + left;
            if (b >= slot_bytes_ * (1 - 1e-12)) cal.skip[slot - base_] = slot + 1;
            take(slot, left);
            return slot_ * (double(slot) + b / slot_bytes_);
        }
        if (free > 0) {
            left -= free;
            take(slot, free);
        }
        b = slot_bytes_;
        cal.skip[slot - base_] = slot + 1;
        ++slot;
        position = 0;
    }
}

template <unsigned W>
sc_core::sc_time ChannelMemory<W>::book(const sc_core::sc_time& arrival, std::uint64_t bytes, bool write) {
    // Slots before the present take no more requests: drop them.
    const std::uint64_t now_slot = std::uint64_t(sc_core::sc_time_stamp() / slot_);
    if (base_ < now_slot && !all_.level.empty()) {
        const std::size_t gone = std::size_t(std::min<std::uint64_t>(now_slot - base_, all_.level.size()));
        all_.drop_front(gone);
        reads_.drop_front(gone);
        base_ += gone;
    }
    if (all_.level.empty()) base_ = std::max(base_, now_slot);
    if (write) return fill(all_, arrival, double(bytes), [](std::uint64_t, double) {});
    // A read sees only the reads before it: the write bytes it meets in a
    // slot move on to the channel's next free time.
    double displaced = 0;
    std::uint64_t first_displaced = 0;
    const sc_core::sc_time done = fill(reads_, arrival, double(bytes), [&](std::uint64_t slot, double amount) {
        double& all = all_.level[slot - base_];
        all += amount;
        if (all > slot_bytes_ * (1 - 1e-12)) {
            if (all > slot_bytes_ && displaced == 0) first_displaced = slot;
            displaced += std::max(0.0, all - slot_bytes_);
            all = slot_bytes_;
            all_.skip[slot - base_] = slot + 1;
        }
    });
    if (displaced > 0) fill(all_, slot_ * double(first_displaced), displaced, [](std::uint64_t, double) {});
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
