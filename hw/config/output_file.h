#pragma once
// Output files are complete or absent: the text is written beside the final
// name, every write and the close are checked, and the file is renamed into
// place. A failure throws std::runtime_error naming the file and removes the
// partial copy.

#include <cstddef>
#include <string>

namespace planaria {

void write_file_atomically(const std::string& path, const void* data, std::size_t size);
inline void write_file_atomically(const std::string& path, const std::string& text) {
    write_file_atomically(path, text.data(), text.size());
}

}  // namespace planaria
