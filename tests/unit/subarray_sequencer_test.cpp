// The sequencer of one subarray on its own, against a fake chip
// (SequencerServices): the fake answers the channel from a small byte array
// after a fixed latency and logs every transaction, hands out one fixed
// logical array, records the configurations staged, and completes every
// barrier at once (one party). Expectations are worked out by hand from the
// instruction stream and the closed form of hw/timing/tile_timing.h.
//
// Timing used throughout: a 500 MHz clock (2 ns a cycle) and 100 ns per
// channel transaction. A program at address 0 is fetched as two
// buffer-fulls at time 0 (the buffer and its prefetch), so the first
// instruction runs at 100 ns.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>

#include "hw/config/arch_config.h"
#include "hw/isa/instruction.h"
#include "hw/sequencer/sequencer_context.h"
#include "hw/sequencer/subarray_sequencer.h"
#include "tlm/register_map.h"
#include "tlm/tenant_extension.h"

using namespace planaria;
using namespace planaria::regmap;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr std::uint64_t kProgram = 0x0;      ///< program base
constexpr std::uint64_t kData = 0x8000;      ///< data base: the program's data addresses are relative to it
constexpr std::uint64_t kContext = 0x20000;  ///< where a preempted sequencer saves its context
constexpr std::uint64_t kMemoryBytes = 256 * 1024;
constexpr std::uint32_t kTenant = 0x5EED;
const sc_time kLatency(100, SC_NS);  ///< of every channel transaction
const sc_time kCycle(2, SC_NS);      ///< 500 MHz

/// The architecture the tests run on: the design point at 500 MHz.
ArchConfig config() {
    ArchConfig cfg;
    cfg.clock_mhz = 500.0;
    return cfg;
}

/// A chip around one sequencer that does the least a chip must.
class FakeChip : public SequencerServices {
public:
    struct Transaction {
        unsigned subarray;
        tlm::tlm_command command;
        std::uint64_t address;
        unsigned length;
        sc_time delay;  ///< the annotation on arrival (the sequencer's local time offset)
        sc_time at;     ///< simulation time plus the annotation
        bool tagged;
        std::uint32_t tenant;
    };
    struct Staged {
        unsigned subarray;
        std::uint32_t state;
        unsigned selector;
    };
    struct BarrierCall {
        unsigned subarray;
        std::uint32_t tenant, id;
        unsigned parties;
        bool tenant_wide;
    };

    std::vector<std::uint8_t> memory = std::vector<std::uint8_t>(kMemoryBytes, 0);
    LogicalArray array;
    bool refuse_configuration = false;  ///< the barrier refuses a staged configuration
    bool abort_barriers = false;        ///< another member of the tenant failed
    bool withdraw_barriers = false;     ///< the caller is preempted while it waits: it leaves the barrier
    std::vector<Transaction> log;
    std::vector<Staged> staged;
    std::vector<BarrierCall> barriers;
    std::vector<std::pair<unsigned, bool>> finishes;  ///< (subarray, error)
    Staged current{0, 0, 0};
    std::optional<Staged> pending;

    explicit FakeChip(LogicalArray a) : array(std::move(a)) {}

    void load(std::uint64_t address, const std::vector<std::uint8_t>& bytes) {
        std::copy(bytes.begin(), bytes.end(), memory.begin() + std::ptrdiff_t(address));
    }
    /// The data transactions (not the instruction fetch), in the order issued.
    std::vector<Transaction> data() const {
        std::vector<Transaction> r;
        for (const Transaction& t : log)
            if (t.address >= kData) r.push_back(t);
        return r;
    }

