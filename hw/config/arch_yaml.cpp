#include "hw/config/arch_yaml.h"

#include "hw/config/yaml_document.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace planaria {

namespace {

// The schema, written once: every field with its YAML path. Loading, emitting
// and the list of known keys all walk this one table.
template <class Visitor>
void for_each_field(ArchConfig& c, Visitor&& v) {
    v("name", c.name);
    v("clock_mhz", c.clock_mhz);
    v("data.activation_bits", c.data.activation_bits);
    v("data.weight_bits", c.data.weight_bits);
    v("data.accumulator_bits", c.data.accumulator_bits);
    v("subarray.rows", c.subarray.rows);
    v("subarray.cols", c.subarray.cols);
    v("subarray.count", c.subarray.count);
    v("subarray.grid", c.subarray.grid);
    v("subarray.weight_buffer_bytes", c.subarray.weight_buffer_bytes);
    v("pod.count", c.pod.count);
    v("pod.grid", c.pod.grid);
    v("pod.activation_buffer.bytes", c.pod.activation_buffer.bytes);
    v("pod.activation_buffer.banks", c.pod.activation_buffer.banks);
    v("pod.activation_buffer.bank_width_bits", c.pod.activation_buffer.bank_width_bits);
    v("pod.output_buffer.bytes", c.pod.output_buffer.bytes);
    v("pod.output_buffer.banks", c.pod.output_buffer.banks);
    v("pod.output_buffer.bank_width_bits", c.pod.output_buffer.bank_width_bits);
    v("pod.crossbar_latency_cycles", c.pod.crossbar_latency_cycles);
    v("simd.lanes", c.simd.lanes);
    v("simd.pipeline_stages", c.simd.pipeline_stages);
    v("ring_bus.pipeline_stages", c.ring_bus.pipeline_stages);
    v("inter_pod_link.latency_cycles", c.inter_pod_link.latency_cycles);
    v("inter_pod_link.bandwidth_gbps", c.inter_pod_link.bandwidth_gbps);
    v("offchip.channels", c.offchip.channels);
    v("offchip.bandwidth_gbps", c.offchip.bandwidth_gbps);
    v("offchip.latency_ns", c.offchip.latency_ns);
    v("offchip.burst_bytes", c.offchip.burst_bytes);
    v("offchip.read_through_bytes", c.offchip.read_through_bytes);
    v("instruction_buffer.bytes", c.instruction_buffer.bytes);
    v("energy.mac_pj", c.energy.mac_pj);
    v("energy.pe_gating", c.energy.pe_gating);
    v("energy.data_gated_pe_fraction", c.energy.data_gated_pe_fraction);
    v("energy.clock_gated_pe_fraction", c.energy.clock_gated_pe_fraction);
    v("energy.weight_buffer_pj_per_bit", c.energy.weight_buffer_pj_per_bit);
    v("energy.activation_buffer_pj_per_bit", c.energy.activation_buffer_pj_per_bit);
    v("energy.output_buffer_pj_per_bit", c.energy.output_buffer_pj_per_bit);
    v("energy.bus_pj_per_bit_hop", c.energy.bus_pj_per_bit_hop);
    v("energy.crossbar_pj_per_bit_level", c.energy.crossbar_pj_per_bit_level);
    v("energy.inter_pod_link_pj_per_bit_hop", c.energy.inter_pod_link_pj_per_bit_hop);
    v("energy.instruction_buffer_pj_per_bit", c.energy.instruction_buffer_pj_per_bit);
    v("energy.dram_pj_per_bit", c.energy.dram_pj_per_bit);
    v("energy.simd_op_pj", c.energy.simd_op_pj);
    v("energy.leakage_mw", c.energy.leakage_mw);
    v("area.pe_um2", c.area.pe_um2);
    v("area.mux2_um2", c.area.mux2_um2);
    v("area.register_um2_per_bit", c.area.register_um2_per_bit);
    v("area.simd_lane_um2", c.area.simd_lane_um2);
    v("area.sram_um2_per_kb", c.area.sram_um2_per_kb);
    v("host.register_access_cycles", c.host.register_access_cycles);
    v("host.quantum_ns", c.host.quantum_ns);
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream is(path);
    while (std::getline(is, part, '.')) parts.push_back(part);
    return parts;
}

std::string where(const std::string& source, const YAML::Node& node) {
    const YAML::Mark m = node.Mark();
    if (m.line < 0) return source;
    return source + ":" + std::to_string(m.line + 1);
}

/// Reads one scalar into a field, with the type rules of the schema.
class FieldReader {
public:
    FieldReader(const YAML::Node& root, std::string source) : root_(root), source_(std::move(source)) {}

