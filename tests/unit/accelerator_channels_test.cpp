// Protocol tests of Accelerator.memory[c], the accelerator's off-chip
// channel sockets, seen from a target the test controls (ScriptedMemory,
// tests/support/scripted_soc.h): burst limit, streaming width, no byte
// enables, tenant extension, channel routing, error responses, functional
// data by DMI (read-write, read-only) or debug transport, DMI invalidation
// between and during runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "hw/accelerator/accelerator.h"
#include "hw/config/arch_yaml.h"
#include "hw/driver/tenant_loader.h"
#include "hw/sequencer/sequencer_context.h"
#include "sched/placement.h"
#include "support/scripted_soc.h"
#include "testbench/functional_image.h"
#include "tlm/register_map.h"

using namespace planaria;
using namespace planaria::regmap;
using planaria::test::one_tile;
using planaria::test::ScriptedMemory;
using planaria::test::Soc;
using planaria::test::Storage;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

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
        // A target that leaves the response incomplete has not done the transfer (IEEE 1666 14.17).
        {1, tlm::TLM_INCOMPLETE_RESPONSE, 0x10000},        // weights
        {5, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, 0x20000},  // activations
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
// Functional data through the channel sockets: the bursts carry it
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
constexpr std::uint64_t kWeightsBase = 0x5'0000'0000ull;

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
        return {run_reference(model, params, inputs), functional_image(model, params, inputs, ArchConfig{})};
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
        soc.start(region[p], base, 1, kDataBase, kWeightsBase);
    }
    for (const MemoryBlock& b : data.image.blocks)
        soc.storage.load((b.region == MemoryBlock::Region::Weights ? kWeightsBase : kDataBase) + b.address,
                         b.values.data(), b.values.size() * 2);
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

TEST_CASE("protocol: accelerator channels: functional data rides in the timed bursts, whatever DMI the memory offers",
          "[protocol][accelerator][functional]") {
    // Four chips in one simulation, the same job on each; three run it
    // functionally with memories that grant DMI, grant it for reads only, or
    // refuse it; the fourth only times it.
    const TinyJob job;
    const TinyJob::Data data = job.data(9);
    Soc granting("granting"), read_only("read_only"), refusing("refusing"), timing("timing");
    for (auto& m : read_only.memories) m->dmi = ScriptedMemory::Dmi::ReadOnly;
    for (auto& m : refusing.memories) m->dmi = ScriptedMemory::Dmi::Refuse;
    for (Soc* soc : {&granting, &read_only, &refusing}) soc->accel.enable_functional_data();
    for (Soc* soc : {&granting, &read_only, &refusing, &timing}) launch(*soc, job, data);
    sc_core::sc_start();
    for (Soc* soc : {&granting, &read_only, &refusing}) {
        INFO(soc->name());
        check_results(*soc, job, data);
        // The data came and went in the b_transport bursts only: no DMI
        // pointer was asked for, no debug transport used.
        for (auto& m : soc->memories) {
            CHECK(m->dmi_requests == 0);
            CHECK(m->debug_reads + m->debug_writes == 0);
        }
    }
    // The data is what the bursts carry; a timing-only run sends the same
    // transactions at the same times (the order of requests issued at the
    // same time by different sequencers is the simulator's, so compare them sorted).
    const auto timed = [](const ScriptedMemory& m) {
        std::vector<std::tuple<sc_time, std::uint64_t, unsigned, int, std::uint32_t>> v;
        for (const auto& a : m.log) v.emplace_back(a.at, a.address, a.length, int(a.command), a.tenant);
        std::sort(v.begin(), v.end());
        return v;
    };
    const unsigned channels = 2;  // pods 0 and 1
    for (unsigned ch = 0; ch < channels; ++ch) {
        INFO("channel " << ch);
        CHECK(!timing.memories[ch]->log.empty());
        for (Soc* soc : {&granting, &read_only, &refusing}) CHECK(timed(*soc->memories[ch]) == timed(*timing.memories[ch]));
    }
    for (unsigned s : job_region(granting.accel.registers().floorplan(), kSubarrays, 0))
        for (Soc* soc : {&read_only, &refusing, &timing})
            CHECK(soc->accel.sequencer(s).finished_at() == granting.accel.sequencer(s).finished_at());
}