    void channel_transport(unsigned subarray, tlm::tlm_generic_payload& t, sc_time& delay) override {
        const auto* ext = t.get_extension<TenantExtension>();
        log.push_back({subarray, t.get_command(), t.get_address(), t.get_data_length(), delay,
                       sc_core::sc_time_stamp() + delay, ext != nullptr, ext ? ext->tenant : 0u});
        const std::uint64_t a = t.get_address(), n = t.get_data_length();
        if (a + n > memory.size()) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (t.is_read()) std::memcpy(t.get_data_ptr(), memory.data() + a, n);
        else if (t.is_write()) std::memcpy(memory.data() + a, t.get_data_ptr(), n);
        delay += kLatency;
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    const LogicalArray& array_of(unsigned) const override { return array; }
    void stage_configuration(unsigned subarray, std::uint32_t state, unsigned selector) override {
        staged.push_back({subarray, state, selector});
        pending = staged.back();
    }
    bool barrier(unsigned subarray, std::uint32_t tenant, std::uint32_t id, unsigned parties, bool tenant_wide,
                 BarrierSync& sync) override {
        barriers.push_back({subarray, tenant, id, parties, tenant_wide});
        if (abort_barriers) {
            sync.aborted = true;
            return false;
        }
        if (withdraw_barriers) {
            sync.withdrawn = true;
            return true;
        }
        // Alone at the barrier: the latest times are the caller's own; a staged configuration applies now.
        if (pending) {
            const Staged next = *pending;
            pending.reset();
            if (refuse_configuration) return false;
            current = next;
        }
        return true;
    }
    void configuration(unsigned, std::uint32_t& state, unsigned& selector) const override {
        state = current.state;
        selector = current.selector;
    }
    bool staged_configuration(unsigned, std::uint32_t& state, unsigned& selector) const override {
        if (!pending) return false;
        state = pending->state;
        selector = pending->selector;
        return true;
    }
    TileBuffers* buffers(unsigned) override { return nullptr; }  // timing only
    TileOutcome issue_tile(unsigned, const TileIssue&) override { return {}; }
    bool reconfiguration_pending() const override { return false; }
    void tile_boundary(unsigned) override {}
    void finished(unsigned subarray, bool error) override { finishes.push_back({subarray, error}); }
};

LogicalArray alone(unsigned subarray) { return {1, 1, {subarray}, false, false}; }

/// One sequencer on its fake chip, its tiles observed.
struct Rig {
    ArchConfig cfg;
    FakeChip chip;
    SubarraySequencer seq;
    std::vector<TileEvent> tiles;

    Rig(const char* name, unsigned subarray, LogicalArray array, const ArchConfig& c = config())
        : cfg(c), chip(std::move(array)), seq(name, cfg, subarray, chip, sc_time(cfg.host.quantum_ns, SC_NS)) {
        seq.observe([this](const TileEvent& e) { tiles.push_back(e); });
    }
    /// Puts `program` at kProgram and starts it (the simulation runs it).
    void start(const std::vector<Instruction>& program) {
        chip.load(kProgram, encode_program(program));
        REQUIRE(seq.start({kProgram, kData, kData}, kTenant));
    }
};

void check_transaction(const FakeChip::Transaction& t, tlm::tlm_command command, std::uint64_t address,
                       unsigned length, sc_time at) {
    INFO("transaction at 0x" << std::hex << t.address);
    CHECK(t.command == command);
    CHECK(t.address == address);
    CHECK(t.length == length);
    CHECK(t.at == at);
    CHECK(t.tagged);
    CHECK(t.tenant == kTenant);
}

/// The instruction fetch of a program at kProgram: the buffer-full and its prefetch, both at time 0.
void check_fetch(const std::vector<FakeChip::Transaction>& log, unsigned buffer_bytes) {
    REQUIRE(log.size() >= 2);
    check_transaction(log[0], tlm::TLM_READ_COMMAND, kProgram, buffer_bytes, sc_core::SC_ZERO_TIME);
    check_transaction(log[1], tlm::TLM_READ_COMMAND, kProgram + buffer_bytes, buffer_bytes, sc_core::SC_ZERO_TIME);
}

const auto R = tlm::TLM_READ_COMMAND;
const auto W = tlm::TLM_WRITE_COMMAND;

/// M | K << 16 | N << 32, as Compute carries the tile's shape.
std::uint64_t tile(std::uint64_t m, std::uint64_t k, std::uint64_t n) { return m | k << 16 | n << 32; }

/// Layer 7: weights into slot 3, 20 activation vectors, one 20x32x32 tile, its store.
std::vector<Instruction> one_tile_program() {
    return {
        Instruction::of(Opcode::LayerBoundary, 0, 7),
        Instruction::of(Opcode::LoadWeights, 0x400, 32 * 32 * 2, 3),
        Instruction::of(Opcode::LoadActivations, 0x1000, 20 * 32 * 2, 20),
        Instruction::of(Opcode::Compute, tile(20, 32, 32)),
        Instruction::of(Opcode::Store, 0x2000, 20 * 32 * 2),
        Instruction::of(Opcode::End),
    };
}

}  // namespace

