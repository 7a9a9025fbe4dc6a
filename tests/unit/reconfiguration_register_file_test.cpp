// The reconfiguration register file through its TLM-2.0 target socket: every
// register, masks, the standard error responses, debug access, commit at a
// tile boundary, and refusal of unrealisable configurations.
#include <catch2/catch.hpp>

#include <planaria/version.h>

#include "hw/config/arch_yaml.h"
#include "hw/fission/fission_encoder.h"
#include "hw/regfile/reconfiguration_register_file.h"
#include "support/tlm_test_host.h"
#include "tlm/protocol_checker.h"

using namespace planaria;
using namespace planaria::regmap;
using planaria::test::TestHost;

namespace {

/// A register file and a host bound to it (one per test case: one elaboration per process).
struct Bench {
    ArchConfig cfg;
    TestHost host{"host"};
    ProtocolChecker<> checker{"checker", /*check_initiator=*/false};  // the target's side of the rules
    ReconfigurationRegisterFile regs;
    explicit Bench(const ArchConfig& c = ArchConfig{}) : cfg(c), regs("regs", cfg) {
        host.socket.bind(checker.target);
        checker.initiator.bind(regs.socket);
    }

    void write_ok(std::uint64_t a, std::uint32_t v) { REQUIRE(host.write(a, v) == tlm::TLM_OK_RESPONSE); }
    std::uint32_t status() { return host.read(kStatus); }
    /// Programs a whole-chip state through the bus, as a host driver would.
    void program(const FissionState& st) {
        for (unsigned i = 0; i < st.subarray.size(); ++i) write_ok(subarray_next(i), st.subarray[i]);
    }
};

}  // namespace

TEST_CASE("identification registers", "[regfile]") {
    Bench b;
    CHECK(b.host.read(kId) == kIdValue);
    CHECK(b.host.read(kVersion) ==
          std::uint32_t(PLANARIA_VERSION_MAJOR << 16 | PLANARIA_VERSION_MINOR << 8 | PLANARIA_VERSION_PATCH));
    const std::uint32_t g = b.host.read(kGeometry);
    CHECK((g >> kGeometrySubarraysShift & 0xFF) == 16);
    CHECK((g >> kGeometryPodsShift & 0xFF) == 4);
    CHECK((g >> kGeometryGridRowsShift & 0xFF) == 4);
    CHECK((g >> kGeometryGridColsShift & 0xFF) == 4);
    CHECK(b.host.read(kCommitCount) == 0);
    // Reset: every next state valid, no error, 16 independent arrays.
    CHECK(b.status() == (kStatusNextValid | 16u << kStatusArraysShift));
    CHECK(b.host.read(kError) == 0);
    CHECK(b.host.read(kNextError) == 0);
}

