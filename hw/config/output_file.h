#pragma once
// Output files are complete or absent: the text is written beside the final
// name, every write and the close are checked, and the file is renamed into
// place. A failure throws std::runtime_error naming the file and removes the
// partial copy. Folders of outputs are swapped in whole (OutputFolder).

#include <cstddef>
#include <string>

namespace planaria {

/// Where a file of `path` is written before it is renamed into place: a
/// sibling named by the process. A device or a pipe (/dev/stdout, /dev/full)
/// is written in place (the path itself): it cannot be replaced by a rename,
/// and must not be.
std::string aside_path(const std::string& path);

void write_file_atomically(const std::string& path, const void* data, std::size_t size);
inline void write_file_atomically(const std::string& path, const std::string& text) {
    write_file_atomically(path, text.data(), text.size());
}

/// An output folder written as a set: a command writes its files into
/// staging(), a fresh sibling folder, and commit() swaps it in whole, so a
/// killed command leaves the folder as it was (or, killed inside the swap,
/// absent) and never a mix of an older run's files with a newer one's. Files
/// of the folder that this run does not write (an earlier experiment's, say)
/// are carried over into the new set. Of two commands committing the same
/// folder at once, one wins whole and the other fails naming the folder.
/// Staging folders of processes that no longer exist are removed.
class OutputFolder {
public:
    explicit OutputFolder(std::string dir);
    ~OutputFolder();  ///< without commit(): the staging folder is removed
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    const std::string& staging() const { return staging_; }
    const std::string& dir() const { return dir_; }
    /// Throws std::runtime_error naming the folder when the swap fails.
    void commit();

private:
    std::string dir_, staging_, old_;
    bool committed_ = false;
};

}  // namespace planaria