TEST_CASE("sequencer: one tile issues its loads and store on the channel and counts the closed-form cycles",
          "[sequencer]") {
    // A quantum longer than the whole program: the sequencer never has to wait for simulation time.
    ArchConfig cfg = config();
    cfg.host.quantum_ns = 1000;
    Rig rig("sequencer", 5, alone(5), cfg);
    // One 20 x 32 x 32 tile on a 32x32 subarray alone.
    rig.start({
        Instruction::of(Opcode::LayerBoundary, 0, 7),
        Instruction::of(Opcode::LoadWeights, 0x0, 32 * 32 * 2, 0),
        Instruction::of(Opcode::LoadActivations, 0x1000, 20 * 32 * 2, 20),
        Instruction::of(Opcode::Compute, tile(20, 32, 32)),
        Instruction::of(Opcode::Store, 0x2000, 20 * 32 * 2),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();

    // Cycles of the tile by hand: 1 latch + 20 vectors + (32 - 1 + 1) fill down the rows and through the
    // crossbar + (32 - 1) drain + 0 ring-bus registers (no link) + 1 crossbar write-back (SIMD bypassed).
    const std::uint64_t cycles = 1 + 20 + 32 + 31 + 0 + 1;
    // The loads go out when the first instructions are there (100 ns) and arrive at 200 ns; the tile runs
    // from 200 ns for 85 cycles; its store waits for it; the program ends when the store is done.
    const sc_time loaded = 2 * kLatency, computed = loaded + kCycle * double(cycles);
    const sc_time stored = computed + kLatency;
    const auto& log = rig.chip.log;
    REQUIRE(log.size() == 5);
    check_fetch(log, 4096);
    check_transaction(log[2], R, kData + 0x0, 2048, kLatency);
    check_transaction(log[3], R, kData + 0x1000, 1280, kLatency);
    check_transaction(log[4], W, kData + 0x2000, 1280, computed);
    // All within one quantum: the sequencer ran ahead of simulation time (still 0) and dated every
    // transaction by its annotation.
    for (const auto& t : log) CHECK(t.delay == t.at);

    CHECK(rig.seq.done());
    CHECK_FALSE(rig.seq.busy());
    CHECK(rig.seq.error() == kSeqErrorNone);
    CHECK(rig.seq.pc() == 6);
    CHECK(rig.seq.layer() == 7);
    CHECK(rig.seq.tiles() == 1);
    CHECK(rig.seq.busy_cycles() == cycles);
    CHECK(rig.seq.bytes_moved() == 2 * 4096 + 2048 + 1280 + 1280);
    CHECK(rig.seq.finished_at() == stored);
    CHECK(rig.chip.finishes == std::vector<std::pair<unsigned, bool>>{{5, false}});
    REQUIRE(rig.tiles.size() == 1);
    CHECK(rig.tiles[0].subarray == 5);
    CHECK(rig.tiles[0].tenant == kTenant);
    CHECK(rig.tiles[0].layer == 7);
    CHECK(rig.tiles[0].start == loaded);
    CHECK(rig.tiles[0].end == computed);
}

TEST_CASE("sequencer: transfers longer than a burst are cut into consecutive bursts issued together",
          "[sequencer]") {
    ArchConfig cfg = config();
    cfg.offchip.burst_bytes = 1024;
    Rig rig("sequencer", 0, alone(0), cfg);
    rig.start({
        Instruction::of(Opcode::LoadWeights, 0x100, 2500, 0),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();
    CHECK(rig.seq.done());
    // Instruction fetch: two buffer-fulls of 4096 bytes, four bursts each, all at time 0.
    const auto& log = rig.chip.log;
    REQUIRE(log.size() == 8 + 3);
    for (unsigned i = 0; i < 8; ++i) check_transaction(log[i], R, kProgram + 1024 * i, 1024, sc_core::SC_ZERO_TIME);
    // 2500 bytes: 1024 + 1024 + 452, all issued at 100 ns.
    check_transaction(log[8], R, kData + 0x100, 1024, kLatency);
    check_transaction(log[9], R, kData + 0x100 + 1024, 1024, kLatency);
    check_transaction(log[10], R, kData + 0x100 + 2048, 452, kLatency);
    CHECK(rig.seq.bytes_moved() == 8192 + 2500);
    CHECK(rig.seq.finished_at() == 2 * kLatency);
}

TEST_CASE("sequencer: a loop repeats its body the stated number of times, advancing the addresses by its strides",
          "[sequencer]") {
    Rig rig("sequencer", 2, alone(2));
    // Three iterations; activations advance by 0x100, stores by 0x40 per iteration.
    rig.start({
        Instruction::of(Opcode::Loop, 0x100 | 0x40ull << 32, 2, 3),
        Instruction::of(Opcode::LoadActivations, 0x1000, 64, 1),
        Instruction::of(Opcode::Store, 0x2000, 64),
        // After the loop the addresses are as written again.
        Instruction::of(Opcode::LoadActivations, 0x1000, 64, 1),
        Instruction::of(Opcode::Store, 0x2000, 64),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();
    CHECK(rig.seq.done());
    CHECK(rig.seq.error() == kSeqErrorNone);
    CHECK(rig.seq.pc() == 6);
    const auto data = rig.chip.data();
    REQUIRE(data.size() == 8);
    const std::uint64_t reads[] = {0x1000, 0x1100, 0x1200, 0x1000}, writes[] = {0x2000, 0x2040, 0x2080, 0x2000};
    for (unsigned i = 0; i < 4; ++i) {
        INFO("iteration " << i);
        CHECK(data[2 * i].command == R);
        CHECK(data[2 * i].address == kData + reads[i]);
        CHECK(data[2 * i].length == 64);
        CHECK(data[2 * i + 1].command == W);
        CHECK(data[2 * i + 1].address == kData + writes[i]);
        CHECK(data[2 * i + 1].length == 64);
    }
    CHECK(rig.seq.bytes_moved() == 2 * 4096 + 8 * 64);
}

TEST_CASE("sequencer: nested loops ending together run the inner body count times per outer iteration",
          "[sequencer]") {
    Rig rig("sequencer", 2, alone(2));
    rig.start({
        Instruction::of(Opcode::Loop, 0x100, 2, 2),   // outer: 2 x (inner loop), activations + 0x100
        Instruction::of(Opcode::Loop, 0x10, 1, 3),    // inner: 3 x (load), activations + 0x10
        Instruction::of(Opcode::LoadActivations, 0x1000, 32, 1),
        Instruction::of(Opcode::LoadActivations, 0x3000, 32, 1),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();
    CHECK(rig.seq.done());
    std::vector<std::uint64_t> addresses;
    for (const auto& t : rig.chip.data()) addresses.push_back(t.address - kData);
    CHECK(addresses == std::vector<std::uint64_t>{0x1000, 0x1010, 0x1020, 0x1100, 0x1110, 0x1120, 0x3000});
}

TEST_CASE("sequencer: loops without iterations, without a body or nested deeper than a context holds are bad "
          "instructions",
          "[sequencer]") {
    // Four sequencers, each on its own chip: no iterations, no body, nine nested loops (a context holds
    // eight), and eight nested loops, which run.
    Rig no_count("no_count", 0, alone(0)), no_body("no_body", 1, alone(1)), nine("nine", 2, alone(2)),
        eight("eight", 3, alone(3));
    no_count.start({Instruction::of(Opcode::Loop, 0, 1, 0), Instruction::of(Opcode::End)});
    no_body.start({Instruction::of(Opcode::Loop, 0, 0, 2), Instruction::of(Opcode::End)});
    const auto nested = [](unsigned depth) {
        // Loop i (at i) covers everything up to the layer boundary (at depth), once.
        std::vector<Instruction> p;
        for (unsigned i = 0; i < depth; ++i) p.push_back(Instruction::of(Opcode::Loop, 0, depth - i, 1));
        p.push_back(Instruction::of(Opcode::LayerBoundary, 0, 3));
        p.push_back(Instruction::of(Opcode::End));
        return p;
    };
    nine.start(nested(9));
    eight.start(nested(8));
    sc_core::sc_start();
    for (Rig* r : {&no_count, &no_body, &nine}) {
        INFO(r->seq.name());
        CHECK(r->seq.error() == kSeqErrorBadInstruction);
        CHECK_FALSE(r->seq.done());
        CHECK_FALSE(r->seq.busy());
        CHECK(r->chip.finishes.size() == 1);
        CHECK(r->chip.finishes.at(0).second);
        CHECK(r->seq.layer() == 0);
    }
    CHECK(no_count.seq.pc() == 1);
    CHECK(no_body.seq.pc() == 1);
    CHECK(nine.seq.pc() == 9);
    CHECK(eight.seq.error() == kSeqErrorNone);
    CHECK(eight.seq.done());
    CHECK(eight.seq.layer() == 3);
    CHECK(eight.seq.pc() == 10);
}

TEST_CASE("sequencer: layer boundaries set the layer register and the layer of the tiles that follow",
          "[sequencer]") {
    Rig rig("sequencer", 9, alone(9));
    rig.start({
        Instruction::of(Opcode::LayerBoundary, 0, 3),
        Instruction::of(Opcode::Compute, tile(4, 32, 32)),
        Instruction::of(Opcode::LayerBoundary, 0, 11),
        Instruction::of(Opcode::Compute, tile(4, 32, 32)),
        Instruction::of(Opcode::Compute, tile(4, 32, 32)),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();
    CHECK(rig.seq.done());
    CHECK(rig.seq.layer() == 11);
    REQUIRE(rig.tiles.size() == 3);
    CHECK(rig.tiles[0].layer == 3);
    CHECK(rig.tiles[1].layer == 11);
    CHECK(rig.tiles[2].layer == 11);
    // Back to back on the datapath: 1 + 4 + 32 + 31 + 1 = 69 cycles each.
    CHECK(rig.seq.tiles() == 3);
    CHECK(rig.seq.busy_cycles() == 3 * 69);
    for (unsigned i = 0; i < 3; ++i) CHECK(rig.tiles[i].end - rig.tiles[i].start == kCycle * 69.0);
    for (unsigned i = 1; i < 3; ++i) CHECK(rig.tiles[i].start == rig.tiles[i - 1].end);
}

TEST_CASE("sequencer: a tile on a 2x1 array takes the ring bus into account and is counted by its first subarray",
          "[sequencer]") {
    // Subarrays 4 (block row 0) and 6 (block row 1) form one array of 64 x 32 PEs.
    const LogicalArray array{2, 1, {4, 6}, false, false};
    Rig first("first", 4, array), second("second", 6, array);
    // K = 64 needs both block rows; SIMD active (a16 != 0).
    const std::vector<Instruction> program = {
        Instruction::of(Opcode::Compute, tile(10, 64, 16), 0, 1),
        Instruction::of(Opcode::End),
    };
    first.start(program);
    second.start(program);
    sc_core::sc_start();
    // 1 latch + 10 vectors + (64 - 1 + 1) fill + (16 - 1) drain + 12 ring-bus registers (one link between
    // the block rows) + 1 crossbar + 4 SIMD stages.
    const std::uint64_t cycles = 1 + 10 + 64 + 15 + 12 + 1 + 4;
    for (Rig* r : {&first, &second}) {
        INFO(r->seq.name());
        CHECK(r->seq.done());
        CHECK(r->seq.busy_cycles() == cycles);
    }
    CHECK(first.seq.tiles() == 1);
    CHECK(second.seq.tiles() == 0);
}

TEST_CASE("sequencer: a configure stages the state, the next sync applies it at the barrier", "[sequencer]") {
    Rig rig("sequencer", 3, alone(3));
    rig.start({
        Instruction::of(Opcode::Configure, 0, 0x0321, 0x15),
        Instruction::of(Opcode::Sync, 0, 7, 1),
        Instruction::of(Opcode::Configure, 0, 0x0002, 0x2A),
        Instruction::of(Opcode::Sync, 0, 8, 16, 1),  // tenant-wide
        Instruction::of(Opcode::LayerBoundary, 0, 4),
        Instruction::of(Opcode::End),
    });
    sc_core::sc_start();
    CHECK(rig.seq.done());
    CHECK(rig.seq.error() == kSeqErrorNone);
    CHECK(rig.seq.layer() == 4);
    REQUIRE(rig.chip.staged.size() == 2);
    CHECK(rig.chip.staged[0].subarray == 3);
    CHECK(rig.chip.staged[0].state == 0x15);
    CHECK(rig.chip.staged[0].selector == 0x0321);
    CHECK(rig.chip.staged[1].state == 0x2A);
    CHECK(rig.chip.staged[1].selector == 0x0002);
    REQUIRE(rig.chip.barriers.size() == 2);
    CHECK(rig.chip.barriers[0].subarray == 3);
    CHECK(rig.chip.barriers[0].tenant == kTenant);
    CHECK(rig.chip.barriers[0].id == 7);
    CHECK(rig.chip.barriers[0].parties == 1);
    CHECK_FALSE(rig.chip.barriers[0].tenant_wide);
    CHECK(rig.chip.barriers[1].id == 8);
    CHECK(rig.chip.barriers[1].parties == 16);
    CHECK(rig.chip.barriers[1].tenant_wide);
    CHECK(rig.chip.current.state == 0x2A);
    CHECK(rig.chip.current.selector == 0x0002);
}

TEST_CASE("sequencer: a data barrier holds the next loads until the stores before it are done", "[sequencer]") {
    Rig plain("plain", 0, alone(0)), data("data", 1, alone(1));
    const auto program = [](std::uint8_t flags) {
        return std::vector<Instruction>{
            Instruction::of(Opcode::LoadActivations, 0x1000, 64, 1),
            Instruction::of(Opcode::Compute, tile(1, 32, 32)),
            Instruction::of(Opcode::Store, 0x2000, 64),
            Instruction::of(Opcode::Sync, 0, 1, 1, flags),
            Instruction::of(Opcode::LoadActivations, 0x3000, 64, 1),
            Instruction::of(Opcode::End),
        };
    };
    plain.start(program(0));
    data.start(program(2));
    sc_core::sc_start();
    // Load at 100 ns, there at 200 ns; the tile (1 + 1 + 32 + 31 + 1 = 66 cycles) ends at 332 ns, its store
    // goes out then and is done at 432 ns.
    const sc_time tile_end = 2 * kLatency + kCycle * 66.0, store_done = tile_end + kLatency;
    for (Rig* r : {&plain, &data}) {
        INFO(r->seq.name());
        CHECK(r->seq.done());
        const auto d = r->chip.data();
        REQUIRE(d.size() == 3);
        check_transaction(d[0], R, kData + 0x1000, 64, kLatency);
        check_transaction(d[1], W, kData + 0x2000, 64, tile_end);
    }
    // Without the data flag the next load goes out at once; with it, when the store is done.
    check_transaction(plain.chip.data()[2], R, kData + 0x3000, 64, kLatency);
    check_transaction(data.chip.data()[2], R, kData + 0x3000, 64, store_done);
    CHECK(plain.seq.finished_at() == store_done);
    CHECK(data.seq.finished_at() == store_done + kLatency);
}

TEST_CASE("sequencer: bad programs end in the error state with the code of what went wrong", "[sequencer]") {
    // One sequencer per fault, each on its own chip.
    Rig opcode("bad_opcode", 0, alone(0)), wide("too_wide", 1, alone(1)), memory("memory", 2, alone(2)),
        refused("refused", 3, alone(3)), aborted("aborted", 4, alone(4)), unterminated("unterminated", 5, alone(5));
    // An opcode the sequencer does not know, after a valid load.
    {
        std::vector<std::uint8_t> bytes = encode_program({
            Instruction::of(Opcode::LoadWeights, 0x0, 64, 0),
            Instruction::of(Opcode::End),  // replaced by an unknown opcode below
            Instruction::of(Opcode::Store, 0x2000, 64),
            Instruction::of(Opcode::End),
        });
        bytes[1 * kInstructionBytes] = 0xEE;
        opcode.chip.load(kProgram, bytes);
        REQUIRE(opcode.seq.start({kProgram, kData, kData}, kTenant));
    }
    // A tile wider than the 32x32 array it runs on.
    wide.start({Instruction::of(Opcode::Compute, tile(4, 32, 33)), Instruction::of(Opcode::End)});
    // A load beyond the memory, which answers with an address error.
    memory.start({Instruction::of(Opcode::LoadWeights, kMemoryBytes, 64, 0), Instruction::of(Opcode::End)});
    // A configuration the barrier refuses.
    refused.chip.refuse_configuration = true;
    refused.start({Instruction::of(Opcode::Configure, 0, 0, 0x3F), Instruction::of(Opcode::Sync, 0, 1, 1),
                   Instruction::of(Opcode::LayerBoundary, 0, 2), Instruction::of(Opcode::End)});
    // Another member of the tenant failed: the barrier never completes.
    aborted.chip.abort_barriers = true;
    aborted.start({Instruction::of(Opcode::Sync, 0, 1, 2), Instruction::of(Opcode::End)});
    // No END: the zeros after the program are not instructions.
    unterminated.start({Instruction::of(Opcode::LayerBoundary, 0, 1)});
    sc_core::sc_start();

    struct Expected {
        Rig* rig;
        std::uint32_t error;
        std::uint64_t pc;
    };
    for (const Expected& e : std::vector<Expected>{{&opcode, kSeqErrorBadInstruction, 1},
                                                   {&wide, kSeqErrorTile, 1},
                                                   {&memory, kSeqErrorMemory, 1},
                                                   {&refused, kSeqErrorConfiguration, 2},
                                                   {&aborted, kSeqErrorAborted, 1},
                                                   {&unterminated, kSeqErrorBadInstruction, 1}}) {
        INFO(e.rig->seq.name());
        CHECK(e.rig->seq.error() == e.error);
        CHECK(e.rig->seq.pc() == e.pc);
        CHECK_FALSE(e.rig->seq.done());
        CHECK_FALSE(e.rig->seq.busy());
        REQUIRE(e.rig->chip.finishes.size() == 1);
        CHECK(e.rig->chip.finishes[0].second);
        CHECK(e.rig->tiles.empty());
    }
    // Nothing after the fault ran.
    REQUIRE(opcode.chip.data().size() == 1);
    CHECK(opcode.chip.data()[0].command == R);
    CHECK(refused.seq.layer() == 0);
    CHECK(wide.seq.busy_cycles() == 0);
    REQUIRE(memory.chip.data().size() == 1);
    CHECK(memory.chip.data()[0].address == kData + kMemoryBytes);
    CHECK(memory.seq.bytes_moved() == 2 * 4096);  // the refused load moved nothing
    CHECK(unterminated.seq.layer() == 1);
}

TEST_CASE("sequencer: a preempted subarray alone stops after its tile and saves its context", "[sequencer]") {
    Rig rig("sequencer", 6, alone(6));
    rig.chip.current = {6, 0x11, 0x2};
    rig.start(one_tile_program());
    rig.seq.request_preempt(kContext);
    sc_core::sc_start();
    CHECK(rig.seq.preempted());
    CHECK_FALSE(rig.seq.done());
    CHECK_FALSE(rig.seq.busy());
    CHECK(rig.seq.error() == kSeqErrorNone);
    CHECK(rig.chip.finishes == std::vector<std::pair<unsigned, bool>>{{6, false}});
    // The tile ends at 200 ns + 85 cycles; the context goes out then, and no store.
    const sc_time computed = 2 * kLatency + kCycle * 85.0;
    std::uint64_t saved = 0;
    for (const auto& t : rig.chip.data()) {
        CHECK(t.address != kData + 0x2000);
        if (t.address < kContext) continue;
        CHECK(t.command == W);
        CHECK(t.address == kContext + saved);
        CHECK(t.at == computed);
        saved += t.length;
    }
    REQUIRE(saved > 0);
    CHECK(rig.seq.finished_at() == computed + kLatency);
    // The context holds what the program did up to the tile boundary.
    const std::vector<std::uint8_t> bytes(rig.chip.memory.begin() + std::ptrdiff_t(kContext),
                                          rig.chip.memory.begin() + std::ptrdiff_t(kContext + saved));
    const unsigned slots = rig.cfg.subarray.weight_buffer_bytes / 2;
    const SequencerContext c = SequencerContext::deserialize(bytes, slots);
    CHECK(c.pc == 4);
    CHECK(c.layer == 7);
    CHECK(c.tiles == 1);
    CHECK(c.busy_cycles == 85);
    CHECK(c.held_vectors == 20);
    CHECK(c.held_cols == 32);
    CHECK(c.state == 0x11);
    CHECK(c.selector == 0x2);
    CHECK(c.staged == 0);
    REQUIRE(c.weights.size() == slots);
    CHECK(c.weights[3].valid == 1);
    CHECK(c.weights[3].address == 0x400);
    CHECK(c.weights[3].bytes == 2048);
    for (unsigned s = 0; s < slots; ++s)
        if (s != 3) CHECK(c.weights[s].valid == 0);
}

// Regression (a 1,000-request Workload-C run at tile level stopped with ERROR
// 3): a resumed run preempted again at its resume barrier ran on as if its
// arrays had been re-formed. It stops where it was, its context unchanged.
TEST_CASE("sequencer: a run preempted while it resumes stops before it executes anything", "[sequencer][reliability]") {
    Rig rig("sequencer", 6, alone(6));
    rig.chip.current = {6, 0x11, 0x2};
    rig.start(one_tile_program());
    rig.seq.request_preempt(kContext);
    sc_core::sc_start();
    REQUIRE(rig.seq.preempted());
    const std::vector<std::uint8_t> saved(rig.chip.memory.begin() + std::ptrdiff_t(kContext),
                                          rig.chip.memory.begin() + std::ptrdiff_t(kContext + 0x1000));
    const std::size_t before = rig.chip.log.size();
    // Resumed, and preempted again while it waits for its peers at the resume barrier.
    rig.chip.withdraw_barriers = true;
    REQUIRE(rig.seq.resume({kProgram, kData, kData}, kTenant, kContext, 2));
    sc_core::sc_start();
    CHECK(rig.seq.preempted());
    CHECK_FALSE(rig.seq.done());
    CHECK(rig.seq.error() == kSeqErrorNone);
    CHECK(rig.tiles.size() == 1);  // the tile before the first preemption only
    for (std::size_t i = before; i < rig.chip.log.size(); ++i) {
        INFO("transaction at 0x" << std::hex << rig.chip.log[i].address);
        CHECK(rig.chip.log[i].address != kData + 0x2000);     // the store never ran
        CHECK(rig.chip.log[i].command == tlm::TLM_READ_COMMAND);  // and nothing was written
    }
    CHECK(std::equal(saved.begin(), saved.end(), rig.chip.memory.begin() + std::ptrdiff_t(kContext)));
}
