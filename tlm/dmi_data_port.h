#pragma once
// A DataPort over a TLM-2.0 initiator socket: direct memory access where the
// target grants it (regions cached until the target invalidates them),
// debug transport elsewhere. Neither takes simulated time.

#include <algorithm>
#include <cstring>
#include <vector>

#include <tlm>

#include "tlm/data_port.h"

namespace planaria {

template <typename Socket>
class DmiDataPort final : public DataPort {
public:
    explicit DmiDataPort(Socket& socket) : socket_(socket) {}

    bool read(std::uint64_t address, void* data, std::uint64_t bytes) override {
        return access(tlm::TLM_READ_COMMAND, address, static_cast<unsigned char*>(data), bytes);
    }
    bool write(std::uint64_t address, const void* data, std::uint64_t bytes) override {
        return access(tlm::TLM_WRITE_COMMAND, address, static_cast<unsigned char*>(const_cast<void*>(data)), bytes);
    }
    /// The target's invalidate_direct_mem_ptr: forget every region overlapping [start, end].
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
        regions_.erase(std::remove_if(regions_.begin(), regions_.end(),
                                      [&](const tlm::tlm_dmi& r) {
                                          return r.get_start_address() <= end && start <= r.get_end_address();
                                      }),
                       regions_.end());
        refused_.clear();
        refused_all_ = false;
    }
    std::size_t cached_regions() const { return regions_.size(); }

private:
    /// The cached region holding `address` with permission for `cmd`, asking
    /// the target when none does; nullptr: use debug transport.
    const tlm::tlm_dmi* region(tlm::tlm_command cmd, std::uint64_t address) {
        const auto allowed = [&](const tlm::tlm_dmi& r) {
            return r.get_start_address() <= address && address <= r.get_end_address() &&
                   (cmd == tlm::TLM_READ_COMMAND ? r.is_read_allowed() : r.is_write_allowed());
        };
        for (const auto& r : regions_)
            if (allowed(r)) return &r;
        const auto inside = [&](const tlm::tlm_dmi& r) {
            return r.get_start_address() <= address && address <= r.get_end_address();
        };
        if (refused_all_ || std::any_of(refused_.begin(), refused_.end(), inside)) return nullptr;
        tlm::tlm_generic_payload probe;
        probe.set_command(cmd);
        probe.set_address(address);
        tlm::tlm_dmi dmi;
        if (!socket_->get_direct_mem_ptr(probe, dmi) || !dmi.get_dmi_ptr() || !allowed(dmi)) {
            // Not asked again for the range the target names (until it invalidates
            // something); a refusal naming no range holding the address stands for all.
            if (inside(dmi) && refused_.size() < kMaxRefusals) refused_.push_back(dmi);
            else refused_all_ = true;
            return nullptr;
        }
        regions_.push_back(dmi);
        return &regions_.back();
    }

    bool access(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, std::uint64_t bytes) {
        while (bytes) {
            const tlm::tlm_dmi* r = region(cmd, address);
            if (r) {
                const std::uint64_t span = std::min<std::uint64_t>(bytes, r->get_end_address() - address + 1);
                unsigned char* p = r->get_dmi_ptr() + (address - r->get_start_address());
                if (cmd == tlm::TLM_READ_COMMAND) std::memcpy(data, p, span);
                else std::memcpy(p, data, span);
                address += span, data += span, bytes -= span;
                continue;
            }
            tlm::tlm_generic_payload t;
            t.set_command(cmd);
            t.set_address(address);
            t.set_data_ptr(data);
            t.set_data_length(unsigned(bytes));
            t.set_streaming_width(unsigned(bytes));
            t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            return socket_->transport_dbg(t) == bytes;
        }
        return true;
    }

    Socket& socket_;
    static constexpr std::size_t kMaxRefusals = 64;
    std::vector<tlm::tlm_dmi> regions_, refused_;
    bool refused_all_ = false;
};

}  // namespace planaria
