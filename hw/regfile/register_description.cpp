#include "hw/regfile/register_description.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>
#include <planaria/version.h>

#include "hw/fission/fission_topology.h"
#include "hw/fission/floorplan.h"

namespace planaria {

namespace d = regmap::description;

namespace {

/// The reconfiguration file's ERROR codes, as C identifiers' tails.
std::vector<DescribedValue> fission_error_values() {
    const std::pair<FissionErrorCode, const char*> codes[] = {
        {FissionErrorCode::None, "NONE"},
        {FissionErrorCode::ReservedBits, "RESERVED_BITS"},
        {FissionErrorCode::MissingNeighbour, "MISSING_NEIGHBOUR"},
        {FissionErrorCode::OneSidedLink, "ONE_SIDED_LINK"},
        {FissionErrorCode::DirectionConflict, "DIRECTION_CONFLICT"},
        {FissionErrorCode::PortConflict, "PORT_CONFLICT"},
        {FissionErrorCode::Cycle, "CYCLE"},
        {FissionErrorCode::NotRectangular, "NOT_RECTANGULAR"},
        {FissionErrorCode::OutputConflict, "OUTPUT_CONFLICT"},
        {FissionErrorCode::BadSelector, "BAD_SELECTOR"},
    };
    std::vector<DescribedValue> values;
    for (const auto& [code, name] : codes) values.push_back({name, std::uint32_t(code), to_string(code)});
    return values;
}

std::uint64_t crossbar_bits(const Floorplan& fp) { return std::uint64_t(fp.selector_bits()) * fp.subarrays_per_pod(); }

/// Word `word` of a pod's 64-bit selector value.
std::uint32_t word_of(std::uint64_t value, unsigned word) { return std::uint32_t(value >> (32 * word)); }

}  // namespace

RegisterDescription describe_registers(const ArchConfig& cfg) {
    const Floorplan fp(cfg);
    RegisterDescription out;
    out.architecture = cfg.name;
    out.subarrays = fp.subarrays();
    out.pods = fp.pods();
    const FissionState reset_state = FissionState::reset(fp);
    const unsigned bits = fp.selector_bits();
    const std::uint64_t selector_mask = crossbar_bits(fp) >= 64 ? ~0ull : (1ull << crossbar_bits(fp)) - 1;
    std::uint64_t identity = 0;  // pod 0's selectors at reset (every pod alike)
    for (unsigned slot = 0; slot < fp.subarrays_per_pod(); ++slot)
        identity |= std::uint64_t(reset_state.selector[fp.subarray_of(0, slot)]) << (slot * bits);
    const bool two_words = (selector_mask >> 32) != 0;

    for (const d::Block& b : d::kBlocks) {
        DescribedBlock block;
        block.name = b.name;
        block.base = b.base;
        block.stride = b.stride;
        block.count = b.count == d::Count::One ? 1 : b.count == d::Count::Subarrays ? fp.subarrays() : fp.pods();
        block.meaning = b.meaning;
        for (std::size_t i = 0; i < b.register_count; ++i) {
            const d::Register& r = b.registers[i];
            if (r.second_crossbar_word && !two_words) continue;
            DescribedRegister reg;
            reg.name = r.name;
            reg.offset = r.offset;
            reg.access = r.access;
            reg.writable = r.writable;
            reg.meaning = r.meaning;
            for (std::size_t f = 0; f < r.field_count; ++f)
                reg.fields.push_back({r.fields[f].name, r.fields[f].lsb, r.fields[f].width, r.fields[f].meaning, {}});
            const unsigned word = r.second_crossbar_word ? 1 : 0;
            switch (r.reset_kind) {
                case d::Reset::Value: reg.reset = r.reset; break;
                case d::Reset::Version:
                    reg.reset = std::uint32_t(PLANARIA_VERSION_MAJOR << 16 | PLANARIA_VERSION_MINOR << 8 | PLANARIA_VERSION_PATCH);
                    break;
                case d::Reset::Geometry:
                    reg.reset = fp.subarrays() << regmap::kGeometrySubarraysShift | fp.pods() << regmap::kGeometryPodsShift |
                                fp.grid().rows << regmap::kGeometryGridRowsShift | fp.grid().cols << regmap::kGeometryGridColsShift;
                    break;
                case d::Reset::Status:
                    reg.reset = regmap::kStatusNextValid | fp.subarrays() << regmap::kStatusArraysShift;
                    break;
                case d::Reset::FissionState: reg.reset = reset_state.subarray.at(0); break;
                case d::Reset::Crossbar: reg.reset = word_of(identity, word); break;
            }
            if (b.count == d::Count::Pods) {
                // The selectors' width is the architecture's: one field per pod slot in this word
                // (none with one subarray per pod: CROSSBAR_NEXT then takes only 0).
                if (r.access != d::Access::ReadOnly) reg.writable = word_of(selector_mask, word);
                if (!two_words) reg.name.pop_back();  // CROSSBAR_NEXT, not CROSSBAR_NEXT0
                for (unsigned slot = 0; bits && slot < fp.subarrays_per_pod(); ++slot) {
                    const unsigned lsb = slot * bits;
                    if (lsb / 32 != word) continue;
                    reg.fields.push_back({"SELECTOR" + std::to_string(slot), lsb % 32, bits,
                                          "the Pod Memory buffer pair of the pod's subarray " + std::to_string(slot), {}});
                }
            }
            for (auto& f : reg.fields)
                if (f.name == "CODE") f.values = fission_error_values();  // ERROR, NEXT_ERROR: the fission rules
            if (std::string(r.name) == "ERROR" && b.count == d::Count::Subarrays)
                for (const d::Value& v : d::kSequencerErrors) reg.values.push_back({v.name, v.value, v.meaning});
            block.registers.push_back(std::move(reg));
        }
        out.blocks.push_back(std::move(block));
    }
    return out;
}

std::vector<RegisterDescription::Instance> RegisterDescription::instances() const {
    std::vector<Instance> all;
    for (const DescribedBlock& b : blocks)
        for (unsigned i = 0; i < b.count; ++i)
            for (const DescribedRegister& r : b.registers) {
                const std::string name = b.count == 1 && b.stride == 0 ? r.name : b.name + "[" + std::to_string(i) + "]." + r.name;
                all.push_back({name, b.base + b.stride * i + r.offset, &r});
            }
    std::sort(all.begin(), all.end(), [](const Instance& a, const Instance& b) { return a.address < b.address; });
    return all;
}

namespace {

std::string hex(std::uint64_t v, int digits = 8) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*llXu", digits, static_cast<unsigned long long>(v));
    return buf;
}

/// "#define NAME VALUE" aligned, with a trailing comment.
void define(std::ostringstream& os, const std::string& name, const std::string& value, const std::string& comment = "") {
    os << "#define " << name;
    for (std::size_t i = name.size(); i < 52; ++i) os << ' ';
    os << ' ' << value;
    if (!comment.empty()) os << "  /* " << comment << " */";
    os << "\n";
}

}  // namespace

