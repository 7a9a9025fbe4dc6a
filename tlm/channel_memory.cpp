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
      slot_bytes_(4.0 * bandwidth_gbps), full_bytes_(slot_bytes_ * (1 - 1e-12)), slot_(4.0, sc_core::SC_NS),
      calendar_(1024) {
    socket.register_b_transport(this, &ChannelMemory::b_transport);
    socket.register_transport_dbg(this, &ChannelMemory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &ChannelMemory::get_direct_mem_ptr);
}

template <unsigned W>
unsigned char* ChannelMemory<W>::page(std::uint64_t index, bool allocate) {
    if (index == last_page_index_) return last_page_;
    const auto it = pages_->find(index);
    unsigned char* p = nullptr;
    if (it != pages_->end()) {
        p = it->second.get();
    } else if (allocate) {
        p = static_cast<unsigned char*>(std::calloc(kPageBytes, 1));
        if (!p) throw std::bad_alloc();
        (*pages_)[index].reset(p);
    }
    // An absent page is not remembered: another channel sharing the storage may write it.
    if (p) last_page_index_ = index, last_page_ = p;
    return p;
}

template <unsigned W>
void ChannelMemory<W>::copy(std::uint64_t address, unsigned char* data, std::uint64_t n, bool write) {
    while (n) {
        const std::uint64_t offset = address % kPageBytes;
        const std::uint64_t chunk = std::min(n, kPageBytes - offset);
        unsigned char* p = page(address / kPageBytes, write);
        if (write) std::memcpy(p + offset, data, chunk);
        else if (p) std::memcpy(data, p + offset, chunk);
        else std::memset(data, 0, chunk);  // never written: zeros, without allocating
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

    const sc_core::sc_time moved = book(sc_core::sc_time_stamp() + delay, length);
    busy_ += per_byte_ * double(length);
    delay = moved + latency_ - sc_core::sc_time_stamp();
    trans.set_dmi_allowed(true);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

template <unsigned W>
void ChannelMemory<W>::reserve_to(std::uint64_t slot) {
    if (slot - base_ < calendar_.size()) return;
    // Outgrown: a ring twice (or more) as large, each booked slot at its new place.
    std::size_t size = calendar_.size() * 2;
    while (slot - base_ >= size) size *= 2;
    std::vector<Slot> larger(size);
    for (std::uint64_t s = base_; s < end_; ++s) larger[s & (size - 1)] = at(s);
    calendar_.swap(larger);
}

template <unsigned W>
std::uint64_t ChannelMemory<W>::first_open(std::uint64_t slot) {
    if (slot < full_to_) slot = full_to_;
    // A full slot points to a later one; follow, then shorten the path behind.
    std::uint64_t root = slot;
    while (root < end_ && at(root).skip != root) root = at(root).skip;
    while (slot != root && slot < end_) {
        Slot& s = at(slot);
        slot = s.skip;
        s.skip = root;
    }
    return root;
}

template <unsigned W>
sc_core::sc_time ChannelMemory<W>::book(const sc_core::sc_time& arrival, std::uint64_t bytes) {
    // Slots before the present take no more requests: drop them.
    const std::uint64_t now_slot = std::uint64_t(sc_core::sc_time_stamp() / slot_);
    if (base_ < now_slot) {
        base_ = now_slot;
        end_ = std::max(end_, base_);
        full_to_ = std::max(full_to_, base_);
    }
    // The request starts at its arrival, within its first slot, and fills
    // the free capacity of the slots from there on.
    std::uint64_t slot = std::max(std::uint64_t(arrival / slot_), base_);
    double position = (arrival - slot_ * double(slot)) / slot_ * slot_bytes_;  // bytes into the slot
    if (position < 0) position = 0;
    double left = double(bytes);
    sc_core::sc_time done;
    for (;;) {
        const std::uint64_t open = first_open(slot);
        if (open != slot) position = 0;
        slot = open;
        if (slot >= end_) {
            done = book_fresh(slot, position, left);
            break;
        }
        Slot& s = at(slot);
        const double start = std::max(s.booked, position);
        const double free = slot_bytes_ - start;
        if (free >= left) {
            s.booked = start + left;
            if (s.booked >= full_bytes_) s.skip = slot + 1;
            done = slot_ * (double(slot) + s.booked / slot_bytes_);
            break;
        }
        if (free > 0) left -= free;
        s.booked = slot_bytes_;
        s.skip = slot + 1;
        ++slot;
        position = 0;
    }
    while (full_to_ < end_ && at(full_to_).skip != full_to_) ++full_to_;
    return done;
}

template <unsigned W>
sc_core::sc_time ChannelMemory<W>::book_fresh(std::uint64_t slot, double position, double left) {
    // The same filling as in book(), on empty slots: count the slots the
    // request fills up, then write them into the calendar at once.
    std::uint64_t last = slot;
    double start = std::max(0.0, position);
    for (;;) {
        const double free = slot_bytes_ - start;
        if (free >= left) break;
        if (free > 0) left -= free;
        ++last;
        start = 0.0;
    }
    const double booked = start + left;
    reserve_to(last);
    for (; end_ < slot; ++end_) at(end_) = {0.0, end_};
    for (; end_ < last; ++end_) at(end_) = {slot_bytes_, end_ + 1};
    at(last) = {booked, booked >= full_bytes_ ? last + 1 : last};
    end_ = last + 1;
    return slot_ * (double(last) + booked / slot_bytes_);
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