    template <class T>
    void operator()(const std::string& path, T& field) {
        const std::optional<YAML::Node> node = lookup(path);
        if (!node) return;  // absent: keep the default
        read(path, *node, field);
    }

private:
    // A default-constructed YAML::Node is a defined null, so absence needs optional.
    std::optional<YAML::Node> lookup(const std::string& path) const {
        YAML::Node node = root_;
        for (const auto& key : split_path(path)) {
            if (!node.IsMap()) return std::nullopt;
            const YAML::Node& map = node;  // const access never inserts the key
            YAML::Node child = map[key];
            if (!child) return std::nullopt;
            node.reset(child);
        }
        return node;
    }

    [[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& rule) const {
        throw ConfigError(where(source_, node), path, rule);
    }

    const YAML::Node& scalar(const std::string& path, const YAML::Node& node, const char* what) const {
        if (!node.IsScalar()) fail(path, node, std::string("must be ") + what);
        return node;
    }

    long double number(const std::string& path, const YAML::Node& node, const char* what) const {
        const std::string text = scalar(path, node, what).Scalar();
        std::istringstream is(text);
        long double value = 0;
        is >> value;
        if (!is || !is.eof() || text.empty())
            fail(path, node, std::string("must be ") + what + ", got '" + text + "'");
        return value;
    }

    template <class Unsigned>
    void read_unsigned(const std::string& path, const YAML::Node& node, Unsigned& field) const {
        const long double v = number(path, node, "a whole number");
        if (v != std::floor(v)) fail(path, node, "must be a whole number, got " + node.Scalar());
        if (v < 0) fail(path, node, "must not be negative, got " + node.Scalar());
        if (v > static_cast<long double>(std::numeric_limits<Unsigned>::max()))
            fail(path, node, "is too large: " + node.Scalar());
        field = static_cast<Unsigned>(v);
    }

    void read(const std::string& path, const YAML::Node& node, unsigned& field) const {
        read_unsigned(path, node, field);
    }
    void read(const std::string& path, const YAML::Node& node, std::uint64_t& field) const {
        read_unsigned(path, node, field);
    }
    void read(const std::string& path, const YAML::Node& node, double& field) const {
        field = static_cast<double>(number(path, node, "a number"));
    }
    void read(const std::string& path, const YAML::Node& node, std::string& field) const {
        field = scalar(path, node, "a string").Scalar();
    }
    void read(const std::string& path, const YAML::Node& node, PeGating& field) const {
        const std::string text = scalar(path, node, "none, data or clock").Scalar();
        if (!parse_pe_gating(text, field)) fail(path, node, "must be none, data or clock, got '" + text + "'");
    }
    void read(const std::string& path, const YAML::Node& node, GridShape& field) const {
        if (!node.IsSequence() || node.size() != 2)
            fail(path, node, "must be a list of two whole numbers [rows, cols]");
        read_unsigned(path, node[0], field.rows);
        read_unsigned(path, node[1], field.cols);
    }

    YAML::Node root_;
    std::string source_;
};

/// Rejects keys the schema does not know (typos must not silently fall back
/// to defaults).
void check_known_keys(const YAML::Node& node, const std::string& prefix,
                      const std::set<std::string>& leaves, const std::set<std::string>& groups,
                      const std::string& source) {
    if (!node.IsMap()) {
        throw ConfigError(where(source, node), prefix.empty() ? "<document>" : prefix,
                          "must be a mapping of keys to values");
    }
    for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        const std::string path = prefix.empty() ? key : prefix + "." + key;
        if (leaves.count(path)) continue;
        if (groups.count(path)) {
            check_known_keys(kv.second, path, leaves, groups, source);
            continue;
        }
        // Keys of earlier versions say what took their place.
        static const std::map<std::string, std::string> retired = {
            {"instruction_buffer.instruction_bytes",
             "unknown key (retired: no replacement, the instruction format fixes " + std::to_string(kInstructionBytes) +
                 " bytes per instruction)"}};
        const auto r = retired.find(path);
        throw ConfigError(where(source, kv.first), path, r != retired.end() ? r->second : "unknown key");
    }
}

void apply_overrides(YAML::Node& root, const std::vector<ArchOverride>& overrides) {
    for (const auto& o : overrides) {
        const auto parts = split_path(o.path);
        YAML::Node node = root;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            YAML::Node child = node[parts[i]];
            if (!child.IsMap()) child = YAML::Node(YAML::NodeType::Map);
            node[parts[i]] = child;
            node.reset(child);
        }
        try {
            node[parts.back()] = YAML::Load(o.value);
        } catch (const YAML::Exception& e) {
            throw ConfigError("--set " + o.path + "=" + o.value, o.path, "value is not valid YAML");
        }
    }
}

