#include "sc_main/data_files.h"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace planaria::cli {

namespace fs = std::filesystem;

namespace {

/// The running executable's directory (Linux: /proc/self/exe); empty if unknown.
fs::path executable_directory() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

}  // namespace

std::vector<fs::path> data_directories() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("PLANARIA_DATA"); env && *env) dirs.emplace_back(env);
    const fs::path exe = executable_directory();
    if (!exe.empty()) {
        dirs.push_back((exe / PLANARIA_BIN_TO_DATA).lexically_normal());
        dirs.push_back(exe / "share" / "planaria");
    }
    return dirs;
}

fs::path data_file(const std::string& relative) {
    std::string looked;
    for (const fs::path& dir : data_directories()) {
        const fs::path candidate = dir / relative;
        std::error_code ec;
        if (fs::exists(candidate, ec)) return candidate;
        looked += (looked.empty() ? "" : ", ") + candidate.string();
    }
    throw DataFileError(relative + ": not found; looked in " + (looked.empty() ? "no data directory" : looked) +
                             " (set PLANARIA_DATA to a directory holding scenarios/)");
}

std::string scenario_file(const std::string& named) {
    std::error_code ec;
    if (named.empty() || fs::exists(named, ec) || fs::path(named).is_absolute()) return named;
    try {
        return data_file("scenarios/" + named).string();
    } catch (const DataFileError& e) {
        throw DataFileError(named + ": no such file here, and " + e.what());
    }
}

}  // namespace planaria::cli
