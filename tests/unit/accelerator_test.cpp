// The chip-level model: host registers, sequencers running instruction
// streams, interrupts, reconfiguration at tile boundaries, channel sharing,
// and whole compiled DNNs against the compiler's estimate.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "compiler/compiler.h"
#include "hw/config/arch_yaml.h"
#include "hw/timing/tile_timing.h"
#include "support/tlm_test_host.h"
#include "tlm/local_quantum_keeper.h"
#include "testbench/replay.h"
#include "support/zoo.h"

using namespace planaria;
using namespace planaria::regmap;
using planaria::test::TestHost;

namespace {

/// An accelerator with stand-alone memories and a register host.
struct Chip {
    ArchConfig cfg;
    TestHost host{"host"};
    Accelerator<32> accel;
    std::vector<std::unique_ptr<ChannelMemory<32>>> memories;
    sc_core::sc_signal<bool> irq{"irq"};

    explicit Chip(const ArchConfig& c = ArchConfig{}, std::optional<sc_core::sc_time> quantum = std::nullopt)
        : cfg(c), accel("accelerator", cfg, Fidelity::Tile, quantum) {
        host.socket.bind(accel.host);
        accel.irq.bind(irq);
        for (unsigned ch = 0; ch < cfg.offchip.channels; ++ch) {
            memories.push_back(std::make_unique<ChannelMemory<32>>(("memory_" + std::to_string(ch)).c_str(),
                                                                   1ull << 32, cfg.offchip.bandwidth_gbps,
                                                                   cfg.offchip.latency_ns));
            accel.memory[ch].bind(memories.back()->socket);
        }
    }

    void load_program(unsigned subarray, std::uint64_t base, const std::vector<Instruction>& program) {
        const std::vector<std::uint8_t> bytes = encode_program(program);
        memories[accel.channel_of(subarray)]->load(base, bytes.data(), bytes.size());
        REQUIRE(host.write(sequencer(subarray, kSeqProgramLo), std::uint32_t(base)) == tlm::TLM_OK_RESPONSE);
        REQUIRE(host.write(sequencer(subarray, kSeqProgramHi), std::uint32_t(base >> 32)) == tlm::TLM_OK_RESPONSE);
    }
};


using test::zoo;

/// Elaborates a chip with `quantum` and runs a one-tile program on it.
void run_one_tile(std::optional<sc_core::sc_time> quantum, sc_core::sc_time expected) {
    Chip chip(ArchConfig{}, quantum);
    CHECK(chip.accel.sequencer(0).quantum() == expected);
    chip.load_program(0, 0x100000,
                      {Instruction::of(Opcode::LoadWeights, 0x10000, 32 * 32 * 2, 0),
                       Instruction::of(Opcode::LoadActivations, 0x20000, 20 * 32 * 2, 20),
                       Instruction::of(Opcode::Compute, 20 | 32ull << 16 | 32ull << 32),
                       Instruction::of(Opcode::Store, 0x30000, 20 * 32 * 2), Instruction::of(Opcode::End)});
    REQUIRE(chip.host.write(sequencer(0, kSeqDoorbell), kDoorbellStart) == tlm::TLM_OK_RESPONSE);
    sc_core::sc_start();
    CHECK(chip.host.read(sequencer(0, kSeqStatus)) == kSeqStatusDone);
}

}  // namespace

// Each case elaborates one chip: SystemC elaborates once per process.
TEST_CASE("accelerator: the chip decouples by the architecture's quantum and leaves the SoC's alone",
          "[accelerator][quantum]") {
    const sc_core::sc_time soc_quantum(10, sc_core::SC_US);
    tlm::tlm_global_quantum::instance().set(soc_quantum);
    run_one_tile(std::nullopt, sc_core::sc_time(ArchConfig{}.host.quantum_ns, sc_core::SC_NS));
    CHECK(tlm::tlm_global_quantum::instance().get() == soc_quantum);
}

