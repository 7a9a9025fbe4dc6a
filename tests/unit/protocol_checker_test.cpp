// The base-protocol checker (tlm/protocol_checker.h): transparent between a
// sound initiator and target, and it names the rule a deliberately broken
// initiator or target breaks. Internal sockets of every kind are checked in
// their own tests with a checker in between; the chip's external sockets in
// every platform (testbench/replay.h, testbench/tile_level_node.h).
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <vector>

#include "hw/config/arch_config.h"
#include "hw/pe/processing_element.h"
#include "support/tlm_test_host.h"
#include "tlm/protocol_checker.h"

using namespace planaria;
using planaria::test::TestHost;

namespace {

/// A memory target that can be told to break one rule.
struct Target : sc_core::sc_module {
    enum class Fault { None, LeaveIncomplete, ChangeAddress, GrantElsewhere, DebugTooMuch };
    tlm_utils::simple_target_socket<Target> socket{"socket"};
    std::vector<unsigned char> bytes = std::vector<unsigned char>(256, 0);
    Fault fault = Fault::None;
    explicit Target(sc_core::sc_module_name n) : sc_module(n) {
        socket.register_b_transport(this, &Target::b_transport);
        socket.register_transport_dbg(this, &Target::transport_dbg);
        socket.register_get_direct_mem_ptr(this, &Target::get_direct_mem_ptr);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        delay += sc_core::sc_time(10, sc_core::SC_NS);
        if (fault == Fault::ChangeAddress) t.set_address(t.get_address() + 4);
        if (fault == Fault::LeaveIncomplete) return;
        if (t.is_read()) std::memcpy(t.get_data_ptr(), &bytes[t.get_address()], t.get_data_length());
        else std::memcpy(&bytes[t.get_address()], t.get_data_ptr(), t.get_data_length());
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& t) {
        return fault == Fault::DebugTooMuch ? t.get_data_length() + 1 : t.get_data_length();
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
        dmi.set_dmi_ptr(bytes.data());
        dmi.allow_read_write();
        dmi.set_start_address(fault == Fault::GrantElsewhere ? t.get_address() + 16 : 0);
        dmi.set_end_address(bytes.size() - 1);
        return true;
    }
};

struct Bench {
    TestHost host{"host"};
    ProtocolChecker<> checker{"checker"};
    Target target{"target"};
    Bench() {
        host.socket.bind(checker.target);
        checker.initiator.bind(target.socket);
    }
    /// b_transport with a payload `edit` may break first.
    tlm::tlm_response_status send(const std::function<void(tlm::tlm_generic_payload&)>& edit) {
        unsigned char data[4] = {1, 2, 3, 4};
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_WRITE_COMMAND);
        t.set_address(8);
        t.set_data_ptr(data);
        t.set_data_length(4);
        t.set_streaming_width(4);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        edit(t);
        sc_core::sc_time delay;
        host.socket->b_transport(t, delay);
        return t.get_response_status();
    }
};

}  // namespace

TEST_CASE("protocol checker: transparent between a sound initiator and target", "[protocol][checker]") {
    Bench b;
    CHECK(b.host.write(16, 0xCAFEF00Du) == tlm::TLM_OK_RESPONSE);
    std::uint32_t v = 0;
    CHECK(b.host.read(16, v) == tlm::TLM_OK_RESPONSE);
    CHECK(v == 0xCAFEF00Du);
    CHECK(b.host.delay == sc_core::sc_time(20, sc_core::SC_NS));  // the target's annotation passes through
    std::vector<unsigned char> dbg(8);
    CHECK(b.host.debug(tlm::TLM_READ_COMMAND, 16, dbg) == 8);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(4);
    tlm::tlm_dmi dmi;
    CHECK(b.host.socket->get_direct_mem_ptr(t, dmi));
    CHECK(b.checker.violations().empty());
    CHECK(b.checker.transactions() == 3);
}

TEST_CASE("protocol checker: catches a broken initiator", "[protocol][checker]") {
    Bench b;
    const auto breaks = [&](const std::function<void(tlm::tlm_generic_payload&)>& edit, const char* rule) {
        CHECK_THROWS_WITH(b.send(edit), Catch::Contains(rule));
    };
    breaks([](auto& t) { t.set_response_status(tlm::TLM_OK_RESPONSE); }, "TLM_INCOMPLETE_RESPONSE before sending");
    breaks([](auto& t) { t.set_data_length(0); }, "without data");
    breaks([](auto& t) { t.set_data_ptr(nullptr); }, "without data");
    breaks([](auto& t) { t.set_streaming_width(0); }, "streaming width of zero");
    static unsigned char be[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    breaks([](auto& t) { t.set_byte_enable_ptr(be), t.set_byte_enable_length(0); }, "byte-enable length of zero");
    breaks([](auto& t) { t.set_dmi_allowed(true); }, "did not clear the DMI hint");
    breaks([](auto& t) { t.set_address(~0ull - 1); }, "wraps around");
    CHECK(b.checker.violations().size() == 7);
}

TEST_CASE("protocol checker: catches a broken target", "[protocol][checker]") {
    Bench b;
    b.target.fault = Target::Fault::LeaveIncomplete;
    CHECK_THROWS_WITH(b.host.write(0, 1), Catch::Contains("returned TLM_INCOMPLETE_RESPONSE"));
    b.target.fault = Target::Fault::ChangeAddress;
    CHECK_THROWS_WITH(b.host.write(0, 1), Catch::Contains("changed an attribute"));
    b.target.fault = Target::Fault::DebugTooMuch;
    std::vector<unsigned char> dbg(4);
    CHECK_THROWS_WITH(b.host.debug(tlm::TLM_READ_COMMAND, 0, dbg), Catch::Contains("more bytes than asked"));
    b.target.fault = Target::Fault::GrantElsewhere;
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(4);
    tlm::tlm_dmi dmi;
    CHECK_THROWS_WITH(b.host.socket->get_direct_mem_ptr(t, dmi), Catch::Contains("does not cover"));
}

TEST_CASE("protocol checker: a processing element's socket keeps the rules", "[protocol][checker][pe]") {
    const ArchConfig cfg;
    PeState state(2, 2, cfg.subarray.weight_buffer_bytes / 2);
    ProcessingElement pe("pe", state, 3);
    TestHost host("host");
    ProtocolChecker<> checker("checker");
    host.socket.bind(checker.target);
    checker.initiator.bind(pe.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    // Weights written and read back through the checker; debug reads of the registers.
    CHECK(host.write(0, 0x00050003u) == tlm::TLM_OK_RESPONSE);
    std::uint32_t v = 0;
    CHECK(host.read(0, v) == tlm::TLM_OK_RESPONSE);
    CHECK(v == 0x00050003u);
    std::vector<unsigned char> regs(12);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, pe.accumulator_offset(), regs) == 12);
    // The ignore command: answered OK, nothing changed.
    unsigned char junk[4] = {9, 9, 9, 9};
    CHECK(host.transact(tlm::TLM_IGNORE_COMMAND, 0, junk, 4) == tlm::TLM_OK_RESPONSE);
    CHECK(host.read(0, v) == tlm::TLM_OK_RESPONSE);
    CHECK(v == 0x00050003u);
    // The read-only registers refuse a write, beyond the PE nothing answers: errors, still by the rules.
    CHECK(host.write(pe.accumulator_offset(), 1) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(host.read(ProcessingElement::address_span(cfg.subarray.weight_buffer_bytes), v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(checker.violations().empty());
}
