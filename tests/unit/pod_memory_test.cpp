// Protocol tests of a Fission Pod's memory sockets: Pod Memory itself
// (activation and output buffers, byte enables, errors, debug, DMI) and the
// activation and output crossbars in front of it (routing by selector,
// read-only activations, DMI with the crossbar's latency).
#include <catch2/catch.hpp>

#include <vector>

#include "hw/config/arch_config.h"
#include "hw/pod/pod_crossbar.h"
#include "hw/pod/pod_memory.h"
#include "support/protocol_helpers.h"
#include "support/tlm_test_host.h"
#include "tlm/protocol_checker.h"

using namespace planaria;
using planaria::test::TestHost;
using planaria::test::write_enabled;
using sc_core::SC_NS;
using sc_core::sc_time;

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
    // The target's side of the rules checked on Pod Memory and on a crossbar.
    ProtocolChecker<> memory_checker("memory_checker", false), crossbar_checker("crossbar_checker", false);
    direct.socket.bind(memory_checker.target);
    memory_checker.initiator.bind(mem.port);
    slot0.socket.bind(crossbar_checker.target);
    crossbar_checker.initiator.bind(act.port);  // bindings in slot order
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
    // DMI through a crossbar: the buffer the selector names now, at 0, read
    // only through the activation crossbar, with the crossbar's latency.
    const sc_time crossbar(cfg.pod.crossbar_latency_cycles * cfg.clock_period_ns(), sc_core::SC_NS);
    CHECK(direct.transact(tlm::TLM_WRITE_COMMAND, mem.activation_base(3) + 16, data, 8) == tlm::TLM_OK_RESPONSE);
    t.set_address(16);
    tlm::tlm_dmi through;
    REQUIRE(slot0.socket->get_direct_mem_ptr(t, through));
    CHECK(through.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_READ);
    CHECK(through.get_start_address() == 0);
    CHECK(through.get_end_address() == act_bytes - 1);
    CHECK(through.get_read_latency() == crossbar);
    CHECK(std::vector<unsigned char>(through.get_dmi_ptr() + 16, through.get_dmi_ptr() + 24) ==
          std::vector<unsigned char>(data, data + 8));
    tlm::tlm_dmi written;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(8);
    REQUIRE(out0.socket->get_direct_mem_ptr(t, written));
    CHECK(written.is_write_allowed());
    CHECK(written.get_end_address() == out_bytes - 1);
    CHECK(written.get_write_latency() == crossbar);
    CHECK(std::vector<unsigned char>(written.get_dmi_ptr() + 8, written.get_dmi_ptr() + 16) ==
          std::vector<unsigned char>(data, data + 8));  // output buffer 3, written above
    t.set_address(out_bytes);
    tlm::tlm_dmi beyond;
    CHECK_FALSE(out0.socket->get_direct_mem_ptr(t, beyond));
    CHECK(beyond.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
}