TEST_CASE("accelerator: a quantum given to the constructor reaches every sequencer", "[accelerator][quantum]") {
    tlm::tlm_global_quantum::instance().set(sc_core::SC_ZERO_TIME);
    run_one_tile(sc_core::sc_time(1, sc_core::SC_US), sc_core::sc_time(1, sc_core::SC_US));
    CHECK(tlm::tlm_global_quantum::instance().get() == sc_core::SC_ZERO_TIME);
}

TEST_CASE("quantum keeper: its own quantum, capped by the SoC's global one where set", "[quantum]") {
    using sc_core::sc_time;
    using sc_core::SC_NS;
    tlm::tlm_global_quantum::instance().set(sc_core::SC_ZERO_TIME);
    LocalQuantumKeeper keeper(sc_time(100, SC_NS));
    keeper.reset();
    keeper.inc(sc_time(99, SC_NS));
    CHECK_FALSE(keeper.need_sync());
    keeper.inc(sc_time(1, SC_NS));
    CHECK(keeper.need_sync());
    // A SoC that decouples more finely than the chip would: its quantum holds.
    tlm::tlm_global_quantum::instance().set(sc_time(10, SC_NS));
    CHECK(keeper.effective() == sc_time(10, SC_NS));
    keeper.reset();
    keeper.inc(sc_time(9, SC_NS));
    CHECK_FALSE(keeper.need_sync());
    keeper.inc(sc_time(1, SC_NS));
    CHECK(keeper.need_sync());
    // A coarser one does not stretch the chip's.
    tlm::tlm_global_quantum::instance().set(sc_time(10, sc_core::SC_US));
    CHECK(keeper.effective() == sc_time(100, SC_NS));
    CHECK(tlm::tlm_global_quantum::instance().get() == sc_time(10, sc_core::SC_US));
}

TEST_CASE("accelerator: a program of one tile runs, counts and interrupts", "[accelerator]") {
    Chip chip;
    // One 32x32 tile: 20 vectors, K = 32, N = 32, on subarray 5.
    const std::vector<Instruction> program = {
        Instruction::of(Opcode::LayerBoundary, 0, 7),
        Instruction::of(Opcode::LoadWeights, 0x10000, 32 * 32 * 2, 0),
        Instruction::of(Opcode::LoadActivations, 0x20000, 20 * 32 * 2, 20),
        Instruction::of(Opcode::Compute, 20 | 32ull << 16 | 32ull << 32),
        Instruction::of(Opcode::Store, 0x30000, 20 * 32 * 2),
        Instruction::of(Opcode::End),
    };
    chip.load_program(5, 0x100000, program);
    REQUIRE(chip.host.write(kIrqEnable, kIrqCompletion | kIrqError) == tlm::TLM_OK_RESPONSE);
    REQUIRE(chip.host.write(sequencer(5, kSeqTenant), 42) == tlm::TLM_OK_RESPONSE);
    REQUIRE(chip.host.write(sequencer(5, kSeqDoorbell), 1) == tlm::TLM_OK_RESPONSE);
    CHECK(chip.host.read(sequencer(5, kSeqStatus)) & kSeqStatusBusy);
    sc_core::sc_start();
    CHECK(chip.irq.read());
    CHECK(chip.host.read(kIrqStatus) == kIrqCompletion);
    CHECK(chip.host.read(kDoneMask) == 1u << 5);
    const std::uint32_t status = chip.host.read(sequencer(5, kSeqStatus));
    CHECK(status == kSeqStatusDone);
    CHECK(chip.host.read(sequencer(5, kSeqTiles)) == 1);
    CHECK(chip.host.read(sequencer(5, kSeqLayer)) == 7);
    CHECK(chip.host.read(sequencer(5, kSeqPc)) == program.size());
    const std::uint64_t cycles = tile_cycles(chip.cfg, {1, 1}, {20, 32, 32}, false).total();
    CHECK(chip.host.read(sequencer(5, kSeqBusyLo)) == cycles);
    // Loads, store and the instruction fetch (a buffer-full and its prefetch) crossed the channel.
    const std::uint64_t data = 32 * 32 * 2 + 20 * 32 * 2 * 2;
    CHECK(chip.host.read(sequencer(5, kSeqBytesLo)) == data + 2 * chip.cfg.instruction_buffer.bytes);
    CHECK(chip.memories[chip.accel.channel_of(5)]->bytes_written() == 20 * 32 * 2);
    // Energy activity by hand: the loads write the buffers, the tile reads each
    // weight once, each activation once and writes each accumulator once, the
    // store reads the outputs; a subarray alone uses no ring-bus link.
    const Activity& a = chip.accel.sequencer(5).activity();
    const std::uint64_t acc_bits = chip.cfg.pod.output_buffer.bank_width_bits;
    CHECK(a.weight_buffer_bits == 32 * 32 * 16 + 32 * 32 * 16);
    CHECK(a.activation_buffer_bits == 20 * 32 * 16 + 20 * 32 * 16);
    CHECK(a.output_buffer_bits == 20 * 32 * acc_bits + 20 * 32 * 16);
    CHECK(a.ring_bus_bit_hops == 0);
    CHECK(a.inter_pod_bit_hops == 0);
    CHECK(a.simd_ops == 0);
    // Every PE multiplies each of the 20 vectors; the subarray is held for the tile's cycles.
    CHECK(a.macs == 20 * 32 * 32);
    CHECK(a.pe_cycles == 32 * 32 * cycles);
    // The tile's activations and outputs cross the pod's crossbars (four subarrays share a pod).
    CHECK(a.crossbar_bits == 20 * 32 * 16 + 20 * 32 * acc_bits);
    // Six instructions fetched, two buffer-fulls filled.
    CHECK(a.instruction_bits == program.size() * 128 + 2 * chip.cfg.instruction_buffer.bytes * 8);
    // Clearing the interrupt lowers the line.
    chip.host.write(kIrqStatus, kIrqCompletion);
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_NS));
    CHECK_FALSE(chip.irq.read());
    CHECK(chip.host.read(kIrqStatus) == 0);
    chip.host.write(kDoneMask, 1u << 5);
    CHECK(chip.host.read(kDoneMask) == 0);
}