TEST_CASE("every subarray and pod register is reachable and holds its bits", "[regfile]") {
    Bench b;
    for (unsigned i = 0; i < 16; ++i) {
        INFO("subarray " << i);
        CHECK(b.host.read(subarray_current(i)) == 0);
        CHECK(b.host.read(subarray_next(i)) == 0);
        b.write_ok(subarray_next(i), kActivationWestward | kPartialSumNorthward);
        CHECK(b.host.read(subarray_next(i)) == (kActivationWestward | kPartialSumNorthward));
        CHECK(b.host.read(subarray_current(i)) == 0);  // only a commit changes the current state
    }
    for (unsigned p = 0; p < 4; ++p) {
        INFO("pod " << p);
        CHECK(b.host.read(pod_crossbar_current(p)) == 0xE4);  // identity: slot i selects buffer i
        CHECK(b.host.read(pod_crossbar_next(p)) == 0xE4);
        b.write_ok(pod_crossbar_next(p), 0x1B);  // reversed: slot i selects buffer 3 - i
        CHECK(b.host.read(pod_crossbar_next(p)) == 0x1B);
        CHECK(b.regs.next().selector[p * 4 + 0] == 3);
        CHECK(b.regs.next().selector[p * 4 + 3] == 0);
    }
    // With 4 subarrays per pod the crossbar state is 8 bits: no second word.
    std::uint32_t v;
    CHECK(b.host.read(pod_crossbar_next(0, 1), v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Nothing beyond the 16 subarrays and 4 pods.
    CHECK(b.host.read(subarray_next(16), v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(b.host.read(pod_crossbar_next(4), v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("64 subarrays in 4 pods use two crossbar words of 4-bit selectors", "[regfile]") {
    Bench b{load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/granularity-16.yaml")};
    CHECK(b.host.read(pod_crossbar_next(0, 0)) == 0x76543210);
    CHECK(b.host.read(pod_crossbar_next(0, 1)) == 0xFEDCBA98);
    b.write_ok(pod_crossbar_next(3, 1), 0x01234567);
    CHECK(b.regs.next().selector[3 * 16 + 8] == 7);
    CHECK(b.regs.next().selector[3 * 16 + 15] == 0);
    CHECK(b.host.read(subarray_next(63)) == 0);
}

TEST_CASE("bad accesses get the standard TLM error responses and change nothing", "[regfile]") {
    Bench b;
    std::uint32_t v = 0;
    unsigned char data[8] = {};
    unsigned char enables[4] = {0xFF, 0xFF, 0, 0};

    SECTION("unmapped and misaligned addresses") {
        CHECK(b.host.read(0x0FFC, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(b.host.write(0x0024, 1) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(b.host.read(subarray_next(0) + 1, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(b.host.write(subarray_next(0) + 2, 1) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK_THAT(b.regs.registers().last_error(), Catch::Contains("misaligned"));
    }
    SECTION("accesses wider or narrower than a register") {
        CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, subarray_next(0), data, 8) == tlm::TLM_BURST_ERROR_RESPONSE);
        CHECK(b.host.transact(tlm::TLM_READ_COMMAND, subarray_next(0), data, 2) == tlm::TLM_BURST_ERROR_RESPONSE);
        CHECK(b.host.transact(tlm::TLM_READ_COMMAND, subarray_next(0), data, 4, nullptr, 2) ==
              tlm::TLM_BURST_ERROR_RESPONSE);
    }
    SECTION("byte enables") {
        CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, subarray_next(0), data, 4, enables) ==
              tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    }
    SECTION("writes to read-only registers") {
        for (auto a : {kId, kVersion, kGeometry, kStatus, kError, kNextError, kCommitCount, subarray_current(3),
                       pod_crossbar_current(1)}) {
            INFO("address " << a);
            CHECK(b.host.write(a, 0) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        }
        CHECK_THAT(b.regs.registers().last_error(), Catch::Contains("read-only"));
    }
    SECTION("reserved bits") {
        CHECK(b.host.write(subarray_next(2), 0x40) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        CHECK(b.host.write(subarray_next(2), 0xFFFFFFFF) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        CHECK(b.host.write(pod_crossbar_next(0), 0x100) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        CHECK(b.host.write(kControl, 0x8) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        CHECK_THAT(b.regs.registers().last_error(), Catch::Contains("reserved bits"));
    }
    SECTION("ignore command") {
        CHECK(b.host.transact(tlm::TLM_IGNORE_COMMAND, 0xFFFF, data, 4) == tlm::TLM_OK_RESPONSE);
    }
    // Nothing of the above reached the state.
    for (unsigned i = 0; i < 16; ++i) CHECK(b.regs.next().subarray[i] == 0);
    CHECK(b.host.read(pod_crossbar_next(0)) == 0xE4);
    CHECK_FALSE(b.regs.commit_pending());
}

TEST_CASE("register accesses take the configured time", "[regfile]") {
    Bench b;
    b.host.delay = sc_core::SC_ZERO_TIME;
    b.host.read(kId);
    b.write_ok(subarray_next(0), 0);
    // 2 cycles per access at 700 MHz.
    CHECK(b.host.delay == sc_core::sc_time(2 * 2 * 1000.0 / 700.0, sc_core::SC_NS));
}

TEST_CASE("debug transport reads and writes state without side effects or time", "[regfile]") {
    Bench b;
    std::vector<unsigned char> block(16 * 8, 0);
    b.write_ok(subarray_next(1), 0x3);
    b.host.delay = sc_core::SC_ZERO_TIME;  // from here on only debug accesses
    CHECK(b.host.debug(tlm::TLM_READ_COMMAND, kSubarrayBase, block) == 16 * 8);
    CHECK(block[8 + 4] == 0x3);  // subarray 1, NEXT
    // A debug read stops at the first hole in the map.
    std::vector<unsigned char> across(12, 0);
    CHECK(b.host.debug(tlm::TLM_READ_COMMAND, kCommitCount - 4, across) == 8);
    // Debug writes change state registers but never trigger commands.
    std::vector<unsigned char> word = {0x02, 0, 0, 0};
    CHECK(b.host.debug(tlm::TLM_WRITE_COMMAND, subarray_next(5), word) == 4);
    CHECK(b.regs.next().subarray[5] == 0x2);
    std::vector<unsigned char> commit = {kControlCommit, 0, 0, 0};
    CHECK(b.host.debug(tlm::TLM_WRITE_COMMAND, kControl, commit) == 0);
    CHECK_FALSE(b.regs.commit_pending());
    CHECK(b.host.debug(tlm::TLM_WRITE_COMMAND, subarray_current(5), word) == 0);
    std::vector<unsigned char> reserved = {0x40, 0, 0, 0};
    CHECK(b.host.debug(tlm::TLM_WRITE_COMMAND, subarray_next(5), reserved) == 0);
    CHECK(b.host.debug(tlm::TLM_READ_COMMAND, kId + 2, word) == 0);  // misaligned
    CHECK(b.host.delay == sc_core::SC_ZERO_TIME);
}

TEST_CASE("the register file grants no DMI", "[regfile]") {
    Bench b;
    tlm::tlm_generic_payload trans;
    trans.set_address(subarray_next(0));
    trans.set_command(tlm::TLM_READ_COMMAND);
    tlm::tlm_dmi dmi;
    CHECK_FALSE(b.host.socket->get_direct_mem_ptr(trans, dmi));
    CHECK(dmi.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
}

TEST_CASE("a commit moves next to current only at a tile boundary", "[regfile]") {
    Bench b;
    const Floorplan& fp = b.regs.floorplan();
    LogicalArray whole;
    whole.block_rows = 4;
    whole.block_cols = 4;
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned c = 0; c < 4; ++c) whole.subarrays.push_back(fp.subarray_at({r, c}));
    const FissionState st = place_array(fp, whole, FissionState::reset(fp));
    b.program(st);
    CHECK(b.status() & kStatusNextValid);

    bool committed = false;
    sc_core::sc_spawn([&] { sc_core::wait(b.regs.committed_event()); committed = true; });

    b.write_ok(kControl, kControlCommit);
    CHECK(b.status() & kStatusCommitPending);
    CHECK(b.host.read(subarray_current(0)) == 0);  // the tile in flight still runs on the old state
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_NS));
    CHECK_FALSE(committed);

    b.regs.tile_boundary();
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_NS));
    CHECK(committed);
    for (unsigned i = 0; i < 16; ++i) CHECK(b.host.read(subarray_current(i)) == st.subarray[i]);
    CHECK(b.host.read(kCommitCount) == 1);
    CHECK_FALSE(b.status() & kStatusCommitPending);
    CHECK((b.status() >> kStatusArraysShift & 0xFF) == 1);
    REQUIRE(b.regs.topology().arrays.size() == 1);
    CHECK(b.regs.topology().arrays[0].subarrays == whole.subarrays);

    // A tile boundary without a pending commit changes nothing.
    b.write_ok(subarray_next(0), 0);
    b.regs.tile_boundary();
    CHECK(b.host.read(subarray_current(0)) == st.subarray[0]);
    CHECK(b.host.read(kCommitCount) == 1);
}

TEST_CASE("an aborted commit does not happen", "[regfile]") {
    Bench b;
    b.write_ok(subarray_next(0), kActivationWestward);
    b.write_ok(kControl, kControlCommit);
    b.write_ok(kControl, kControlAbort);
    CHECK_FALSE(b.status() & kStatusCommitPending);
    b.regs.tile_boundary();
    CHECK(b.host.read(subarray_current(0)) == 0);
    CHECK(b.host.read(kCommitCount) == 0);
}

TEST_CASE("an unrealisable next state is flagged, refused at commit, and reported", "[regfile]") {
    Bench b;
    const Floorplan& fp = b.regs.floorplan();
    const unsigned a = fp.subarray_at({0, 0});
    // First a valid configuration is committed, so refusal must keep it.
    b.write_ok(subarray_next(a), kActivationWestward);
    b.write_ok(kControl, kControlCommit);
    b.regs.tile_boundary();
    REQUIRE(b.host.read(subarray_current(a)) == kActivationWestward);

    // A link east with no matching link back: one-sided.
    b.write_ok(subarray_next(a), link_bit(Side::East));
    CHECK_FALSE(b.status() & kStatusNextValid);
    const std::uint32_t why = b.host.read(kNextError);
    CHECK((why >> kErrorCodeShift & 0xFF) == std::uint32_t(FissionErrorCode::OneSidedLink));
    CHECK((why >> kErrorUnitShift & 0xFF) == a);
    CHECK((why >> kErrorSideShift & 0xF) == unsigned(Side::East));

    b.write_ok(kControl, kControlCommit);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    b.regs.tile_boundary();
    CHECK(b.host.read(subarray_current(a)) == kActivationWestward);  // unchanged
    CHECK(b.host.read(kCommitCount) == 1);
    CHECK(b.status() & kStatusError);
    CHECK(b.host.read(kError) == why);
    REQUIRE(b.regs.refused());
    CHECK_THAT(b.regs.refused()->message, Catch::Contains("subarray 0"));

    // Completing the link makes the next state valid again; CLEAR_ERROR clears.
    b.write_ok(subarray_next(fp.subarray_at({0, 1})), link_bit(Side::West));
    CHECK(b.status() & kStatusNextValid);
    CHECK(b.host.read(kNextError) == 0);
    b.write_ok(kControl, kControlClearError);
    CHECK_FALSE(b.status() & kStatusError);
    CHECK(b.host.read(kError) == 0);
}

TEST_CASE("each kind of unrealisable state is refused through the bus", "[regfile]") {
    Bench b;
    const Floorplan& fp = b.regs.floorplan();
    const unsigned a = fp.subarray_at({0, 0}), e = fp.subarray_at({0, 1}), s = fp.subarray_at({1, 0});
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    struct Case {
        const char* name;
        std::vector<std::pair<unsigned, std::uint32_t>> next;
        std::uint32_t crossbar0;
        FissionErrorCode code;
    };
    const std::vector<Case> cases = {
        {"one-sided", {{a, link_bit(Side::South)}}, 0xE4, FissionErrorCode::OneSidedLink},
        {"activations collide",
         {{a, link_bit(Side::East)}, {e, link_bit(Side::West) | kActivationWestward}},
         0xE4,
         FissionErrorCode::DirectionConflict},
        {"partial sums collide",
         {{a, link_bit(Side::South)}, {s, link_bit(Side::North) | kPartialSumNorthward}},
         0xE4,
         FissionErrorCode::DirectionConflict},
        {"L shape",
         {{a, link_bit(Side::East) | link_bit(Side::South)}, {e, link_bit(Side::West)}, {s, link_bit(Side::North)}},
         0xE4,
         FissionErrorCode::NotRectangular},
        {"two outputs into one buffer", {}, 0xE0, FissionErrorCode::OutputConflict},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        for (unsigned i = 0; i < 16; ++i) b.write_ok(subarray_next(i), 0);
        for (const auto& [sub, bits] : c.next) b.write_ok(subarray_next(sub), bits);
        b.write_ok(pod_crossbar_next(0), c.crossbar0);
        CHECK_FALSE(b.status() & kStatusNextValid);
        b.write_ok(kControl, kControlCommit | kControlClearError);
        b.regs.tile_boundary();
        CHECK((b.host.read(kError) & 0xFF) == std::uint32_t(c.code));
        for (unsigned i = 0; i < 16; ++i) CHECK(b.host.read(subarray_current(i)) == 0);
        CHECK(b.host.read(pod_crossbar_current(0)) == 0xE4);
    }
    CHECK(b.host.read(kCommitCount) == 0);
}
