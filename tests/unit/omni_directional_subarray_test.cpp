// Protocol tests of OmniDirectionalSubarray.weight_bus, the bus that
// reaches the PEs of one subarray: routing, byte enables, address errors,
// debug access, DMI ranges and their invalidation. (systolic_datapath_test
// covers PE debug access and PE DMI through the weight bus.)
#include <catch2/catch.hpp>

#include <vector>

#include "hw/config/arch_config.h"
#include "hw/subarray/omni_directional_subarray.h"
#include "support/protocol_helpers.h"
#include "support/tlm_test_host.h"
#include "tlm/protocol_checker.h"

using namespace planaria;
using planaria::test::le16;
using planaria::test::TestHost;
using planaria::test::write_enabled;

TEST_CASE("protocol: subarray weight bus: routing byte enables address errors debug DMI ranges and invalidation",
          "[protocol][pe]") {
    const ArchConfig cfg;
    OmniDirectionalSubarray sub("subarray", cfg, 0);
    TestHost host("host");
    ProtocolChecker<> checker("checker", /*check_initiator=*/false);  // the target's side of the rules
    host.socket.bind(checker.target);
    checker.initiator.bind(sub.weight_bus);
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
