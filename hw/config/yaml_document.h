#pragma once
// Reading one YAML input strictly, the same way for architectures, models
// and scenarios: a file must be a regular, non-empty file; the text must be
// exactly one document; a key may appear once in a mapping (yaml-cpp would
// silently keep the first); nesting beyond yaml-cpp's depth limit is named as
// such. Each loader turns YamlInputError into its own error type.

#include <stdexcept>
#include <string>

#include <yaml-cpp/yaml.h>

namespace planaria {

class YamlInputError : public std::runtime_error {
public:
    /// `where`: the file, with ":LINE" when the error has a line.
    /// `path`: the YAML path of the key at fault ("<document>" when none).
    YamlInputError(std::string where, std::string path, std::string message)
        : std::runtime_error(where + ": " + path + ": " + message), where_(std::move(where)), path_(std::move(path)),
          message_(std::move(message)) {}
    const std::string& where() const { return where_; }
    const std::string& path() const { return path_; }
    const std::string& message() const { return message_; }

private:
    std::string where_, path_, message_;
};

/// The text of `file`; a missing file, a directory or an empty file throws.
std::string read_yaml_file(const std::string& file);

/// The one document of `text` (read from `source`); empty text gives a null node.
YAML::Node load_yaml_document(const std::string& text, const std::string& source);

}  // namespace planaria
