// The host driver (hw/driver/accelerator_driver.h) from a firmware thread:
// start, polling, the interrupt, performance counters, errors, timeouts.
#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>

#include "hw/accelerator/accelerator.h"
#include "hw/driver/accelerator_driver.h"
#include "hw/timing/tile_timing.h"
#include "tlm/channel_memory.h"

using namespace planaria;
using namespace planaria::regmap;

namespace {

/// One tile on one subarray: 20 vectors, K = N = 32.
std::vector<Instruction> one_tile(std::uint64_t load_at) {
    return {Instruction::of(Opcode::LoadWeights, load_at, 32 * 32 * 2, 0),
            Instruction::of(Opcode::LoadActivations, 0x20000, 20 * 32 * 2, 20),
            Instruction::of(Opcode::Compute, 20 | 32ull << 16 | 32ull << 32),
            Instruction::of(Opcode::Store, 0x30000, 20 * 32 * 2), Instruction::of(Opcode::End)};
}

struct Firmware : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Firmware, 32> socket{"socket"};
    AcceleratorDriver driver{[this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { socket->b_transport(t, d); }};
    std::function<void(Firmware&)> body;
    SC_HAS_PROCESS(Firmware);
    explicit Firmware(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() { body(*this); }
};

}  // namespace

TEST_CASE("driver: start, poll, interrupt, counters and a memory error, from a firmware thread", "[driver]") {
    ArchConfig cfg;
    cfg.offchip.channels = 1;
    Accelerator<32> accel("accelerator", cfg);
    ChannelMemory<32> memory("memory", 1ull << 32, cfg.offchip.bandwidth_gbps, cfg.offchip.latency_ns);
    Firmware fw("firmware");
    sc_core::sc_signal<bool> irq{"irq"};
    fw.socket.bind(accel.host);
    accel.irq.bind(irq);
    accel.memory[0].bind(memory.socket);
    const auto good = encode_program(one_tile(0x10000)), bad = encode_program(one_tile(0x1'2345'0000ull));
    memory.load(0x100000, good.data(), good.size());
    memory.load(0x200000, bad.data(), bad.size());
    sc_core::sc_report_handler::set_actions("/planaria/sequencer/memory", sc_core::SC_DO_NOTHING);

    AcceleratorDriver::SequencerCounters a, b;
    std::uint64_t polled = 0, timed_out = ~0ull;
    bool interrupted = false;
    sc_core::sc_time poll_start, poll_end;
    fw.body = [&](Firmware& f) {
        AcceleratorDriver& drv = f.driver;
        drv.enable_interrupts();
        drv.start({7, {2}, {0x100000}, {}, 0});
        polled = drv.poll({2}, sc_core::sc_time(100, sc_core::SC_NS));
        a = drv.counters(2);
        drv.acknowledge();
        drv.start({8, {3}, {0x200000}, {}, 0});
        interrupted = drv.wait_for_interrupt(irq);  // the line the firmware's interrupt controller sees
        b = drv.counters(3);
        // Nobody runs on subarray 9: polling it gives up after its timeout.
        poll_start = sc_core::sc_time_stamp();
        timed_out = drv.poll({9}, sc_core::sc_time(100, sc_core::SC_NS), sc_core::sc_time(1, sc_core::SC_US));
        poll_end = sc_core::sc_time_stamp();
    };
    sc_core::sc_start();
    CHECK(polled == 1u << 2);
    CHECK(a.stopped());
    CHECK(a.status == kSeqStatusDone);
    CHECK(a.error == kSeqErrorNone);
    CHECK(a.tiles == 1);
    CHECK(a.pc == 5);
    CHECK(a.busy_cycles == tile_cycles(cfg, {1, 1}, {20, 32, 32}, false).total());
    CHECK(a.bytes == 32 * 32 * 2 + 2 * 20 * 32 * 2 + 2 * cfg.instruction_buffer.bytes);
    CHECK(interrupted);
    CHECK(b.stopped());
    CHECK(b.status & kSeqStatusError);
    CHECK(b.error == kSeqErrorMemory);
    CHECK(timed_out == 0);
    CHECK(poll_end - poll_start >= sc_core::sc_time(1, sc_core::SC_US));
}
