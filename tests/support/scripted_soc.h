#pragma once
// The accelerator in a small SoC whose off-chip memory the test scripts: a
// register host on Accelerator.host and one ScriptedMemory per channel, all
// sharing one sparse address space. Each ScriptedMemory logs every
// transaction it sees and can grant, restrict or refuse DMI and answer
// chosen address ranges with error responses.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hw/accelerator/accelerator.h"
#include "hw/isa/instruction.h"
#include "support/tlm_test_host.h"
#include "tlm/register_map.h"
#include "tlm/tenant_extension.h"

namespace planaria::test {

/// One sparse address space, shared by the targets of all channels (as the
/// channels of one DRAM are), in pages of host memory that a test may
/// replace (a target moving its storage after invalidating its pointers).
struct Storage {
    static constexpr std::uint64_t kPage = 64 * 1024;
    using Page = std::shared_ptr<std::vector<unsigned char>>;
    std::map<std::uint64_t, Page> pages;
    std::vector<Page> old;  ///< buffers moved away from (see move_and_scramble)

    unsigned char* page(std::uint64_t index) {
        Page& p = pages[index];
        if (!p) p = std::make_shared<std::vector<unsigned char>>(kPage, 0);
        return p->data();
    }
    void copy(std::uint64_t address, unsigned char* data, std::uint64_t n, bool write) {
        while (n) {
            const std::uint64_t offset = address % kPage;
            const std::uint64_t chunk = std::min(n, kPage - offset);
            unsigned char* p = page(address / kPage) + offset;
            if (write) std::memcpy(p, data, chunk);
            else std::memcpy(data, p, chunk);
            address += chunk, data += chunk, n -= chunk;
        }
    }
    void load(std::uint64_t address, const void* data, std::uint64_t n) {
        copy(address, static_cast<unsigned char*>(const_cast<void*>(data)), n, true);
    }
    /// Every page moves to a new buffer with the same contents; the old
    /// buffers stay allocated but are overwritten with garbage, so that any
    /// access through a pointer granted before shows in the results.
    void move_and_scramble() {
        for (auto& [index, p] : pages) {
            Page fresh = std::make_shared<std::vector<unsigned char>>(*p);
            std::fill(p->begin(), p->end(), 0xA5);
            old.push_back(p);
            p = fresh;
        }
    }
    std::vector<std::int16_t> values(std::uint64_t address, std::uint64_t count) {
        std::vector<std::int16_t> v(count);
        copy(address, reinterpret_cast<unsigned char*>(v.data()), count * 2, false);
        return v;
    }
};

struct ScriptedMemory : sc_core::sc_module {
    tlm_utils::simple_target_socket<ScriptedMemory, 32> socket{"socket"};

    enum class Dmi { Grant, ReadOnly, Refuse };
    struct Fault {
        std::uint64_t begin, end;  ///< [begin, end)
        tlm::tlm_response_status status;
    };
    struct Access {
        tlm::tlm_command command;
        std::uint64_t address;
        unsigned length, streaming_width;
        bool byte_enables, data, tagged;
        std::uint32_t tenant;
        sc_core::sc_time at;  ///< simulation time plus annotation on arrival
    };

    Storage& storage;
    Dmi dmi = Dmi::Grant;
    std::vector<Fault> faults;
    std::vector<Access> log;
    unsigned dmi_requests = 0, dmi_grants = 0, debug_reads = 0, debug_writes = 0;

    ScriptedMemory(sc_core::sc_module_name n, Storage& s) : sc_module(n), storage(s) {
        socket.register_b_transport(this, &ScriptedMemory::b_transport);
        socket.register_transport_dbg(this, &ScriptedMemory::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &ScriptedMemory::get_direct_mem_ptr);
    }

    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        const auto* ext = t.get_extension<TenantExtension>();
        log.push_back({t.get_command(), t.get_address(), t.get_data_length(), t.get_streaming_width(),
                       t.get_byte_enable_ptr() != nullptr, t.get_data_ptr() != nullptr, ext != nullptr,
                       ext ? ext->tenant : 0u, sc_core::sc_time_stamp() + delay});
        const std::uint64_t a = t.get_address(), end = a + t.get_data_length();
        for (const Fault& f : faults)
            if (a < f.end && f.begin < end) {
                t.set_response_status(f.status);
                return;
            }
        if (t.get_byte_enable_ptr() || t.get_streaming_width() != t.get_data_length() || !t.get_data_ptr()) {
            t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // the accelerator never sends these
            return;
        }
        if (t.is_read() || t.is_write()) storage.copy(a, t.get_data_ptr(), t.get_data_length(), t.is_write());
        delay += sc_core::sc_time(10, sc_core::SC_NS);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& t) {
        (t.is_read() ? debug_reads : debug_writes)++;
        storage.copy(t.get_address(), t.get_data_ptr(), t.get_data_length(), t.is_write());
        return t.get_data_length();
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
        ++dmi_requests;
        if (dmi == Dmi::Refuse) {
            d.allow_none();
            d.set_start_address(0);
            d.set_end_address(~sc_dt::uint64(0));
            return false;
        }
        ++dmi_grants;
        const std::uint64_t index = t.get_address() / Storage::kPage;
        d.set_dmi_ptr(storage.page(index));
        d.set_start_address(index * Storage::kPage);
        d.set_end_address((index + 1) * Storage::kPage - 1);
        if (dmi == Dmi::Grant) d.allow_read_write();
        else d.allow_read();
        d.set_read_latency(sc_core::sc_time(10, sc_core::SC_NS));
        d.set_write_latency(sc_core::sc_time(10, sc_core::SC_NS));
        return true;
    }
    /// The target withdraws the pointers it granted for [start, end].
    void invalidate(std::uint64_t start, std::uint64_t end) { socket->invalidate_direct_mem_ptr(start, end); }

