// Protocol tests of the model's TLM-2.0 sockets (base protocol: address
// errors, byte enables, burst limits, debug access, DMI and its
// invalidation), for what the other test files leave out:
//
//   Accelerator.memory[c]   seen from a target the test controls: burst
//                           limit, streaming width, no byte enables, tenant
//                           extension, channel routing, error responses,
//                           functional data by DMI (read-write, read-only) or
//                           debug transport, DMI invalidation between and
//                           during runs
//   Accelerator.host        byte enables, burst and streaming width, the gap
//                           between the two register blocks, ignore command,
//                           debug writes, timing annotation, DMI refusal
//   ProcessingElement / OmniDirectionalSubarray.weight_bus, RingBus,
//   PodMemory, PodCrossbar  (the datapath's sockets)
//   ChannelMemory           ignore command, DMI and debug beyond the memory
//
// Already covered elsewhere: reconfiguration_register_file_test (the register
// file's socket), channel_memory_test (ChannelMemory), accelerator_test
// (host: unmapped, misaligned, read-only, reserved bits, debug reads, DMI
// refused), systolic_datapath_test (PE debug access, PE DMI through the
// weight bus).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <tuple>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "hw/accelerator/accelerator.h"
#include "hw/config/arch_yaml.h"
#include "hw/pod/pod_crossbar.h"
#include "hw/pod/pod_memory.h"
#include "hw/ringbus/ring_bus.h"
#include "hw/subarray/omni_directional_subarray.h"
#include "sched/placement.h"
#include "support/tlm_test_host.h"
#include "testbench/functional_image.h"
#include "tlm/channel_memory.h"
#include "tlm/register_map.h"
#include "tlm/tenant_extension.h"

using namespace planaria;
using namespace planaria::regmap;
using planaria::test::TestHost;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// ---------------------------------------------------------------------------
// A memory for the accelerator's channel sockets that the test controls.
// ---------------------------------------------------------------------------

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
        sc_time at;  ///< simulation time plus annotation on arrival
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

    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
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
        delay += sc_time(10, SC_NS);
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
        d.set_read_latency(sc_time(10, SC_NS));
        d.set_write_latency(sc_time(10, SC_NS));
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
    /// Programs sequencer `s`: program base, tenant, data base (ring() starts it).
    void start(unsigned s, std::uint64_t program, std::uint32_t tenant, std::uint64_t data = 0) {
        write(sequencer(s, kSeqProgramLo), std::uint32_t(program));
        write(sequencer(s, kSeqProgramHi), std::uint32_t(program >> 32));
        write(sequencer(s, kSeqTenant), tenant);
        write(sequencer(s, kSeqDataLo), std::uint32_t(data));
        write(sequencer(s, kSeqDataHi), std::uint32_t(data >> 32));
    }
    void ring(unsigned s) { write(sequencer(s, kSeqDoorbell), 1); }
};

/// One tile on one subarray: weights, activations, compute, store (addresses relative to the data base).
std::vector<Instruction> one_tile(std::uint64_t weights, std::uint32_t weight_bytes, std::uint64_t activations,
                                  std::uint64_t output) {
    return {
        Instruction::of(Opcode::LayerBoundary, 0, 1),
        Instruction::of(Opcode::LoadWeights, weights, weight_bytes, 0),
        Instruction::of(Opcode::LoadActivations, activations, 20 * 32 * 2, 20),
        Instruction::of(Opcode::Compute, 20 | 32ull << 16 | 32ull << 32),
        Instruction::of(Opcode::Store, output, 20 * 32 * 2),
        Instruction::of(Opcode::End),
    };
}

/// Bursts of one transfer: contiguous from `begin`, `bytes` in all, each within the limit.
void check_transfer(const std::vector<ScriptedMemory::Access>& log, tlm::tlm_command cmd, std::uint64_t begin,
                    std::uint64_t bytes, unsigned burst) {
    std::uint64_t next = begin;
    for (const auto& a : log) {
        if (a.address < begin || a.address >= begin + bytes) continue;
        INFO("transfer at 0x" << std::hex << begin << ", burst at 0x" << a.address);
        CHECK(a.command == cmd);
        CHECK(a.address == next);
        CHECK(a.length <= burst);
        next = a.address + a.length;
    }
    CHECK(next == begin + bytes);
}

}  // namespace

// ---------------------------------------------------------------------------
// Accelerator.memory[c]: what the accelerator puts on its channels
// ---------------------------------------------------------------------------

