#include "hw/config/yaml_document.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/depthguard.h>

namespace planaria {

namespace {

std::string at(const std::string& source, const YAML::Mark& mark) {
    return mark.line >= 0 ? source + ":" + std::to_string(mark.line + 1) : source;
}

void reject_duplicate_keys(const YAML::Node& node, const std::string& source, const std::string& prefix) {
    if (node.IsMap()) {
        std::set<std::string> seen;
        for (const auto& kv : node) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
            const std::string path = prefix.empty() ? key : prefix + "." + key;
            if (kv.first.IsScalar() && !seen.insert(key).second)
                throw YamlInputError(at(source, kv.first.Mark()), path, "duplicate key (a key may appear once)");
            reject_duplicate_keys(kv.second, source, path);
        }
    } else if (node.IsSequence()) {
        std::size_t i = 0;
        for (const auto& item : node) reject_duplicate_keys(item, source, prefix + "[" + std::to_string(i++) + "]");
    }
}

}  // namespace

std::string read_yaml_file(const std::string& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) throw YamlInputError(file, "<file>", "cannot open the file: no such file");
    if (std::filesystem::is_directory(status)) throw YamlInputError(file, "<file>", "is a directory, not a YAML file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw YamlInputError(file, "<file>", "cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw YamlInputError(file, "<file>", "cannot read the file");
    if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) throw YamlInputError(file, "<file>", "the file is empty");
    return text.str();
}

YAML::Node load_yaml_document(const std::string& text, const std::string& source) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::DeepRecursion& e) {
        throw YamlInputError(at(source, e.mark), "<document>", "malformed YAML: nested deeper than " + std::to_string(e.depth() - 1) +
                                                     " levels");
    } catch (const YAML::ParserException& e) {
        throw YamlInputError(at(source, e.mark), "<document>", "malformed YAML: " + e.msg);
    }
    if (documents.size() > 1)
        throw YamlInputError(at(source, documents[1].Mark()), "<document>", "a second YAML document: a file holds exactly one");
    if (documents.empty()) return YAML::Node();
    reject_duplicate_keys(documents.front(), source, "");
    return documents.front();
}

}  // namespace planaria
