#include "hw/config/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace planaria {

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    // A device or a pipe (/dev/stdout, /dev/full) is written in place: it
    // cannot be replaced by a rename, and must not be.
    struct stat st {};
    const bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    // The process id keeps two writers of the same file from sharing a temporary.
    const std::string aside = special ? path : path + ".tmp." + std::to_string(::getpid());
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

}  // namespace planaria