TEST_CASE("accelerator: bad programs stop with an error, not a crash", "[accelerator]") {
    Chip chip;
    chip.host.write(kIrqEnable, kIrqError);
    // Subarray 0: a tile wider than its 32x32 array. Subarray 4: an unknown opcode.
    chip.load_program(0, 0x100000, {Instruction::of(Opcode::Compute, 4 | 64ull << 16 | 32ull << 32), Instruction::of(Opcode::End)});
    std::vector<std::uint8_t> garbage(16, 0);
    garbage[0] = 0xEE;
    chip.memories[chip.accel.channel_of(4)]->load(0x200000, garbage.data(), garbage.size());
    chip.host.write(sequencer(4, kSeqProgramLo), 0x200000);
    // Subarray 8: a load beyond the 4 GiB its memory holds.
    chip.load_program(8, 0x300000, {Instruction::of(Opcode::LoadWeights, 0x1'2345'0000ull, 64, 0), Instruction::of(Opcode::End)});
    chip.host.write(sequencer(8, kSeqTenant), 9);
    static std::vector<std::pair<sc_core::sc_severity, std::string>> reports;
    sc_core::sc_report_handler::set_handler([](const sc_core::sc_report& r, const sc_core::sc_actions& actions) {
        if (std::string(r.get_msg_type()) == "/planaria/sequencer/memory") reports.emplace_back(r.get_severity(), r.get_msg());
        else sc_core::sc_report_handler::default_handler(r, actions);
    });
    chip.host.write(sequencer(0, kSeqDoorbell), 1);
    chip.host.write(sequencer(4, kSeqDoorbell), 1);
    chip.host.write(sequencer(8, kSeqDoorbell), 1);
    sc_core::sc_start();
    CHECK(chip.irq.read());
    CHECK(chip.host.read(kIrqStatus) & kIrqError);
    CHECK(chip.host.read(sequencer(0, kSeqError)) == kSeqErrorTile);
    CHECK(chip.host.read(sequencer(4, kSeqError)) == kSeqErrorBadInstruction);
    CHECK(chip.host.read(sequencer(0, kSeqStatus)) & kSeqStatusError);
    // A refused access is a memory error, reported with what was refused and how.
    CHECK(chip.host.read(sequencer(8, kSeqError)) == kSeqErrorMemory);
    sc_core::sc_report_handler::set_handler(sc_core::sc_report_handler::default_handler);
    REQUIRE(reports.size() == 1);
    const std::string message = reports[0].second;
    CHECK(reports[0].first == sc_core::SC_WARNING);
    CHECK(message.find("sequencer_8") != std::string::npos);
    CHECK(message.find("tenant 9") != std::string::npos);
    CHECK(message.find("read of 64 bytes at 0x123450000") != std::string::npos);
    CHECK(message.find("TLM_ADDRESS_ERROR_RESPONSE") != std::string::npos);
    CHECK(message.find("ERROR 2") != std::string::npos);
}