std::string register_c_header(const RegisterDescription& desc) {
    std::ostringstream os;
    os << "/* planaria_regs.h: the host register map of the Planaria accelerator model, for firmware.\n"
       << " * Generated from tlm/register_map.h for the architecture '" << desc.architecture << "' ("
       << desc.subarrays << " subarrays, " << desc.pods << " Fission Pods): do not edit.\n"
       << " * All registers are 32 bits wide, little-endian, accessed with aligned 4-byte accesses;\n"
       << " * addresses are byte offsets from the accelerator's base address. Bits outside a register's\n"
       << " * _WRITABLE mask are reserved: they read as 0 and a write setting one is refused.\n"
       << " * Access: read-only, read-write, command (a write acts, reads return 0), write-1-to-clear. */\n"
       << "#ifndef PLANARIA_REGS_H\n#define PLANARIA_REGS_H\n\n";
    define(os, "PLANARIA_SUBARRAYS", std::to_string(desc.subarrays) + "u");
    define(os, "PLANARIA_PODS", std::to_string(desc.pods) + "u");
    for (const DescribedBlock& b : desc.blocks) {
        const bool array = b.stride != 0;
        const std::string prefix = "PLANARIA_" + (array ? b.name + "_" : std::string());
        os << "\n/* " << b.name << ": " << b.meaning;
        if (array) os << " (" << b.count << " at " << hex(b.base, 4) << " + " << hex(b.stride, 2) << " * i)";
        os << " */\n";
        if (array) {
            define(os, prefix + "BASE", hex(b.base, 4));
            define(os, prefix + "STRIDE", hex(b.stride, 4));
            define(os, prefix + "COUNT", std::to_string(b.count) + "u");
        }
        for (const DescribedRegister& r : b.registers) {
            const std::string name = prefix + r.name;
            const std::string comment = std::string(d::access_name(r.access)) + ": " + r.meaning;
            if (array)
                define(os, name + "(i)", "(" + hex(b.base, 4) + " + " + hex(b.stride, 2) + " * (i) + " + hex(r.offset, 2) + ")", comment);
            else
                define(os, name, hex(b.base + r.offset, 4), comment);
            define(os, name + "_RESET", hex(r.reset));
            define(os, name + "_WRITABLE", hex(r.writable));
            for (const DescribedField& f : r.fields) {
                define(os, name + "_" + f.name + "_SHIFT", std::to_string(f.lsb) + "u", f.meaning);
                define(os, name + "_" + f.name + "_MASK", hex(f.mask()));
                for (const DescribedValue& v : f.values)
                    define(os, name + "_" + f.name + "_" + v.name, std::to_string(v.value) + "u", v.meaning);
            }
            for (const DescribedValue& v : r.values) define(os, name + "_" + v.name, std::to_string(v.value) + "u", v.meaning);
        }
    }
    os << "\n#endif /* PLANARIA_REGS_H */\n";
    return os.str();
}

