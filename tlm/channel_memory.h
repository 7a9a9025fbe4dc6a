#pragma once
// Off-chip memory behind one channel, for running the accelerator without a
// user's memory model: a sparse byte store (pages allocated on first write;
// untouched memory reads as zero) and the channel's timing.
//
// Timing (loosely timed): the channel serves one request after another. A
// request arriving at t (simulation time plus the annotated delay) starts when
// the channel is free, occupies it for bytes / bandwidth, and its data is
// there `latency` later. Requests of different initiators sharing a channel
// therefore slow each other down by exactly the time the channel is busy.
//
// Base protocol: reads and writes with byte enables and streaming width;
// TLM_ADDRESS_ERROR_RESPONSE outside [0, size); TLM_BURST_ERROR_RESPONSE for a
// transfer longer than the channel's burst limit; transport_dbg without time;
// DMI granted page by page (latencies annotated from the bandwidth), and
// withdrawn with invalidate_direct_mem_ptr when asked to.

#include <map>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace planaria {

class ChannelMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<ChannelMemory> socket;

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
    std::map<std::uint64_t, std::unique_ptr<unsigned char[]>> pages_;
    sc_core::sc_time free_at_ = sc_core::SC_ZERO_TIME, busy_ = sc_core::SC_ZERO_TIME;
    std::uint64_t bytes_read_ = 0, bytes_written_ = 0;
    bool dmi_granted_ = false;
};

}  // namespace planaria
