#include "testbench/bundle_cache.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "hw/bundle/bundle_io.h"
#include "hw/config/arch_yaml.h"

namespace planaria {

namespace {

namespace fs = std::filesystem;

std::string file_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot read");
    std::ostringstream os;
    os << f.rdbuf();
    return os.str();
}

/// This build of the compiler: the executable's size and modification time.
std::string executable_identity() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return "unknown";
    const auto size = fs::file_size(exe, ec);
    const auto time = fs::last_write_time(exe, ec).time_since_epoch().count();
    return exe.string() + " " + std::to_string(size) + " " + std::to_string(time);
}

}  // namespace

BundleCache::BundleCache(std::string folder) : folder_(std::move(folder)) {
    if (!fs::is_directory(folder_)) throw std::invalid_argument("bundle cache: " + folder_ + " is not a folder");
}

std::string BundleCache::path(const ArchConfig& arch, const CompileOptions& options, const std::string& model_file,
                              const std::vector<InputOverride>& inputs) const {
    return path_for(to_yaml(arch), options, model_file, inputs);
}

std::string BundleCache::path_for(const std::string& arch_yaml, const CompileOptions& options,
                                  const std::string& model_file, const std::vector<InputOverride>& inputs) const {
    std::ostringstream key;
    key << arch_yaml << '\0' << file_text(model_file) << '\0';
    for (const InputOverride& in : inputs)
        key << in.name << '=' << in.shape.c << 'x' << in.shape.h << 'x' << in.shape.w << ';';
    key << '\0' << int(options.objective) << ' ' << options.max_subarrays << ' ' << options.instructions << ' '
        << options.tables_for_streams_only << ' ' << options.configuration << ' '
        << options.shared_activation_windows << ' ' << int(options.depthwise) << ' ';
    for (unsigned k : options.stream_counts) key << k << ',';
    key << '\0' << executable_identity();
    std::ostringstream name;
    name << std::hex << std::setw(16) << std::setfill('0') << arch_fingerprint(key.str()) << ".bundle";
    return (fs::path(folder_) / name.str()).string();
}

Bundle BundleCache::get(const ArchConfig& arch, const CompileOptions& options, const std::string& model_file,
                        const std::vector<InputOverride>& inputs) const {
    const std::string arch_yaml = to_yaml(arch);
    const std::string at = path_for(arch_yaml, options, model_file, inputs);
    const std::uint64_t fingerprint = arch_fingerprint(arch_yaml);
    std::error_code ec;
    if (fs::exists(at, ec)) {
        try {
            return read_bundle(at, fingerprint);
        } catch (const std::exception&) {
            // Unreadable (not one this cache wrote): compiled again below, and replaced.
        }
    }
    Bundle b = Compiler(arch, options).compile(load_model_file(model_file, inputs));
    b.arch_fingerprint = fingerprint;  // as `planaria compile` stamps it: read back, it is checked
    write_bundle(b, at);
    return b;
}

}  // namespace planaria
