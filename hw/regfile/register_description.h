#pragma once
// The host register map of one architecture, described for firmware and
// tools: tlm/register_map.h's table (regmap::description) expanded for the
// architecture's subarray and pod counts and crossbar selectors, with the
// reset values those imply. Written out as a C header (planaria_regs.h:
// addresses, fields' shifts and masks, reset values, error codes) and as a
// JSON description (address blocks, registers, fields, access, reset
// values); the build generates both for the built-in design point and
// installs them (tools/planaria_regs_gen.cpp makes them for any architecture).

#include <cstdint>
#include <string>
#include <vector>

#include "hw/config/arch_config.h"
#include "tlm/register_map.h"

namespace planaria {

struct DescribedValue {
    std::string name;  ///< a C identifier's tail: MEMORY
    std::uint32_t value;
    std::string meaning;
};

struct DescribedField {
    std::string name;
    unsigned lsb = 0, width = 1;
    std::string meaning;
    std::vector<DescribedValue> values;  ///< an enumerated field's values (else empty)
    std::uint32_t mask() const { return std::uint32_t(((width >= 32 ? ~0ull : (1ull << width) - 1)) << lsb); }
};

struct DescribedRegister {
    std::string name;
    std::uint64_t offset = 0;  ///< in its block
    regmap::description::Access access = regmap::description::Access::ReadOnly;
    std::uint32_t writable = 0;  ///< bits a write may set
    std::uint32_t reset = 0;
    std::string meaning;
    std::vector<DescribedField> fields;
    std::vector<DescribedValue> values;  ///< a register holding a code (else empty)
};

struct DescribedBlock {
    std::string name;
    std::uint64_t base = 0, stride = 0;
    unsigned count = 1;  ///< instances at base + stride * i
    std::string meaning;
    std::vector<DescribedRegister> registers;
};

struct RegisterDescription {
    std::string architecture;
    unsigned subarrays = 0, pods = 0;
    std::vector<DescribedBlock> blocks;

    /// One register of one block instance, at its address.
    struct Instance {
        std::string name;  ///< ID, SEQUENCER[3].PC
        std::uint64_t address;
        const DescribedRegister* reg;
    };
    /// Every register of every instance, by address.
    std::vector<Instance> instances() const;
};

RegisterDescription describe_registers(const ArchConfig& cfg);

/// planaria_regs.h: C99, no dependencies but <stdint.h>-free macros.
std::string register_c_header(const RegisterDescription& d);
/// planaria_regs.json (format planaria-registers/1).
std::string register_json(const RegisterDescription& d);

}  // namespace planaria
