#pragma once
// Off-chip memory behind one channel, for running the accelerator without a
// user's memory model: a sparse byte store (pages allocated on first write;
// untouched memory reads as zero) and the channel's timing.
//
// Timing (loosely timed): the channel moves at most `bandwidth` bytes per unit
// of time. It keeps a calendar of how many bytes it moves in each short slot
// of time (a few nanoseconds): a request arriving at t (simulation time plus
// the annotated delay) fills the free capacity of the slots from t on, and
// its data is there `latency` after its last byte. Requests of different
// initiators sharing a channel therefore slow each other down by the time the
// channel is busy; and because the calendar can still be filled before a
// later-dated request, temporally decoupled initiators that run ahead of one
// another do not leave the channel idle.
//
// Reads go before writes, as a memory controller with a write buffer serves
// them: a read fills the capacity that other reads left, and the write bytes
// it meets there move on to the channel's next free time. Nothing waits on a
// posted write but a barrier, while a tile waits on its read; a write's
// completion is the one it was given when it was booked (a later read that
// pushes it back does not revise it).
//
// Base protocol: reads and writes with byte enables and streaming width;
// TLM_ADDRESS_ERROR_RESPONSE outside [0, size); TLM_BURST_ERROR_RESPONSE for a
// transfer longer than the channel's burst limit; transport_dbg without time;
// DMI granted page by page (latencies annotated from the bandwidth), and
// withdrawn with invalidate_direct_mem_ptr when asked to. A transaction
// carrying a TimingOnlyExtension is timed and counted but moves no bytes.

#include <array>
#include <map>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace planaria {

template <unsigned BUSWIDTH = 32>
class ChannelMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<ChannelMemory, BUSWIDTH> socket;

    /// `burst_limit_bytes` 0: no limit.
    ChannelMemory(sc_core::sc_module_name name, std::uint64_t size_bytes, double bandwidth_gbps, double latency_ns,
                  unsigned burst_limit_bytes = 0);

    std::uint64_t size() const { return size_; }
    std::uint64_t bytes_read() const { return bytes_read_; }
    std::uint64_t bytes_written() const { return bytes_written_; }
    /// Time the channel has spent transferring.
    const sc_core::sc_time& busy_time() const { return busy_; }
    /// Withdraws every DMI pointer granted so far (e.g. before reloading data).
    void invalidate_all();
    /// Backdoor initialisation (a loader filling memory before the run): no
    /// time, no traffic counted. Throws std::out_of_range beyond the memory.
    void load(std::uint64_t address, const void* data, std::uint64_t bytes);
    /// Backdoor read (a loader checking results): no time, no traffic counted.
    void peek(std::uint64_t address, void* data, std::uint64_t bytes);
    /// Serves the same bytes as `other` from now on (channels that are views of
    /// one address space, each with its own bandwidth); call before any access.
    void share_storage(ChannelMemory& other) {
        store_ = other.store_;
        recent_ = {};
    }

    static constexpr std::uint64_t kPageBytes = 1 << 20;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

    unsigned char* page(std::uint64_t index, bool allocate);
    /// Copies between `data` and memory at [address, address + n), across pages.
    void copy(std::uint64_t address, unsigned char* data, std::uint64_t n, bool write);

    std::uint64_t size_;
    sc_core::sc_time per_byte_, latency_;
    unsigned burst_limit_;
    /// The pages, and how many were ever allocated (channels sharing the
    /// store see each other's new pages by it).
    struct Store {
        std::map<std::uint64_t, std::unique_ptr<unsigned char[]>> pages;
        std::uint64_t allocations = 0;
    };
    std::shared_ptr<Store> store_ = std::make_shared<Store>();
    /// The pages accesses found lately, present or absent (a lookup in the
    /// map showed in the profile; initiators walk a few regions in order).
    /// An absent one is known absent while no page has been allocated since.
    struct RecentPage {
        std::uint64_t index = ~std::uint64_t(0);
        unsigned char* page = nullptr;
        std::uint64_t allocations = 0;
    };
    std::array<RecentPage, 64> recent_{};
    /// Books `bytes` from `arrival` on; returns when the last byte has moved.
    sc_core::sc_time book(const sc_core::sc_time& arrival, std::uint64_t bytes, bool write);

    /// A queue of slots indexed from its front: a ring of power-of-two
    /// capacity (the calendar is indexed on every slot a request fills, and
    /// a deque's indexing showed in the profile).
    template <class T>
    class SlotRing {
    public:
        std::size_t size() const { return size_; }
        bool empty() const { return size_ == 0; }
        T& operator[](std::size_t i) { return ring_[(head_ + i) & (ring_.size() - 1)]; }
        const T& operator[](std::size_t i) const { return ring_[(head_ + i) & (ring_.size() - 1)]; }
        void push_back(T v) {
            if (size_ == ring_.size()) grow();
            ring_[(head_ + size_++) & (ring_.size() - 1)] = v;
        }
        /// Drops the first `n` slots (n <= size()).
        void pop_front(std::size_t n = 1) {
            head_ = (head_ + n) & (ring_.size() - 1);
            size_ -= n;
        }

    private:
        void grow() {
            std::vector<T> bigger(ring_.empty() ? 64 : 2 * ring_.size());
            for (std::size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
            ring_.swap(bigger);
            head_ = 0;
        }
        std::vector<T> ring_;
        std::size_t head_ = 0, size_ = 0;
    };
    /// One slot of the two calendars: the bytes booked in it (a fill level)
    /// by the reads alone and by reads and writes.
    enum Calendar { kReads = 0, kAll = 1 };
    struct Slot {
        double level[2];
    };
    SlotRing<Slot> slots_;  ///< from base_ on
    /// Which slots of each calendar are full: a bit per slot, word w for
    /// slots 64w to 64w + 63, from word_base_ on. The search for an open
    /// slot passes 64 full ones at a time: a busy channel is full behind its
    /// latest booking, and the requests of its other initiators arrive there.
    SlotRing<std::uint64_t> full_[2];
    std::uint64_t word_base_ = 0;
    /// Empty slots up to `slot` at least.
    void extend(std::uint64_t slot);
    /// Drops the slots before `slot` (simulation time has passed them).
    void drop_before(std::uint64_t slot);
    void mark_full(Calendar cal, std::uint64_t slot) { full_[cal][(slot >> 6) - word_base_] |= std::uint64_t(1) << (slot & 63); }
    /// The first slot at or after `slot` with capacity left in `cal`.
    std::uint64_t first_open(Calendar cal, std::uint64_t slot);
    /// Fills `cal` from `arrival` on; `take(the slot, its index, bytes)` for each slot's share.
    template <class Take>
    sc_core::sc_time fill(Calendar cal, const sc_core::sc_time& arrival, double bytes, Take&& take);

    double slot_bytes_;                ///< capacity of one calendar slot
    sc_core::sc_time slot_;            ///< length of one calendar slot
    std::uint64_t base_ = 0;           ///< slot index of the calendars' first slot
    sc_core::sc_time busy_ = sc_core::SC_ZERO_TIME;
    std::uint64_t bytes_read_ = 0, bytes_written_ = 0;
    bool dmi_granted_ = false;
};

}  // namespace planaria