TEST_CASE("protocol: accelerator channels: a memory that moves its storage between runs gets the new run's data",
          "[protocol][accelerator][functional]") {
    const TinyJob job;
    const TinyJob::Data first = job.data(31), second = job.data(32);
    REQUIRE(first.reference.back().data != second.reference.back().data);
    Soc soc("soc");
    soc.accel.enable_functional_data();
    launch(soc, job, first);
    sc_core::sc_start();
    check_results(soc, job, first);

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
    // The old buffers hold exactly what the first run left there: nothing
    // was written through a stale pointer.
    for (std::size_t i = 0; i < job.model.layers.size(); ++i) {
        if (!job.stored(i)) continue;
        INFO("layer " << job.model.layers[i].name);
        CHECK(before.values(kDataBase + first.image.layout.outputs[i], first.reference[i].data.size()) ==
              first.reference[i].data);
    }
}

TEST_CASE("protocol: accelerator channels: a memory that moves its storage in the middle of a run gets right results",
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
    const auto underway = [&] { return soc.memories[0]->log.size() > 20 && soc.memories[1]->log.size() > 20; };
    for (int step = 0; step < 100000 && !underway(); ++step) sc_core::sc_start(sc_time(10, SC_NS));
    REQUIRE(underway());
    bool running = false;
    for (unsigned s : region) running = running || (soc.host.read(sequencer(s, kSeqStatus)) & kSeqStatusBusy);
    REQUIRE(running);
    soc.storage.move_and_scramble();
    for (auto& m : soc.memories) m->invalidate(0, ~sc_dt::uint64(0));
    sc_core::sc_start();
    // Nothing read or written through a pointer granted before: the results
    // are right (a stale pointer would reach the scrambled buffers).
    check_results(soc, job, data);
}

TEST_CASE("protocol: accelerator channels: a tenant's traffic stays inside the regions its bundle sizes",
          "[protocol][accelerator]") {
    // A model the chip computes (functionally here) and one it only times
    // (embedding, LSTM, attention, detection: their traffic goes to the
    // scratch after the tensors). Each runs with its DATA and WEIGHTS regions
    // back to back, every other address below the programs an address error:
    // any access outside the regions stops the run with ERROR 2.
    const Model timed = parse_model(R"(format: planaria-model/1
name: Seq
key: seq
source: test
inputs:
  - {name: src, shape: [1, 1, 5]}
layers:
  - {name: emb, type: embedding, vocabulary: 100, dim: 8}
  - {name: enc, type: lstm, hidden: 6, bidirectional: true}
  - {name: att, type: attention, inputs: [enc, enc], units: 4}
  - {name: proj, type: fc, out_features: 30, per_position: true}
  - {name: det, type: detection, classes: 3, boxes: 2}
)", "seq.yaml");
    const TinyJob job;
    const TinyJob::Data data = job.data(17);
    const Bundle timed_bundle = Compiler(ArchConfig{}, {Objective::Cycles, kSubarrays, true}).compile(timed);
    struct Case {
        const Bundle* bundle;
        const FunctionalImage* image;  ///< nullptr: timing only
        unsigned k;
        std::unique_ptr<Soc> soc;
        std::vector<unsigned> region;
        std::uint64_t data_base = 0x1000'0000, weights_base = 0;
    };
    std::vector<Case> cases;
    for (unsigned k : {1u, 4u, kSubarrays}) {
        cases.push_back({&job.bundle, &data.image, k, nullptr, {}});
        cases.push_back({&timed_bundle, nullptr, k, nullptr, {}});
    }
    // All chips are built before the simulation starts.
    for (Case& c : cases) {
        const CompiledForK& compiled = c.bundle->per_k.at(c.k - 1);
        c.weights_base = c.data_base + compiled.data_bytes;
        c.soc = std::make_unique<Soc>(("soc_" + c.bundle->model_key + "_" + std::to_string(c.k)).c_str());
        Soc& soc = *c.soc;
        if (c.image) soc.accel.enable_functional_data();
        for (auto& m : soc.memories)
            m->faults = {{0, c.data_base, tlm::TLM_ADDRESS_ERROR_RESPONSE},
                         {c.weights_base + c.bundle->data.weight_bytes, kProgramBase, tlm::TLM_ADDRESS_ERROR_RESPONSE}};
        c.region = job_region(soc.accel.registers().floorplan(), c.k, 0);
        std::uint64_t next = kProgramBase;
        for (std::size_t p = 0; p < c.region.size(); ++p) {
            const std::uint64_t base = next;
            next += soc.load_program(base, compiled.programs[p].instructions);
            soc.start(c.region[p], base, 1, c.data_base, c.weights_base);
        }
        if (c.image)
            for (const MemoryBlock& b : c.image->blocks)
                soc.storage.load((b.region == MemoryBlock::Region::Weights ? c.weights_base : c.data_base) + b.address,
                                 b.values.data(), b.values.size() * 2);
        for (unsigned s : c.region) soc.ring(s);
    }
    sc_core::sc_start();
    for (Case& c : cases) {
        INFO(c.bundle->model_key << " on " << c.k << " subarrays");
        const CompiledForK& compiled = c.bundle->per_k.at(c.k - 1);
        CHECK(compiled.data_bytes >= c.bundle->data.tensor_bytes);
        CHECK(compiled.data_bytes + c.bundle->data.weight_bytes < (std::uint64_t(1) << 20));  // no big fixed offsets
        Soc& soc = *c.soc;
        for (unsigned s : c.region) {
            INFO("sequencer " << s << " pc " << soc.host.read(sequencer(s, kSeqPc)) << " layer " << soc.host.read(sequencer(s, kSeqLayer)));
            CHECK(soc.host.read(sequencer(s, kSeqError)) == kSeqErrorNone);
            CHECK(soc.host.read(sequencer(s, kSeqStatus)) == kSeqStatusDone);
        }
        std::uint64_t touched = 0;
        for (auto& m : soc.memories)
            for (const auto& a : m->log)
                if (a.address < kProgramBase) touched = std::max(touched, a.address + a.length);
        CHECK(touched > c.data_base);  // it ran
        if (c.image) {
            // and computed: the classifier's output is the reference's
            const std::size_t last = job.model.layers.size() - 1;
            CHECK(soc.storage.values(c.data_base + c.image->layout.outputs[last], data.reference[last].data.size()) ==
                  data.reference[last].data);
        }
    }
}