TEST_CASE("accelerator: register interface errors use the standard responses", "[accelerator]") {
    Chip chip;
    std::uint32_t v;
    CHECK(chip.host.read(sequencer(16, kSeqStatus), v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(chip.host.write(sequencer(0, kSeqStatus), 1) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(chip.host.write(sequencer(0, kSeqDoorbell), 4) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(chip.host.write(kIrqEnable, 4) == tlm::TLM_GENERIC_ERROR_RESPONSE);
    CHECK(chip.host.read(sequencer(0, kSeqProgramLo) + 1, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // The reconfiguration registers are part of the same map.
    CHECK(chip.host.read(kId) == kIdValue);
    tlm::tlm_generic_payload t;
    tlm::tlm_dmi dmi;
    CHECK_FALSE(chip.host.socket->get_direct_mem_ptr(t, dmi));
    // Debug reads reach both blocks without time.
    std::vector<unsigned char> bytes(8);
    CHECK(chip.host.debug(tlm::TLM_READ_COMMAND, sequencer(3, kSeqProgramLo), bytes) == 8);
    CHECK(chip.host.debug(tlm::TLM_READ_COMMAND, kId, bytes) == 8);
}

TEST_CASE("accelerator: a commit waits for the tile boundary of every running tenant", "[accelerator][reconfiguration]") {
    Chip chip;
    // Subarray 0 runs 20 tiles; the host asks for a reconfiguration meanwhile.
    std::vector<Instruction> program;
    program.push_back(Instruction::of(Opcode::LoadWeights, 0x10000, 2048, 0));
    for (int t = 0; t < 20; ++t) {
        program.push_back(Instruction::of(Opcode::LoadActivations, 0x20000, 600 * 64, 600));
        program.push_back(Instruction::of(Opcode::Compute, 600 | 32ull << 16 | 32ull << 32));
    }
    program.push_back(Instruction::of(Opcode::End));
    chip.load_program(0, 0x100000, program);
    chip.host.write(sequencer(0, kSeqDoorbell), 1);
    sc_core::sc_start(sc_core::sc_time(3, sc_core::SC_US));
    REQUIRE(chip.host.read(sequencer(0, kSeqStatus)) & kSeqStatusBusy);
    const std::uint32_t tiles_before = chip.host.read(sequencer(0, kSeqTiles));
    // Join subarrays 4 and 5 (pod 1, idle) into a 32x64 array.
    chip.host.write(subarray_next(4), link_bit(Side::East));
    chip.host.write(subarray_next(5), link_bit(Side::West));
    chip.host.write(kControl, kControlCommit);
    CHECK(chip.host.read(kCommitCount) == 0);  // the tile in flight finishes first
    sc_core::sc_start();
    CHECK(chip.host.read(kCommitCount) == 1);
    CHECK(chip.host.read(sequencer(0, kSeqTiles)) == 20);
    CHECK(tiles_before < 20);
    CHECK(chip.accel.registers().topology().arrays.size() == 15);
    CHECK(chip.host.read(sequencer(0, kSeqStatus)) == kSeqStatusDone);
}

TEST_CASE("replay: each DNN alone agrees with the compiler's estimate within 35 %", "[accelerator][replay]") {
    // The replay pays what the estimate leaves out: instruction fetch,
    // barriers of a cluster's subarrays (the slowest sets the pace), the
    // tenant-wide barrier of every re-fission, and the latency of the first
    // fetch of each layer (README, "Tile-level model").
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 4, true});
    std::vector<Bundle> bundles = {compiler.compile(zoo("tiny_yolo")), compiler.compile(zoo("mobilenet_v1"))};
    ReplayPlatform platform("platform", cfg);
    for (const auto& b : bundles) {
        ReplayJob job;
        job.bundle = &b;
        job.subarrays = 4;
        job.after_previous = true;
        platform.add(job);
    }
    sc_core::sc_start();
    for (std::size_t i = 0; i < bundles.size(); ++i) {
        const ReplayResult& r = platform.results()[i];
        INFO(r.model);
        CHECK_FALSE(r.error);
        const double estimate = double(bundles[i].per_k[3].table.total_cycles()) * cfg.clock_period_ns() * 1e-6;
        CHECK(r.latency_ms() >= estimate * 0.95);
        CHECK(r.latency_ms() <= estimate * 1.35);
        // Every tile of the configuration table ran, once.
        CHECK(r.tiles == bundles[i].per_k[3].table.total_tiles());
    }
}

TEST_CASE("replay: two tenants on one channel take as long as the channel needs for both", "[accelerator][replay]") {
    // One channel for the whole chip: tenants in pods 0 and 1 share it. Each
    // runs a memory-bound FC layer (2048 x 4096 weights, one vector).
    const ArchConfig cfg = parse_arch("", "one-channel", {ArchOverride::parse("offchip.channels=1")});
    const Model fc = parse_model(
        "format: planaria-model/1\nname: F\nkey: fc\nsource: test\ninputs:\n  - {name: x, shape: [2048, 1, 1]}\n"
        "layers:\n  - {name: fc, type: fc, out_features: 4096}\n",
        "fc.yaml");
    const Compiler compiler(cfg, {Objective::Cycles, 4, true});
    const Bundle b = compiler.compile(fc);
    ReplayPlatform platform("platform", cfg);
    for (unsigned shift : {0u, 1u}) {
        ReplayJob job;
        job.bundle = &b;
        job.subarrays = 4;
        job.pod_offset = shift;
        platform.add(job);
    }
    sc_core::sc_start();
    const auto& a = platform.results()[0];
    const auto& c = platform.results()[1];
    // Alone, one tenant would move its bytes at the full channel; together the
    // channel carries both, so the later one ends when both have moved.
    const double both_bytes = double(a.bytes + c.bytes);
    const double channel_ms = both_bytes / (cfg.offchip.bandwidth_gbps * 1e9) * 1e3;
    const double last = std::max(a.latency_ms(), c.latency_ms());
    CHECK(last >= channel_ms);
    CHECK(last <= channel_ms * 1.15);
    CHECK(platform.memory(0).busy_time().to_seconds() * 1e3 == Approx(channel_ms).epsilon(0.01));
}

TEST_CASE("replay writes per-inference CSV, utilisation, bandwidth, JSON and a Perfetto timeline", "[replay]") {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 2, true});
    const Bundle b = compiler.compile(zoo("tiny_yolo"));
    ReplayPlatform platform("platform", cfg);
    platform.record_timeline(1000000);
    for (unsigned shift : {0u, 3u}) {  // two tenants at once, in pods 0 and 3
        ReplayJob job;
        job.bundle = &b;
        job.subarrays = 2;
        job.pod_offset = shift;
        platform.add(job);
    }
    sc_core::sc_start();
    const std::string dir = std::string(PLANARIA_TEST_DATA) + "/../../build-replay-outputs";
    platform.write_outputs(dir);
    const auto slurp = [&](const std::string& f) {
        std::ifstream in(dir + "/" + f);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    const std::string inferences = slurp("inferences.csv");
    CHECK(std::count(inferences.begin(), inferences.end(), '\n') == 3);
    CHECK(inferences.find("1,tiny_yolo,2,0,") != std::string::npos);
    const auto summary = nlohmann::json::parse(slurp("summary.json"));
    REQUIRE(summary["inferences"].size() == 2);
    CHECK(summary["inferences"][0]["latency_ms"].get<double>() == Approx(platform.results()[0].latency_ms()));
    CHECK(summary["inferences"][0]["energy_uj"].get<double>() > 0);
    // One slice per tile and subarray, on that subarray's track; both tenants share no track.
    const auto timeline = nlohmann::json::parse(slurp("timeline.json"));
    std::map<unsigned, std::set<unsigned>> tenants_of_track;
    std::size_t slices = 0;
    double busy_us = 0;
    for (const auto& e : timeline["traceEvents"]) {
        if (e["ph"] != "X") continue;
        ++slices;
        busy_us += e["dur"].get<double>();
        tenants_of_track[e["tid"].get<unsigned>()].insert(e["args"]["tenant"].get<unsigned>());
    }
    std::uint64_t busy_cycles = 0;
    for (const auto& r : platform.results()) busy_cycles += r.busy_cycles;
    // Slices cover every busy cycle (tiles and SIMD work), each cycle one
    // clock period as SystemC represents it (rounded to its time resolution).
    const double period_us = sc_core::sc_time(cfg.clock_period_ns(), sc_core::SC_NS).to_seconds() * 1e6;
    CHECK(busy_us == Approx(double(busy_cycles) * period_us).epsilon(1e-9));
    CHECK(tenants_of_track.size() == 4);
    for (const auto& [track, tenants] : tenants_of_track) CHECK(tenants.size() == 1);
    CHECK(slices > 0);
    // Utilisation and channel bandwidth.
    const std::string subarrays = slurp("subarrays.csv");
    CHECK(std::count(subarrays.begin(), subarrays.end(), '\n') == 17);
    const std::string channels = slurp("channels.csv");
    CHECK(channels.find("0,") != std::string::npos);
    CHECK(std::count(channels.begin(), channels.end(), '\n') == 5);
    std::filesystem::remove_all(dir);
}

TEST_CASE("replay: a job whose barrier never completes is reported unfinished, not as a result", "[accelerator][replay]") {
    // Every tenant-wide barrier of one subarray's program waits for one party
    // more than the tenant has: the simulation runs out of events.
    const ArchConfig cfg;
    Bundle stuck = Compiler(cfg, {Objective::Cycles, 2, true}).compile(zoo("tiny_yolo"));
    for (Instruction& in : stuck.per_k[1].programs[0].instructions)
        if (in.opcode == Opcode::Sync && (in.flags & 1)) in.a16 = 3;
    ReplayPlatform platform("platform", cfg);
    ReplayJob a;
    a.bundle = &stuck;
    a.subarrays = 2;
    platform.add(a);
    sc_core::sc_start();
    CHECK_FALSE(platform.finished(0));
    CHECK(platform.results()[0].tiles == 0);
    // Aborted, the stuck tenant's sequencers leave their barriers and the job ends, as an error.
    platform.accelerator().abort_busy_tenants();
    sc_core::sc_start();
    CHECK(platform.finished(0));
    CHECK(platform.results()[0].error);
    for (unsigned s = 0; s < 16; ++s) CHECK_FALSE(platform.accelerator().sequencer(s).busy());
}

TEST_CASE("replay: a sequencer that fails ends its whole tenant and leaves nobody waiting", "[accelerator][replay]") {
    // One subarray of an 8-subarray tenant meets an instruction it does not
    // know; the others would wait for it at the next barrier for ever.
    const ArchConfig cfg;
    Bundle broken = Compiler(cfg, {Objective::Cycles, 8, true}).compile(zoo("mobilenet_v1"));
    auto& program = broken.per_k[7].programs[5].instructions;
    program[program.size() / 2] = Instruction::of(static_cast<Opcode>(0x7F));
    const Bundle fine = Compiler(cfg, {Objective::Cycles, 8, true}).compile(zoo("tiny_yolo"));
    ReplayPlatform platform("platform", cfg);
    ReplayJob a;
    a.bundle = &broken;
    a.subarrays = 8;
    platform.add(a);
    ReplayJob b;  // then the same subarrays serve another tenant
    b.bundle = &fine;
    b.subarrays = 8;
    b.after_previous = true;
    platform.add(b);
    sc_core::sc_start();
    CHECK(platform.results()[0].error);
    CHECK_FALSE(platform.results()[1].error);
    CHECK(platform.results()[1].tiles == fine.per_k[7].table.total_tiles());
    for (unsigned s = 0; s < 16; ++s) CHECK_FALSE(platform.accelerator().sequencer(s).busy());
    for (unsigned s : job_region(platform.accelerator().registers().floorplan(), 8, 0))
        CHECK(platform.accelerator().sequencer(s).error() == 0);  // the second tenant ran cleanly on them
}

// Regression (a 150-request Workload-C run at tile level stopped with ERROR 4):
// a tenant's sequencer staged its next configuration and was preempted at the
// barrier before it was applied; the next tenant on that subarray then
// committed the stale state at its first barrier (a link to a subarray of the
// old tenant's region, refused). A staged configuration belongs to the run
// that staged it: a new start drops it (a resume re-stages from its context).
TEST_CASE("accelerator: a configuration staged by a preempted run never reaches the next tenant",
          "[accelerator][reliability]") {
    Chip chip;
    const std::uint8_t kTenantWide = 1;
    // Tenant 1: subarray 12 stages a north link (to subarray 6, outside the
    // new tenant's reach) and waits at a barrier with a peer that never comes.
    chip.load_program(12, 0x100000,
                      {Instruction::of(Opcode::LayerBoundary, 0, 0),
                       Instruction::of(Opcode::Configure, 0, 0, std::uint16_t(1u << 2)),
                       Instruction::of(Opcode::Sync, 0, 1, 2, kTenantWide), Instruction::of(Opcode::End)});
    chip.host.write(sequencer(12, kSeqTenant), 1);
    chip.host.write(sequencer(12, kSeqContextLo), 0x300000);
    chip.host.write(sequencer(12, kSeqDoorbell), kDoorbellStart);
    sc_core::sc_start(sc_core::sc_time(2, sc_core::SC_US));
    INFO("tenant 1 error " << chip.host.read(sequencer(12, kSeqError)) << " at pc " << chip.host.read(sequencer(12, kSeqPc)));
    CHECK(chip.host.read(sequencer(12, kSeqStatus)) & kSeqStatusBusy);  // waiting at the barrier
    chip.host.write(sequencer(12, kSeqPreempt), 1);
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
    REQUIRE(chip.host.read(sequencer(12, kSeqStatus)) & kSeqStatusPreempted);

    // Tenant 2 alone on subarray 12: one barrier, then the end.
    chip.load_program(12, 0x400000,
                      {Instruction::of(Opcode::LayerBoundary, 0, 0),
                       Instruction::of(Opcode::Sync, 0, 1, 1, kTenantWide), Instruction::of(Opcode::End)});
    chip.host.write(sequencer(12, kSeqTenant), 2);
    chip.host.write(sequencer(12, kSeqDoorbell), kDoorbellStart);
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
    INFO("error " << chip.host.read(sequencer(12, kSeqError)));
    CHECK(chip.host.read(sequencer(12, kSeqStatus)) == kSeqStatusDone);
    CHECK(chip.accel.registers().current().subarray[12] == FissionState::reset(chip.accel.registers().floorplan()).subarray[12]);
}
