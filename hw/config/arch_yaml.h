#pragma once
// Reading and writing the architecture configuration as YAML (yaml-cpp).
//
// Every key is optional: a missing key keeps the paper's default, so a file
// states only what differs. Unknown keys, wrong types and broken rules are
// errors that name the file, the YAML path (and the line) and the rule.

#include <string>
#include <vector>

#include "hw/config/arch_config.h"

namespace planaria {

/// An override "path=value" as given by `--set subarray.rows=64`.
struct ArchOverride {
    std::string path;
    std::string value;
    static ArchOverride parse(const std::string& assignment);  ///< throws ConfigError
};

/// Loads, applies overrides to and validates an architecture file.
ArchConfig load_arch_file(const std::string& file, const std::vector<ArchOverride>& overrides = {});

/// Same, from YAML text; `source` names the text in error messages.
ArchConfig parse_arch(const std::string& yaml_text, const std::string& source,
                      const std::vector<ArchOverride>& overrides = {});

/// The fully expanded configuration (every key, defaults included) as YAML.
std::string to_yaml(const ArchConfig& cfg);

/// Every key path the schema knows, in schema order.
std::vector<std::string> arch_key_paths();

}  // namespace planaria