    std::vector<Access> in_range(std::uint64_t begin, std::uint64_t end) const {
        std::vector<Access> r;
        for (const Access& a : log)
            if (a.address >= begin && a.address < end) r.push_back(a);
        return r;
    }
};

/// The accelerator with a register host and one ScriptedMemory per channel.
struct Soc : sc_core::sc_module {
    ArchConfig cfg;
    Storage storage;
    TestHost host{"host"};
    Accelerator<32> accel;
    std::vector<std::unique_ptr<ScriptedMemory>> memories;
    sc_core::sc_signal<bool> irq{"irq"};

    explicit Soc(sc_core::sc_module_name n, const ArchConfig& c = ArchConfig{})
        : sc_module(n), cfg(c), accel("accelerator", cfg) {
        host.socket.bind(accel.host);
        accel.irq.bind(irq);
        for (unsigned ch = 0; ch < cfg.offchip.channels; ++ch) {
            memories.push_back(std::make_unique<ScriptedMemory>(("memory_" + std::to_string(ch)).c_str(), storage));
            accel.memory[ch].bind(memories.back()->socket);
        }
    }
    ScriptedMemory& memory_of(unsigned subarray) { return *memories[accel.channel_of(subarray)]; }

    void write(std::uint64_t address, std::uint32_t value) { REQUIRE(host.write(address, value) == tlm::TLM_OK_RESPONSE); }

    std::uint64_t load_program(std::uint64_t base, const std::vector<Instruction>& program) {
        const std::vector<std::uint8_t> bytes = encode_program(program);
        storage.load(base, bytes.data(), bytes.size());
        return (bytes.size() + 0xFFF) & ~0xFFFull;
    }
    /// Programs sequencer `s`: program base, tenant, data base, weights base
    /// (by default the data base) (ring() starts it).
    void start(unsigned s, std::uint64_t program, std::uint32_t tenant, std::uint64_t data = 0,
               std::optional<std::uint64_t> weights = std::nullopt) {
        write(regmap::sequencer(s, regmap::kSeqProgramLo), std::uint32_t(program));
        write(regmap::sequencer(s, regmap::kSeqProgramHi), std::uint32_t(program >> 32));
        write(regmap::sequencer(s, regmap::kSeqTenant), tenant);
        write(regmap::sequencer(s, regmap::kSeqDataLo), std::uint32_t(data));
        write(regmap::sequencer(s, regmap::kSeqDataHi), std::uint32_t(data >> 32));
        write(regmap::sequencer(s, regmap::kSeqWeightsLo), std::uint32_t(weights.value_or(data)));
        write(regmap::sequencer(s, regmap::kSeqWeightsHi), std::uint32_t(weights.value_or(data) >> 32));
    }
    void ring(unsigned s) { write(regmap::sequencer(s, regmap::kSeqDoorbell), 1); }
};

/// One tile on one subarray: weights, activations, compute, store (addresses relative to the data base).
inline std::vector<Instruction> one_tile(std::uint64_t weights, std::uint32_t weight_bytes,
                                         std::uint64_t activations, std::uint64_t output) {
    return {
        Instruction::of(Opcode::LayerBoundary, 0, 1),
        Instruction::of(Opcode::LoadWeights, weights, weight_bytes, 0),
        Instruction::of(Opcode::LoadActivations, activations, 20 * 32 * 2, 20),
        Instruction::of(Opcode::Compute, 20 | 32ull << 16 | 32ull << 32),
        Instruction::of(Opcode::Store, output, 20 * 32 * 2),
        Instruction::of(Opcode::End),
    };
}

}  // namespace planaria::test
