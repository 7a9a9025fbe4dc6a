// Protocol tests of Accelerator.host, the register interface, for what
// accelerator_test does not cover: byte enables, burst and streaming width,
// the gap between the two register blocks, ignore command, debug writes,
// timing annotation, DMI refusal. (accelerator_test covers unmapped,
// misaligned, read-only and reserved-bit accesses, debug reads and DMI
// refused for one register.)
#include <catch2/catch.hpp>

#include <vector>

#include "hw/accelerator/accelerator.h"
#include "support/scripted_soc.h"
#include "tlm/register_map.h"

using namespace planaria;
using namespace planaria::regmap;
using planaria::test::one_tile;
using planaria::test::Soc;
using sc_core::SC_NS;
using sc_core::sc_time;

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
