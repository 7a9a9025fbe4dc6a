// The register description for firmware (planaria_regs.h, planaria_regs.json)
// against the chip: every described register answers at its address with
// its reset value and access, nothing else answers, and the C header's
// macros give the same addresses, resets, masks and codes.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "hw/accelerator/accelerator.h"
#include "hw/config/arch_yaml.h"
#include "hw/regfile/register_description.h"
#include "support/tlm_test_host.h"
#include "unit/register_header_check.h"

using namespace planaria;
using planaria::test::TestHost;
namespace d = regmap::description;

namespace {

/// A chip of `cfg` with a register host.
struct Chip {
    TestHost host{"host"};
    Accelerator<32> accel;
    sc_core::sc_signal<bool> irq{"irq"};
    explicit Chip(const ArchConfig& cfg) : accel("accelerator", cfg) {
        host.socket.bind(accel.host);
        accel.irq.bind(irq);
    }
};

/// Checks every register of `desc` on a freshly built chip of `cfg` (no memories bound: nothing runs).
void check_against_chip(const ArchConfig& cfg) {
    const RegisterDescription desc = describe_registers(cfg);
    Chip chip(cfg);
    std::set<std::uint64_t> described;
    for (const auto& r : desc.instances()) {
        INFO(r.name << " at 0x" << std::hex << r.address);
        REQUIRE(described.insert(r.address).second);
        std::uint32_t value = 0;
        REQUIRE(chip.host.read(r.address, value) == tlm::TLM_OK_RESPONSE);
        CHECK(value == r.reg->reset);
        const std::uint32_t reserved = ~r.reg->writable;
        if (r.reg->access == d::Access::ReadOnly) {
            CHECK(chip.host.write(r.address, 0) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        } else if (reserved) {
            // A write setting a reserved bit is refused and changes nothing.
            CHECK(chip.host.write(r.address, reserved & (~reserved + 1)) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        }
        if (r.reg->access == d::Access::ReadWrite) {
            REQUIRE(chip.host.write(r.address, r.reg->writable) == tlm::TLM_OK_RESPONSE);
            CHECK(chip.host.read(r.address) == r.reg->writable);
            REQUIRE(chip.host.write(r.address, r.reg->reset) == tlm::TLM_OK_RESPONSE);
        }
        if (r.reg->access == d::Access::Command) CHECK(chip.host.read(r.address) == 0);
        // Fields lie inside the register, apart from each other, and name every writable bit.
        std::uint32_t covered = 0;
        for (const auto& f : r.reg->fields) {
            CHECK(f.lsb + f.width <= 32);
            CHECK((covered & f.mask()) == 0);
            covered |= f.mask();
        }
        if (!r.reg->fields.empty()) CHECK((r.reg->writable & ~covered) == 0);
    }
    // Nothing else answers: every other aligned word up to the last block's end is unmapped.
    const std::uint64_t end = (--described.end()).operator*() + regmap::kSequencerStride;
    for (std::uint64_t a = 0; a < end; a += 4)
        if (!described.count(a)) {
            std::uint32_t v = 0;
            INFO("0x" << std::hex << a);
            CHECK(chip.host.read(a, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        }
}

}  // namespace

TEST_CASE("register description: every register of the Planaria chip answers as described, nothing else does",
          "[registers]") {
    check_against_chip(ArchConfig{});
}

TEST_CASE("register description: the monolithic chip (one pod of one subarray) answers as described", "[registers]") {
    check_against_chip(load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/monolithic.yaml"));
}

TEST_CASE("register description: the generated JSON is the description, block by block", "[registers]") {
    const RegisterDescription desc = describe_registers(ArchConfig{});
    std::ifstream in(PLANARIA_REGS_JSON);
    REQUIRE(in);
    const nlohmann::json doc = nlohmann::json::parse(in);
    CHECK(doc.at("format") == "planaria-registers/1");
    CHECK(doc.at("architecture").at("subarrays") == desc.subarrays);
    const auto& blocks = doc.at("address_blocks");
    REQUIRE(blocks.size() == desc.blocks.size());
    std::size_t registers = 0;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        const DescribedBlock& want = desc.blocks[b];
        CHECK(blocks[b].at("name") == want.name);
        CHECK(blocks[b].at("base") == want.base);
        CHECK(blocks[b].at("stride") == want.stride);
        CHECK(blocks[b].at("count") == want.count);
        REQUIRE(blocks[b].at("registers").size() == want.registers.size());
        for (std::size_t r = 0; r < want.registers.size(); ++r) {
            const auto& reg = blocks[b].at("registers")[r];
            CHECK(reg.at("name") == want.registers[r].name);
            CHECK(reg.at("offset") == want.registers[r].offset);
            CHECK(reg.at("reset") == want.registers[r].reset);
            CHECK(reg.at("writable_mask") == want.registers[r].writable);
            CHECK(reg.at("access") == d::access_name(want.registers[r].access));
            CHECK(reg.at("fields").size() == want.registers[r].fields.size());
            registers += want.count;
        }
    }
    CHECK(registers == desc.instances().size());
    // The sequencer's error codes are the ones the chip reports.
    const auto& seq = blocks[4];
    REQUIRE(seq.at("name") == "SEQUENCER");
    bool found = false;
    for (const auto& reg : seq.at("registers"))
        if (reg.at("name") == "ERROR")
            for (const auto& v : reg.at("values"))
                if (v.at("name") == "MEMORY") found = v.at("value") == regmap::kSeqErrorMemory;
    CHECK(found);
}

TEST_CASE("register description: the C header's macros give the described addresses, resets and masks",
          "[registers]") {
    const RegisterDescription desc = describe_registers(ArchConfig{});
    std::map<std::string, RegisterDescription::Instance> by_name;
    for (const auto& r : desc.instances()) by_name.emplace(r.name, r);
    REQUIRE(c_register_count == 8 + 4 + 6 + 2 * 18);
    for (unsigned i = 0; i < c_register_count; ++i) {
        const c_register& c = c_registers[i];
        INFO(c.name);
        const auto it = by_name.find(c.name);
        REQUIRE(it != by_name.end());
        CHECK(c.address == it->second.address);
        CHECK(c.reset == it->second.reg->reset);
        CHECK(c.writable == it->second.reg->writable);
    }
    // The constants firmware tests and sets, against the model's own definitions.
    const std::map<std::string, unsigned long long> expected = {
        {"SUBARRAYS", 16},
        {"PODS", 4},
        {"SEQUENCER_COUNT", 16},
        {"CONTROL_COMMIT_MASK", regmap::kControlCommit},
        {"STATUS_ARRAYS_SHIFT", regmap::kStatusArraysShift},
        {"STATUS_ARRAYS_MASK", 0xFFu << regmap::kStatusArraysShift},
        {"ERROR_CODE_CYCLE", unsigned(FissionErrorCode::Cycle)},
        {"SUBARRAY_NEXT_ACTIVATION_WESTWARD_MASK", regmap::kActivationWestward},
        {"SUBARRAY_NEXT_LINK_EAST_MASK", regmap::link_bit(regmap::Side::East)},
        {"POD_CROSSBAR_NEXT_SELECTOR3_SHIFT", 6},
        {"POD_CROSSBAR_NEXT_SELECTOR3_MASK", 0xC0},
        {"IRQ_STATUS_COMPLETION_MASK", regmap::kIrqCompletion},
        {"IRQ_STATUS_ERROR_MASK", regmap::kIrqError},
        {"SEQUENCER_DOORBELL_START_MASK", regmap::kDoorbellStart},
        {"SEQUENCER_DOORBELL_RESUME_MASK", regmap::kDoorbellResume},
        {"SEQUENCER_DOORBELL_PARTIES_SHIFT", regmap::kDoorbellPartiesShift},
        {"SEQUENCER_STATUS_DONE_MASK", regmap::kSeqStatusDone},
        {"SEQUENCER_STATUS_PREEMPTED_MASK", regmap::kSeqStatusPreempted},
        {"SEQUENCER_ERROR_MEMORY", regmap::kSeqErrorMemory},
        {"SEQUENCER_ERROR_DATAPATH", regmap::kSeqErrorDatapath},
    };
    REQUIRE(c_constant_count == expected.size());
    for (unsigned i = 0; i < c_constant_count; ++i) {
        INFO(c_constants[i].name);
        REQUIRE(expected.count(c_constants[i].name));
        CHECK(c_constants[i].value == expected.at(c_constants[i].name));
    }
}