TEST_CASE("protocol: accelerator channels: bursts within the limit tagged with the tenant on the right channel",
          "[protocol][accelerator]") {
    // A burst limit below the instruction buffer and transfers that are not
    // multiples of it, at addresses that are not aligned to it.
    const ArchConfig cfg = parse_arch("", "bursts", {ArchOverride::parse("offchip.burst_bytes=256")});
    Soc soc("soc", cfg);
    const unsigned a = 5, b = 12;  // pods 1 and 3: channels 1 and 3
    REQUIRE(soc.accel.channel_of(a) != soc.accel.channel_of(b));
    const std::uint64_t data_a = 0x1'0000'0000ull, data_b = 0x2'0000'0000ull;
    soc.load_program(0x40'0000, one_tile(0x10003, 1000, 0x20000, 0x30001));
    soc.load_program(0x50'0000, one_tile(0x10000, 32 * 32 * 2, 0x20000, 0x30000));
    soc.write(kIrqEnable, kIrqCompletion | kIrqError);
    soc.start(a, 0x40'0000, 0xC0FFEE, data_a);
    soc.start(b, 0x50'0000, 7, data_b);
    soc.ring(a);
    soc.ring(b);
    sc_core::sc_start();
    REQUIRE(soc.host.read(sequencer(a, kSeqStatus)) == kSeqStatusDone);
    REQUIRE(soc.host.read(sequencer(b, kSeqStatus)) == kSeqStatusDone);

    const auto& log_a = soc.memory_of(a).log;
    const auto& log_b = soc.memory_of(b).log;
    REQUIRE_FALSE(log_a.empty());
    REQUIRE_FALSE(log_b.empty());
    for (const auto* log : {&log_a, &log_b})
        for (const auto& t : *log) {
            INFO("transaction at 0x" << std::hex << t.address);
            CHECK(t.length > 0);
            CHECK(t.length <= cfg.offchip.burst_bytes);
            CHECK(t.streaming_width == t.length);
            CHECK_FALSE(t.byte_enables);
            CHECK(t.data);
            CHECK(t.tagged);
            CHECK(t.tenant == (log == &log_a ? 0xC0FFEEu : 7u));
        }
    // Each transfer is cut into consecutive bursts; data addresses are
    // relative to DATA, instruction fetch is not.
    const unsigned burst = cfg.offchip.burst_bytes;
    check_transfer(log_a, tlm::TLM_READ_COMMAND, data_a + 0x10003, 1000, burst);
    check_transfer(log_a, tlm::TLM_READ_COMMAND, data_a + 0x20000, 20 * 32 * 2, burst);
    check_transfer(log_a, tlm::TLM_WRITE_COMMAND, data_a + 0x30001, 20 * 32 * 2, burst);
    check_transfer(log_a, tlm::TLM_READ_COMMAND, 0x40'0000, cfg.instruction_buffer.bytes, burst);
    check_transfer(log_b, tlm::TLM_READ_COMMAND, data_b + 0x10000, 32 * 32 * 2, burst);
    check_transfer(log_b, tlm::TLM_READ_COMMAND, 0x50'0000, cfg.instruction_buffer.bytes, burst);
    // The other channels carry nothing.
    for (unsigned ch = 0; ch < cfg.offchip.channels; ++ch)
        if (ch != soc.accel.channel_of(a) && ch != soc.accel.channel_of(b)) CHECK(soc.memories[ch]->log.empty());
    // BYTES counts what crossed the channel.
    std::uint64_t moved = 0;
    for (const auto& t : log_a) moved += t.length;
    CHECK(soc.host.read(sequencer(a, kSeqBytesLo)) == moved);
}

TEST_CASE("protocol: accelerator channels: error responses stop the sequencer with a memory error and interrupt",
          "[protocol][accelerator]") {
    // Four sequencers on four channels, each meeting a different error
    // response in the second burst of a different kind of transfer.
    const ArchConfig cfg = parse_arch("", "bursts", {ArchOverride::parse("offchip.burst_bytes=256")});
    Soc soc("soc", cfg);
    struct Case {
        unsigned subarray;
        tlm::tlm_response_status status;
        std::uint64_t transfer;  ///< relative to the data base
    };
    const std::vector<Case> cases = {
        {0, tlm::TLM_ADDRESS_ERROR_RESPONSE, 0x10000},   // weights
        {4, tlm::TLM_BURST_ERROR_RESPONSE, 0x30000},     // store
        {8, tlm::TLM_GENERIC_ERROR_RESPONSE, 0x20000},   // activations
        {12, tlm::TLM_COMMAND_ERROR_RESPONSE, 0x30000},  // store
    };
    soc.write(kIrqEnable, kIrqError);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        const std::uint64_t data = (i + 1) * 0x100'0000ull, program = 0x40'0000 + i * 0x1'0000;
        const std::uint64_t second = data + c.transfer + cfg.offchip.burst_bytes;
        soc.memory_of(c.subarray).faults.push_back({second, second + 0x1000, c.status});
        soc.load_program(program, one_tile(0x10000, 2048, 0x20000, 0x30000));
        soc.start(c.subarray, program, unsigned(i + 1), data);
        soc.ring(c.subarray);
    }
    sc_core::sc_start();  // returns: nothing hangs
    CHECK(soc.irq.read());
    CHECK(soc.host.read(kIrqStatus) & kIrqError);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        INFO("sequencer " << c.subarray);
        CHECK(soc.host.read(sequencer(c.subarray, kSeqError)) == kSeqErrorMemory);
        const std::uint32_t status = soc.host.read(sequencer(c.subarray, kSeqStatus));
        CHECK(status & kSeqStatusError);
        CHECK_FALSE(status & kSeqStatusBusy);
        CHECK_FALSE(status & kSeqStatusDone);
        // The transfer stops at its first refused burst: one burst served, one refused.
        const std::uint64_t data = (i + 1) * 0x100'0000ull;
        CHECK(soc.memory_of(c.subarray).in_range(data + c.transfer, data + c.transfer + 0x1'0000).size() == 2);
    }
}

// Running into instructions the memory refused to deliver is a memory error,
// not an unknown instruction.
TEST_CASE("protocol: accelerator channels: an instruction fetch refused by the memory is a memory error",
          "[protocol][accelerator]") {
    // Register map: ERROR 2 = "a fetch, load or store got an error response".
    Soc soc("soc");
    soc.write(kIrqEnable, kIrqError);
    soc.memory_of(0).faults.push_back({0x40'0000, 0x50'0000, tlm::TLM_ADDRESS_ERROR_RESPONSE});
    soc.start(0, 0x40'0000, 1);
    soc.ring(0);
    sc_core::sc_start();
    CHECK(soc.irq.read());
    CHECK(soc.host.read(sequencer(0, kSeqStatus)) & kSeqStatusError);
    CHECK(soc.host.read(sequencer(0, kSeqError)) == kSeqErrorMemory);
}

TEST_CASE("protocol: accelerator channels: a program ending where memory ends is not an error",
          "[protocol][accelerator]") {
    // The prefetch of the next instruction buffer-full runs into refused
    // addresses; the program itself is complete.
    Soc soc("soc");
    const std::uint64_t program = 0x40'0000;
    soc.load_program(program, one_tile(0x10000, 2048, 0x20000, 0x30000));
    const std::uint64_t end = program + soc.cfg.instruction_buffer.bytes;
    soc.memory_of(0).faults.push_back({end, end + 0x10'0000, tlm::TLM_ADDRESS_ERROR_RESPONSE});
    soc.start(0, program, 1, 0x100'0000);
    soc.ring(0);
    sc_core::sc_start();
    CHECK(soc.host.read(sequencer(0, kSeqStatus)) == kSeqStatusDone);
    CHECK(soc.host.read(sequencer(0, kSeqError)) == kSeqErrorNone);
}

// ---------------------------------------------------------------------------
// Functional data through the channel sockets: DMI, debug transport, invalidation
// ---------------------------------------------------------------------------

namespace {

// Convolution, ReLU (fused), depth-wise convolution, biased 1x1
// convolution, pooling and a classifier: a run takes milliseconds.
const char* kTinyModel = R"(
format: planaria-model/1
name: Tiny
key: tiny
source: test
inputs:
  - {name: image, shape: [16, 8, 8]}
layers:
  - {name: conv, type: conv, out_channels: 32, kernel: 3, padding: 1}
  - {name: conv_relu, type: relu}
  - {name: dw, type: depthwise_conv, kernel: 3, stride: 2, padding: 1}
  - {name: pw, type: conv, out_channels: 24, kernel: 1, bias: true}
  - {name: gap, type: global_avgpool}
  - {name: fc, type: fc, out_features: 40}
)";

constexpr unsigned kSubarrays = 8;  // pods 0 and 1: two channels
constexpr std::uint64_t kProgramBase = 0x7F'0000'0000ull;
constexpr std::uint64_t kDataBase = 0x3'0000'0000ull;

struct TinyJob {
    Model model = parse_model(kTinyModel, "tiny.yaml");
    Bundle bundle = Compiler(ArchConfig{}, {Objective::Cycles, kSubarrays, true}).compile(model);
    ModelParameters params = random_parameters(model, 5);
    std::vector<LayerWork> work = lower(model);

    struct Data {
        std::vector<Tensor> reference;
        FunctionalImage image;
    };
    Data data(std::uint64_t seed) const {
        const std::vector<Tensor> inputs = random_inputs(model, seed);
        return {run_reference(model, params, inputs), functional_image(model, params, inputs)};
    }
    bool stored(std::size_t layer) const { return !(layer + 1 < work.size() && work[layer + 1].fused); }
};

/// Loads the job's programs and data and rings its doorbells (tenant 1, data at kDataBase).
void launch(Soc& soc, const TinyJob& job, const TinyJob::Data& data) {
    const auto region = job_region(soc.accel.registers().floorplan(), kSubarrays, 0);
    const auto& programs = job.bundle.per_k[kSubarrays - 1].programs;
    REQUIRE(programs.size() == region.size());
    std::uint64_t next = kProgramBase;
    for (std::size_t p = 0; p < programs.size(); ++p) {
        const std::uint64_t base = next;
        next += soc.load_program(base, programs[p].instructions);
        soc.start(region[p], base, 1, kDataBase);
    }
    for (const MemoryBlock& b : data.image.blocks)
        soc.storage.load(kDataBase + b.address, b.values.data(), b.values.size() * 2);
    soc.write(kIrqEnable, kIrqCompletion | kIrqError);
    for (unsigned s : region) soc.ring(s);
}

/// The job finished without error and every tensor it stored equals the reference.
void check_results(Soc& soc, const TinyJob& job, const TinyJob::Data& data) {
    const auto region = job_region(soc.accel.registers().floorplan(), kSubarrays, 0);
    std::uint64_t mask = 0;
    for (unsigned s : region) {
        INFO("sequencer " << s);
        CHECK(soc.host.read(sequencer(s, kSeqError)) == kSeqErrorNone);
        mask |= 1ull << s;
    }
    CHECK((soc.host.read(kDoneMask) & mask) == mask);
    CHECK(soc.host.read(kIrqStatus) == kIrqCompletion);
    unsigned compared = 0, nonzero = 0;
    for (std::size_t i = 0; i < job.model.layers.size(); ++i) {
        if (!job.stored(i)) continue;
        const Tensor& want = data.reference[i];
        const auto got = soc.storage.values(kDataBase + data.image.layout.outputs[i], want.data.size());
        INFO("layer " << job.model.layers[i].name);
        CHECK(got == want.data);
        ++compared;
        for (auto v : got) nonzero += v != 0;
    }
    CHECK(compared >= 4);
    CHECK(nonzero > 0);
}

}  // namespace

TEST_CASE("protocol: accelerator channels: functional data by DMI by debug transport and around read-only DMI",
          "[protocol][accelerator][functional]") {
    // Three chips in one simulation, the same job on each; their memories
    // grant DMI, grant it for reads only, or refuse it.
    const TinyJob job;
    const TinyJob::Data data = job.data(9);
    Soc granting("granting"), read_only("read_only"), refusing("refusing");
    for (auto& m : read_only.memories) m->dmi = ScriptedMemory::Dmi::ReadOnly;
    for (auto& m : refusing.memories) m->dmi = ScriptedMemory::Dmi::Refuse;
    for (Soc* soc : {&granting, &read_only, &refusing}) {
        soc->accel.enable_functional_data();
        launch(*soc, job, data);
    }
    sc_core::sc_start();
    const unsigned channels = 2;  // pods 0 and 1
    for (Soc* soc : {&granting, &read_only, &refusing}) {
        INFO(soc->name());
        check_results(*soc, job, data);
    }
    for (unsigned ch = 0; ch < channels; ++ch) {
        INFO("channel " << ch);
        // Granted: all data by DMI, no debug transport.
        CHECK(granting.memories[ch]->dmi_grants > 0);
        CHECK(granting.memories[ch]->debug_reads + granting.memories[ch]->debug_writes == 0);
        // Read-only DMI: reads through the pointer, writes by debug transport.
        CHECK(read_only.memories[ch]->dmi_grants > 0);
        CHECK(read_only.memories[ch]->debug_writes > 0);
        // Refused: all data by debug transport, and the refusal is remembered
        // (asked once per channel until an invalidation).
        CHECK(refusing.memories[ch]->dmi_requests == 1);
        CHECK(refusing.memories[ch]->debug_reads > 0);
        CHECK(refusing.memories[ch]->debug_writes > 0);
    }
    for (unsigned ch = channels; ch < 4; ++ch) CHECK(granting.memories[ch]->dmi_requests == 0);
    // The functional path takes no time: the timed traffic is the same
    // transactions at the same times whichever way the data moved (the
    // order of requests issued at the same time by different sequencers is
    // the simulator's, so compare them sorted).
    const auto timed = [](const ScriptedMemory& m) {
        std::vector<std::tuple<sc_time, std::uint64_t, unsigned, int, std::uint32_t>> v;
        for (const auto& a : m.log) v.emplace_back(a.at, a.address, a.length, int(a.command), a.tenant);
        std::sort(v.begin(), v.end());
        return v;
    };
    for (unsigned ch = 0; ch < channels; ++ch) {
        INFO("channel " << ch);
        CHECK(timed(*read_only.memories[ch]) == timed(*granting.memories[ch]));
        CHECK(timed(*refusing.memories[ch]) == timed(*granting.memories[ch]));
    }
    for (unsigned s : job_region(granting.accel.registers().floorplan(), kSubarrays, 0)) {
        CHECK(read_only.accel.sequencer(s).finished_at() == granting.accel.sequencer(s).finished_at());
        CHECK(refusing.accel.sequencer(s).finished_at() == granting.accel.sequencer(s).finished_at());
    }
}

TEST_CASE("protocol: accelerator channels: after a DMI invalidation the accelerator asks again and sees the new memory",
          "[protocol][accelerator][functional]") {
    const TinyJob job;
    const TinyJob::Data first = job.data(31), second = job.data(32);
    REQUIRE(first.reference.back().data != second.reference.back().data);
    Soc soc("soc");
    soc.accel.enable_functional_data();
    launch(soc, job, first);
    sc_core::sc_start();
    check_results(soc, job, first);
    std::vector<unsigned> requests;
    for (auto& m : soc.memories) requests.push_back(m->dmi_requests);
    REQUIRE(requests[0] > 0);
    REQUIRE(requests[1] > 0);

    // The memory moves every page to a new buffer (the old buffers keep the
    // first inference's data) and withdraws the pointers it granted; the
    // second inference's inputs go into the new buffers only.
    Storage before;
    before.pages = soc.storage.pages;  // the old buffers, still allocated
    soc.storage.pages.clear();
    for (auto& m : soc.memories) m->invalidate(0, ~sc_dt::uint64(0));
    soc.write(kIrqStatus, kIrqCompletion | kIrqError);
    soc.write(kDoneMask, 0xFFFF);
    launch(soc, job, second);
    sc_core::sc_start();
    // Stale pointers would have read the first inference's inputs and
    // written into the old buffers.
    check_results(soc, job, second);
    for (unsigned ch = 0; ch < 2; ++ch) CHECK(soc.memories[ch]->dmi_requests > requests[ch]);
    // The old buffers hold exactly what the first run left there: nothing
    // was written through a stale pointer.
    for (std::size_t i = 0; i < job.model.layers.size(); ++i) {
        if (!job.stored(i)) continue;
        INFO("layer " << job.model.layers[i].name);
        CHECK(before.values(kDataBase + first.image.layout.outputs[i], first.reference[i].data.size()) ==
              first.reference[i].data);
    }
}

TEST_CASE("protocol: accelerator channels: a DMI invalidation in the middle of a run takes effect at once",
          "[protocol][accelerator][functional]") {
    // While the tenant runs, the memory moves its storage and withdraws its
    // pointers; the old buffers are scrambled, so any read or write through
    // a pointer granted before the invalidation would corrupt the results.
    const TinyJob job;
    const TinyJob::Data data = job.data(41);
    Soc soc("soc");
    soc.accel.enable_functional_data();
    launch(soc, job, data);
    const auto region = job_region(soc.accel.registers().floorplan(), kSubarrays, 0);
    const auto granted = [&] { return soc.memories[0]->dmi_grants > 0 && soc.memories[1]->dmi_grants > 0; };
    for (int step = 0; step < 100000 && !granted(); ++step) sc_core::sc_start(sc_time(10, SC_NS));
    REQUIRE(granted());
    bool running = false;
    for (unsigned s : region) running = running || (soc.host.read(sequencer(s, kSeqStatus)) & kSeqStatusBusy);
    REQUIRE(running);
    std::vector<unsigned> requests;
    for (auto& m : soc.memories) requests.push_back(m->dmi_requests);
    soc.storage.move_and_scramble();
    for (auto& m : soc.memories) m->invalidate(0, ~sc_dt::uint64(0));
    sc_core::sc_start();
    check_results(soc, job, data);
    for (unsigned ch = 0; ch < 2; ++ch) CHECK(soc.memories[ch]->dmi_requests > requests[ch]);
}

// ---------------------------------------------------------------------------
// Accelerator.host: what accelerator_test does not cover
// ---------------------------------------------------------------------------

TEST_CASE("protocol: accelerator host: byte enables bursts streaming and holes get the standard responses",
          "[protocol][accelerator]") {
    Soc soc("soc");
    const std::uint64_t reg = sequencer(2, kSeqProgramLo);
    unsigned char data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    unsigned char enables[4] = {TLM_BYTE_ENABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED};
    for (std::uint64_t a : {reg, std::uint64_t(kIrqEnable), subarray_next(3)}) {
        INFO("register 0x" << std::hex << a);
        CHECK(soc.host.transact(tlm::TLM_WRITE_COMMAND, a, data, 4, enables) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        CHECK(soc.host.transact(tlm::TLM_READ_COMMAND, a, data, 4, enables) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        CHECK(soc.host.transact(tlm::TLM_READ_COMMAND, a, data, 8) == tlm::TLM_BURST_ERROR_RESPONSE);
        CHECK(soc.host.transact(tlm::TLM_WRITE_COMMAND, a, data, 2) == tlm::TLM_BURST_ERROR_RESPONSE);
        CHECK(soc.host.transact(tlm::TLM_WRITE_COMMAND, a, data, 8, nullptr, 4) == tlm::TLM_BURST_ERROR_RESPONSE);
        CHECK(soc.host.transact(tlm::TLM_IGNORE_COMMAND, a, data, 4) == tlm::TLM_OK_RESPONSE);
    }
    CHECK(soc.host.read(reg) == 0);  // nothing was written
    // The hole between the reconfiguration registers and the accelerator block.
    std::uint32_t v = 0;
    for (std::uint64_t a : {kReconfigurationEnd, std::uint64_t(0x600), kIrqStatus - 4})
        CHECK(soc.host.read(a, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(soc.host.read(sequencer(2, kSeqTenant) + 2, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("protocol: accelerator host: accesses take the register time and debug accesses none", "[protocol][accelerator]") {
    Soc soc("soc");
    const sc_time access(soc.cfg.host.register_access_cycles * soc.cfg.clock_period_ns(), SC_NS);
    soc.host.delay = sc_core::SC_ZERO_TIME;
    soc.host.read(sequencer(1, kSeqPc));
    CHECK(soc.host.delay == access);
    soc.write(sequencer(1, kSeqTenant), 3);
    CHECK(soc.host.delay == access * 2.0);
    std::vector<unsigned char> bytes(4 * 8, 0);
    CHECK(soc.host.debug(tlm::TLM_READ_COMMAND, sequencer(1, 0), bytes) == bytes.size());
    CHECK(soc.host.delay == access * 2.0);
    CHECK(bytes[kSeqTenant] == 3);
}

TEST_CASE("protocol: accelerator host: debug writes change state but never start anything", "[protocol][accelerator]") {
    Soc soc("soc");
    soc.load_program(0x40'0000, one_tile(0x10000, 2048, 0x20000, 0x30000));
    // A run of registers: PROGRAM_LO, PROGRAM_HI written; DOORBELL (a command) stops the run.
    std::vector<unsigned char> run(12, 0);
    run[2] = 0x40;  // 0x0040'0000
    run[8] = 1;
    CHECK(soc.host.debug(tlm::TLM_WRITE_COMMAND, sequencer(0, kSeqProgramLo), run) == 8);
    CHECK(soc.host.read(sequencer(0, kSeqProgramLo)) == 0x40'0000);
    std::vector<unsigned char> one = {1, 0, 0, 0};
    CHECK(soc.host.debug(tlm::TLM_WRITE_COMMAND, sequencer(0, kSeqDoorbell), one) == 0);
    CHECK(soc.host.debug(tlm::TLM_WRITE_COMMAND, sequencer(0, kSeqStatus), one) == 0);     // read-only
    CHECK(soc.host.debug(tlm::TLM_WRITE_COMMAND, kIrqStatus, one) == 0);                  // write-1-to-clear
    CHECK(soc.host.debug(tlm::TLM_WRITE_COMMAND, sequencer(0, kSeqProgramLo) + 1, one) == 0);  // misaligned
    sc_core::sc_start();
    CHECK(soc.host.read(sequencer(0, kSeqStatus)) == 0);
    CHECK(soc.memories[0]->log.empty());
    // The same doorbell over b_transport starts the program.
    soc.ring(0);
    sc_core::sc_start();
    CHECK(soc.host.read(sequencer(0, kSeqStatus)) == kSeqStatusDone);
}

TEST_CASE("protocol: accelerator host: DMI is refused for the whole register space", "[protocol][accelerator]") {
    Soc soc("soc");
    for (std::uint64_t a : {std::uint64_t(kId), std::uint64_t(sequencer(3, kSeqProgramLo))}) {
        tlm::tlm_generic_payload t;
        t.set_read();
        t.set_address(a);
        tlm::tlm_dmi dmi;
        CHECK_FALSE(soc.host.socket->get_direct_mem_ptr(t, dmi));
        CHECK(dmi.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
        CHECK(dmi.get_start_address() <= a);
        CHECK(dmi.get_end_address() >= sequencer(15, kSeqError));
    }
}

// ---------------------------------------------------------------------------
// The datapath's sockets
// ---------------------------------------------------------------------------

namespace {
std::int16_t le16(const unsigned char* p) { return std::int16_t(p[0] | p[1] << 8); }

/// A write whose byte-enable pattern (`be_length` bytes) repeats over the data.
tlm::tlm_response_status write_enabled(TestHost& host, std::uint64_t address, unsigned char* data, unsigned length,
                                       unsigned char* enables, unsigned be_length) {
    tlm::tlm_generic_payload t;
    t.set_write();
    t.set_address(address);
    t.set_data_ptr(data);
    t.set_data_length(length);
    t.set_streaming_width(length);
    t.set_byte_enable_ptr(enables);
    t.set_byte_enable_length(be_length);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    host.socket->b_transport(t, host.delay);
    return t.get_response_status();
}
}  // namespace

TEST_CASE("protocol: subarray weight bus: routing byte enables address errors debug DMI ranges and invalidation",
          "[protocol][pe]") {
    const ArchConfig cfg;
    OmniDirectionalSubarray sub("subarray", cfg, 0);
    TestHost host("host");
    host.socket.bind(sub.weight_bus);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    const std::uint64_t pe = sub.pe_address(1, 2), span = sub.pe_address(0, 1);
    const std::uint64_t weights = cfg.subarray.weight_buffer_bytes;
    // Byte enables (a pattern shorter than the data repeats).
    unsigned char data[4] = {0x11, 0x22, 0x33, 0x44};
    unsigned char enables[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
    CHECK(write_enabled(host, pe + 8, data, 4, enables, 2) == tlm::TLM_OK_RESPONSE);
    unsigned char back[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    CHECK(host.transact(tlm::TLM_READ_COMMAND, pe + 8, back, 4) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 4) == std::vector<unsigned char>{0x11, 0, 0x33, 0});
    // Only that PE's buffer changed; debug reads go through the bus too.
    std::vector<unsigned char> word(2);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, pe + 8, word) == 2);
    CHECK(le16(word.data()) == 0x11);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, sub.pe_address(1, 3) + 8, word) == 2);
    CHECK(le16(word.data()) == 0);
    // Address errors: past the last PE, across two PEs, between a PE's
    // registers and the next PE, and in a PE's read-only registers.
    CHECK(host.transact(tlm::TLM_READ_COMMAND, sub.weight_bus_span(), data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(host.transact(tlm::TLM_READ_COMMAND, pe + span - 2, data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(host.transact(tlm::TLM_READ_COMMAND, pe + weights + 12, data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(host.transact(tlm::TLM_WRITE_COMMAND, pe + weights, data, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, sub.weight_bus_span(), word) == 0);
    // DMI: granted on a weight buffer, refused on the registers, each range
    // in weight-bus addresses and containing the address asked for.
    tlm::tlm_generic_payload t;
    t.set_read();
    tlm::tlm_dmi dmi;
    t.set_address(pe + 8);
    REQUIRE(host.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_start_address() == pe);
    CHECK(dmi.get_end_address() == pe + weights - 1);
    CHECK(dmi.get_dmi_ptr()[8] == 0x11);
    CHECK(t.get_address() == pe + 8);
    tlm::tlm_dmi refused;
    t.set_address(pe + weights + 4);
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, refused));
    CHECK(refused.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
    CHECK(refused.get_start_address() <= pe + weights + 4);
    CHECK(refused.get_end_address() >= pe + weights + 4);
    CHECK(refused.get_end_address() < pe + span);
    t.set_address(sub.weight_bus_span());
    tlm::tlm_dmi beyond;
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, beyond));
    // A PE withdrawing its pointer reaches the initiator in weight-bus addresses.
    sub.pe(1, 2).socket->invalidate_direct_mem_ptr(0, weights - 1);
    CHECK(host.invalid_start == pe);
    CHECK(host.invalid_end == pe + weights - 1);
}

TEST_CASE("protocol: ring bus: debug reads of the pipeline registers only", "[protocol][ringbus]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    ActivationRingBus ring("ring", fp, cfg.ring_bus.pipeline_stages, cfg.subarray.rows, cfg.data.activation_bits);
    TestHost host("host");
    host.socket.bind(ring.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    const unsigned width = cfg.subarray.rows, link = 5, cycle = 20;
    ActivationEdge edge(width);
    for (unsigned i = 0; i < width; ++i) {
        edge.value[i] = Activation(int(i) * 3 - 7);
        edge.valid[i] = i % 2;
    }
    ring.push(link, cycle, edge);
    const std::uint64_t slot_bytes = width * (sizeof(Activation) + 1);
    const std::uint64_t at = link * ring.link_span() + (cycle % (ring.stages() + 2)) * slot_bytes;
    std::vector<unsigned char> image(slot_bytes);
    REQUIRE(host.debug(tlm::TLM_READ_COMMAND, at, image) == slot_bytes);
    for (unsigned i = 0; i < width; ++i) {
        CHECK(le16(&image[2 * i]) == edge.value[i]);
        CHECK(image[2 * width + i] == edge.valid[i]);
    }
    // A debug read stops at the end of its link; nothing past the last link.
    std::vector<unsigned char> across(64);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, (link + 1) * ring.link_span() - 16, across) == 16);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, ring.links() * ring.link_span(), across) == 0);
    // Read-only, and no memory transactions.
    CHECK(host.debug(tlm::TLM_WRITE_COMMAND, at, image) == 0);
    unsigned char data[4] = {};
    CHECK(host.transact(tlm::TLM_READ_COMMAND, at, data, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(at);
    tlm::tlm_dmi dmi;
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, dmi));
}

TEST_CASE("protocol: pod memory and crossbars: buffers routing by selector read-only activations errors debug and DMI",
          "[protocol][pod]") {
    const ArchConfig cfg;
    PodMemory mem("pod_memory", cfg, 4);
    std::vector<unsigned> selector = {2, 0, 1, 3};
    const auto select = [&selector](unsigned slot) { return selector.at(slot); };
    PodCrossbar act("activation_crossbar", cfg, PodCrossbar::Kind::ActivationRead, mem, select);
    PodCrossbar out("output_crossbar", cfg, PodCrossbar::Kind::OutputWrite, mem, select);
    act.to_memory.bind(mem.port);
    out.to_memory.bind(mem.port);
    TestHost direct("direct"), slot0("slot0"), slot1("slot1"), out0("out0");
    direct.socket.bind(mem.port);
    slot0.socket.bind(act.port);  // bindings in slot order
    slot1.socket.bind(act.port);
    out0.socket.bind(out.port);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    const std::uint64_t act_bytes = mem.activation_buffer_bytes(), out_bytes = mem.output_buffer_bytes();

    // Pod Memory itself: data, byte enables, the ends of buffers, the gaps.
    unsigned char data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(direct.transact(tlm::TLM_WRITE_COMMAND, mem.activation_base(2) + 16, data, 8) == tlm::TLM_OK_RESPONSE);
    unsigned char enables[4] = {TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
    unsigned char ff[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    CHECK(write_enabled(direct, mem.activation_base(2) + 16, ff, 8, enables, 4) == tlm::TLM_OK_RESPONSE);
    unsigned char back[8] = {};
    CHECK(direct.transact(tlm::TLM_READ_COMMAND, mem.activation_base(2) + 16, back, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 8) == std::vector<unsigned char>{1, 0xFF, 0xFF, 4, 5, 0xFF, 0xFF, 8});
    CHECK(direct.transact(tlm::TLM_READ_COMMAND, mem.activation_base(0) + act_bytes - 4, back, 8) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(direct.transact(tlm::TLM_READ_COMMAND, mem.span(), back, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (mem.activation_base(1) > act_bytes)
        CHECK(direct.transact(tlm::TLM_READ_COMMAND, act_bytes, back, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (mem.output_base(0) > mem.activation_base(3) + act_bytes)
        CHECK(direct.transact(tlm::TLM_READ_COMMAND, mem.output_base(0) - 8, back, 4) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    std::vector<unsigned char> tail(16);
    CHECK(direct.debug(tlm::TLM_READ_COMMAND, mem.output_base(1) + out_bytes - 8, tail) == 8);
    CHECK(direct.debug(tlm::TLM_READ_COMMAND, mem.span(), tail) == 0);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(mem.output_base(1) + 40);
    tlm::tlm_dmi dmi;
    REQUIRE(direct.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_start_address() == mem.output_base(1));
    CHECK(dmi.get_end_address() == mem.output_base(1) + out_bytes - 1);
    CHECK(dmi.get_dmi_ptr() == reinterpret_cast<unsigned char*>(mem.output_entry(1, 0)));
    t.set_address(mem.span());
    tlm::tlm_dmi none;
    CHECK_FALSE(direct.socket->get_direct_mem_ptr(t, none));

    // Activation crossbar: slot s reaches the buffer its selector names, read only.
    CHECK(slot0.transact(tlm::TLM_READ_COMMAND, 16, back, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 8) == std::vector<unsigned char>{1, 0xFF, 0xFF, 4, 5, 0xFF, 0xFF, 8});
    CHECK(slot0.delay == sc_time(cfg.pod.crossbar_latency_cycles * cfg.clock_period_ns(), SC_NS));
    CHECK(slot1.transact(tlm::TLM_READ_COMMAND, 16, back, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 8) == std::vector<unsigned char>(8, 0));
    CHECK(slot0.transact(tlm::TLM_WRITE_COMMAND, 16, data, 8) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(slot0.transact(tlm::TLM_READ_COMMAND, act_bytes - 4, back, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(slot0.transact(tlm::TLM_READ_COMMAND, act_bytes, back, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    std::vector<unsigned char> two(2);
    CHECK(slot0.debug(tlm::TLM_READ_COMMAND, 16, two) == 2);
    CHECK(two[0] == 1);
    CHECK(slot0.debug(tlm::TLM_WRITE_COMMAND, 16, two) == 0);
    CHECK(slot0.debug(tlm::TLM_READ_COMMAND, act_bytes, two) == 0);
    // A new selector: the same slot now reaches another buffer.
    selector[0] = 3;
    CHECK(slot0.transact(tlm::TLM_READ_COMMAND, 16, back, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 8) == std::vector<unsigned char>(8, 0));
    // Output crossbar: writes land in the selected output buffer.
    CHECK(out0.transact(tlm::TLM_WRITE_COMMAND, 8, data, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(direct.transact(tlm::TLM_READ_COMMAND, mem.output_base(3) + 8, back, 8) == tlm::TLM_OK_RESPONSE);
    CHECK(std::vector<unsigned char>(back, back + 8) == std::vector<unsigned char>(data, data + 8));
    CHECK(out0.transact(tlm::TLM_WRITE_COMMAND, out_bytes, data, 8) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // The crossbars offer no DMI (their routing changes with every commit).
    t.set_address(16);
    tlm::tlm_dmi through;
    CHECK_FALSE(slot0.socket->get_direct_mem_ptr(t, through));
    CHECK(through.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
}

TEST_CASE("protocol: channel memory: ignore command and no DMI or debug access beyond its size", "[protocol][memory]") {
    ChannelMemory<> mem("memory", 1 << 20, 62.5, 100.0, 64);
    TestHost host("host");
    host.socket.bind(mem.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    unsigned char data[4] = {};
    CHECK(host.transact(tlm::TLM_IGNORE_COMMAND, 1 << 20, data, 4) == tlm::TLM_OK_RESPONSE);
    CHECK(mem.bytes_read() + mem.bytes_written() == 0);
    std::vector<unsigned char> bytes(32);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, 1 << 20, bytes) == 0);
    CHECK(host.debug(tlm::TLM_WRITE_COMMAND, (1 << 20) - 8, bytes) == 8);  // cut at the end
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(1 << 20);
    tlm::tlm_dmi dmi;
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
    // Invalidation when nothing was granted sends nothing.
    mem.invalidate_all();
    CHECK(host.invalid_start > host.invalid_end);
}

