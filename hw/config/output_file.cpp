#include "hw/config/output_file.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace planaria {

std::string aside_path(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return path;
    // The process id keeps two writers of the same file from sharing a temporary.
    return path + ".tmp." + std::to_string(::getpid());
}

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    const std::string aside = aside_path(path);
    const bool special = aside == path;
    const auto fail = [&](const std::string& what) {
        const std::string reason = std::strerror(errno);
        if (!special) std::remove(aside.c_str());
        throw std::runtime_error(path + ": " + what + ": " + reason);
    };
    std::FILE* f = std::fopen(aside.c_str(), "wb");
    if (!f) fail("cannot open for writing");
    const bool written = (size == 0 || std::fwrite(data, 1, size, f) == size) && std::fflush(f) == 0;
    if (std::fclose(f) != 0 || !written) fail("write failed");
    if (!special && std::rename(aside.c_str(), path.c_str()) != 0) fail("cannot rename into place");
}

namespace {

namespace fs = std::filesystem;

// "<dir>.partial-<pid>" and "<dir>.old-<pid>" of processes that are gone.
void remove_stale_siblings(const fs::path& dir) {
    std::error_code ec;
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    const std::string base = dir.filename().string();
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        const std::string name = entry.path().filename().string();
        for (const char* tag : {".partial-", ".old-"}) {
            const std::string prefix = base + tag;
            if (name.compare(0, prefix.size(), prefix) != 0) continue;
            const std::string pid = name.substr(prefix.size());
            if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
            if (::kill(::pid_t(std::stol(pid)), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
        }
    }
}

}  // namespace

OutputFolder::OutputFolder(std::string dir) : dir_(fs::path(std::move(dir)).lexically_normal().string()) {
    if (!dir_.empty() && dir_.back() == '/') dir_.pop_back();
    if (dir_.empty() || dir_ == "." || dir_ == "..") throw std::runtime_error("'" + dir_ + "': not an output folder name");
    const fs::path d(dir_);
    if (d.has_parent_path()) fs::create_directories(d.parent_path());
    if (fs::exists(d) && !fs::is_directory(d)) throw std::runtime_error(dir_ + ": exists and is not a folder");
    remove_stale_siblings(d);
    const std::string pid = std::to_string(::getpid());
    staging_ = dir_ + ".partial-" + pid;
    old_ = dir_ + ".old-" + pid;
    fs::remove_all(staging_);
    fs::create_directories(staging_);
}

OutputFolder::~OutputFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(staging_, ec);
}

void OutputFolder::commit() {
    const fs::path d(dir_), s(staging_);
    // Carry over what this run did not write.
    std::error_code ec;
    if (fs::is_directory(d, ec))
        for (const auto& entry : fs::directory_iterator(d)) {
            const fs::path target = s / entry.path().filename();
            if (!fs::exists(target)) fs::copy(entry.path(), target, fs::copy_options::recursive);
        }
    // Swap: the old set aside, the new one in, the old one gone.
    const bool had = fs::exists(d);
    if (had && std::rename(dir_.c_str(), old_.c_str()) != 0)
        throw std::runtime_error(dir_ + ": cannot move the previous outputs aside: " + std::strerror(errno));
    if (std::rename(staging_.c_str(), dir_.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        if (had) std::rename(old_.c_str(), dir_.c_str());
        throw std::runtime_error(dir_ + ": cannot put the new outputs in place (another run wrote it meanwhile?): " +
                                 reason);
    }
    committed_ = true;
    fs::remove_all(old_, ec);
}

}  // namespace planaria