std::string register_json(const RegisterDescription& desc) {
    using json = nlohmann::ordered_json;
    const auto values = [](const std::vector<DescribedValue>& vs) {
        json out = json::array();
        for (const auto& v : vs) out.push_back({{"name", v.name}, {"value", v.value}, {"description", v.meaning}});
        return out;
    };
    json blocks = json::array();
    for (const DescribedBlock& b : desc.blocks) {
        json regs = json::array();
        for (const DescribedRegister& r : b.registers) {
            json fields = json::array();
            for (const DescribedField& f : r.fields) {
                json field = {{"name", f.name}, {"lsb", f.lsb}, {"width", f.width}, {"description", f.meaning}};
                if (!f.values.empty()) field["values"] = values(f.values);
                fields.push_back(field);
            }
            json reg = {{"name", r.name},       {"offset", r.offset},       {"access", d::access_name(r.access)},
                        {"writable_mask", r.writable}, {"reset", r.reset}, {"description", r.meaning},
                        {"fields", fields}};
            if (!r.values.empty()) reg["values"] = values(r.values);
            regs.push_back(reg);
        }
        blocks.push_back({{"name", b.name}, {"base", b.base}, {"stride", b.stride}, {"count", b.count},
                          {"description", b.meaning}, {"registers", regs}});
    }
    const json doc = {{"format", "planaria-registers/1"},
                      {"generated_from", "tlm/register_map.h"},
                      {"architecture", {{"name", desc.architecture}, {"subarrays", desc.subarrays}, {"pods", desc.pods}}},
                      {"register_bits", 32},
                      {"byte_order", "little-endian"},
                      {"access_bytes", 4},
                      {"address_blocks", blocks}};
    return doc.dump(2) + "\n";
}

}  // namespace planaria