/// Emits one field under its path into a YAML node tree.
struct FieldWriter {
    YAML::Node root{YAML::NodeType::Map};

    template <class T>
    void operator()(const std::string& path, const T& field) {
        const auto parts = split_path(path);
        YAML::Node node = root;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            if (!node[parts[i]]) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
            node.reset(node[parts[i]]);
        }
        node[parts.back()] = value(field);
    }
    static YAML::Node value(const GridShape& g) {
        YAML::Node seq(YAML::NodeType::Sequence);
        seq.push_back(g.rows);
        seq.push_back(g.cols);
        seq.SetStyle(YAML::EmitterStyle::Flow);
        return seq;
    }
    static YAML::Node value(PeGating g) { return YAML::Node(to_string(g)); }
    template <class T>
    static YAML::Node value(const T& v) { return YAML::Node(v); }
};

}  // namespace

ArchOverride ArchOverride::parse(const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == assignment.size())
        throw ConfigError("--set " + assignment, assignment, "an override must read path=value");
    return {assignment.substr(0, eq), assignment.substr(eq + 1)};
}

std::vector<std::string> arch_key_paths() {
    std::vector<std::string> paths;
    ArchConfig scratch;
    for_each_field(scratch, [&](const std::string& path, auto&) { paths.push_back(path); });
    return paths;
}

ArchConfig parse_arch(const std::string& yaml_text, const std::string& source,
                      const std::vector<ArchOverride>& overrides) {
    YAML::Node root;
    try {
        root = load_yaml_document(yaml_text, source);
    } catch (const YamlInputError& e) {
        throw ConfigError(e.where(), e.path(), e.message());
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    apply_overrides(root, overrides);

    std::set<std::string> leaves, groups;
    for (const auto& path : arch_key_paths()) {
        leaves.insert(path);
        for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
            groups.insert(path.substr(0, dot));
    }
    check_known_keys(root, "", leaves, groups, source);

    ArchConfig cfg;
    FieldReader reader(root, source);
    for_each_field(cfg, reader);
    validate(cfg, source);
    return cfg;
}

ArchConfig load_arch_file(const std::string& file, const std::vector<ArchOverride>& overrides) {
    std::string text;
    try {
        text = read_yaml_file(file);
    } catch (const YamlInputError& e) {
        throw ConfigError(e.where(), e.path(), e.message());
    }
    return parse_arch(text, file, overrides);
}

std::string to_yaml(const ArchConfig& cfg) {
    FieldWriter writer;
    ArchConfig copy = cfg;
    for_each_field(copy, writer);
    YAML::Emitter out;
    out.SetDoublePrecision(12);
    out << writer.root;
    return std::string(out.c_str()) + "\n";
}

}  // namespace planaria