TEST_CASE("protocol: accelerator channels: two tenants placed by the TenantLoader below 4 GiB run bit-exact, sharing "
          "their weights",
          "[protocol][accelerator][functional][loader]") {
    // Two inferences of the same model on four subarrays each, started by
    // firmware-style register writes (AcceleratorDriver::start_writes): the
    // first tenant's regions back to back from 1 GiB, the second's from after
    // them, both reading the one copy of the weights the first loaded.
    // Everything else below the programs' end answers an address error.
    const TinyJob job;
    const Bundle& bundle = job.bundle;
    const TinyJob::Data first = job.data(51), second = job.data(52);
    const ArchConfig cfg;
    const TenantLoader loader(bundle, 4, cfg);
    const TenantRegions a = loader.place(0x4000'0000);
    const TenantRegions b = [&] {
        TenantRegions r = loader.place(0x4000'0000 + loader.footprint());
        r.weights = a.weights;
        return r;
    }();
    Soc soc("soc");
    soc.accel.enable_functional_data();
    const std::uint64_t end = b.contexts.back() + loader.context_bytes();
    REQUIRE(end < (std::uint64_t(1) << 32));
    for (auto& m : soc.memories)
        m->faults = {{0, 0x4000'0000, tlm::TLM_ADDRESS_ERROR_RESPONSE}, {end, ~0ull, tlm::TLM_ADDRESS_ERROR_RESPONSE}};
    const auto data_blocks = [](const FunctionalImage& image, bool weights) {
        std::vector<MemoryBlock> blocks;
        for (const MemoryBlock& m : image.blocks)
            if ((m.region == MemoryBlock::Region::Weights) == weights) blocks.push_back(m);
        return blocks;
    };
    for (const MemorySegment& s : loader.image(a, first.image.blocks)) soc.storage.load(s.address, s.bytes.data(), s.bytes.size());
    for (const MemorySegment& s : loader.image(b, data_blocks(second.image, false)))
        soc.storage.load(s.address, s.bytes.data(), s.bytes.size());
    const Floorplan& fp = soc.accel.registers().floorplan();
    const auto one = loader.tenant(1, a), two = loader.tenant(2, b, job_region(fp, 4, 1));  // the next pod
    for (const auto* t : {&one, &two})
        for (const AcceleratorDriver::RegisterWrite& w : AcceleratorDriver::start_writes(*t)) soc.write(w.offset, w.value);
    sc_core::sc_start();
    std::size_t compared = 0;
    for (const auto& [t, regions, data] : {std::tuple{&one, &a, &first}, std::tuple{&two, &b, &second}}) {
        INFO("tenant " << t->id);
        for (unsigned s : t->subarrays) {
            CHECK(soc.host.read(sequencer(s, kSeqError)) == kSeqErrorNone);
            CHECK(soc.host.read(sequencer(s, kSeqStatus)) == kSeqStatusDone);
        }
        for (std::size_t i = 0; i < job.model.layers.size(); ++i) {
            if (!job.stored(i)) continue;
            INFO("layer " << job.model.layers[i].name);
            CHECK(soc.storage.values(loader.output_address(*regions, i), data->reference[i].data.size()) ==
                  data->reference[i].data);
            ++compared;
        }
    }
    CHECK(compared >= 8);
}

TEST_CASE("tenant loader: regions back to back, sizes from the bundle, misplaced regions and blocks refused", "[loader]") {
    const TinyJob job;
    const ArchConfig cfg;
    const TenantLoader loader(job.bundle, 4, cfg);
    CHECK(loader.data_bytes() == job.bundle.per_k[3].data_bytes);
    CHECK(loader.weight_bytes() == job.bundle.data.weight_bytes);
    CHECK(loader.context_bytes() > SequencerContext::header_bytes(cfg.subarray.weight_buffer_bytes / 2));
    const TenantRegions at = loader.place(0x1234, 0x1000);
    REQUIRE(at.programs.size() == 4);
    CHECK(at.programs[0] == 0x2000);
    for (unsigned p = 1; p < 4; ++p) CHECK(at.programs[p] == (at.programs[p - 1] + loader.program_bytes(p - 1) + 0xFFF) / 0x1000 * 0x1000);
    CHECK(at.data == (at.programs[3] + loader.program_bytes(3) + 0xFFF) / 0x1000 * 0x1000);
    CHECK(at.weights == (at.data + loader.data_bytes() + 0xFFF) / 0x1000 * 0x1000);
    CHECK(at.contexts[0] == (at.weights + loader.weight_bytes() + 0xFFF) / 0x1000 * 0x1000);
    CHECK(loader.footprint(0x1000) == (at.contexts[3] + loader.context_bytes() + 0xFFF) / 0x1000 * 0x1000 - 0x2000);
    // The image: the programs as encoded, then the blocks where their regions lie.
    const std::vector<MemorySegment> image = loader.image(at, {{0x40, {1, -2}, MemoryBlock::Region::Weights}});
    REQUIRE(image.size() == 5);
    CHECK(image[1].bytes == encode_program(job.bundle.per_k[3].programs[1].instructions));
    CHECK(image[4].address == at.weights + 0x40);
    CHECK(image[4].bytes == std::vector<std::uint8_t>{1, 0, 0xFE, 0xFF});
    // The tenant and the writes that start it.
    const AcceleratorDriver::Tenant t = loader.tenant(3, at);
    CHECK(t.data_base == at.data);
    CHECK(t.weights_base == at.weights);
    const auto writes = AcceleratorDriver::start_writes(t);
    const auto written = [&](unsigned s, std::uint64_t reg) {
        std::vector<std::uint32_t> v;
        for (const auto& w : writes)
            if (w.offset == sequencer(s, reg)) v.push_back(w.value);
        return v;
    };
    for (std::size_t p = 0; p < t.subarrays.size(); ++p) {
        const unsigned s = t.subarrays[p];
        CHECK(written(s, kSeqWeightsLo) == std::vector<std::uint32_t>{std::uint32_t(at.weights)});
        CHECK(written(s, kSeqDataLo) == std::vector<std::uint32_t>{std::uint32_t(at.data)});
        CHECK(written(s, kSeqContextLo) == std::vector<std::uint32_t>{std::uint32_t(at.contexts[p])});
        CHECK(written(s, kSeqTenant) == std::vector<std::uint32_t>{3});
    }
    CHECK(writes.back().offset == sequencer(t.subarrays.back(), kSeqDoorbell));
    // Refused: overlapping regions, a missing context, a block beyond its region, a count without programs.
    TenantRegions overlap = at;
    overlap.weights = at.data + 64;
    CHECK_THROWS_WITH(loader.image(overlap), Catch::Matchers::Contains("data and weights overlap"));
    TenantRegions missing = at;
    missing.contexts.pop_back();
    CHECK_THROWS_WITH(loader.tenant(1, missing), Catch::Matchers::Contains("4 programs and contexts needed"));
    CHECK_THROWS_WITH(loader.image(at, {{loader.data_bytes() - 2, {1, 2}, MemoryBlock::Region::Data}}),
                      Catch::Matchers::Contains("beyond the data region"));
    CHECK_THROWS_WITH(TenantLoader(job.bundle, 9, cfg), Catch::Matchers::Contains("no instruction streams for 9 subarrays"));
}
