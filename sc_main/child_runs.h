#pragma once
// Runs of this command as child processes (the tile-level confirmation of a
// throughput search: one simulation per process, since SystemC elaborates a
// design once per process), several at a time.

#include <string>
#include <vector>

namespace planaria::cli {

/// One run: the arguments after the program name, and a file for its
/// standard output and error.
struct ChildRun {
    std::vector<std::string> args;
    std::string log;
};

/// A fresh folder under the system's temporary directory, removed with
/// everything in it when this goes out of scope.
class TemporaryFolder {
public:
    explicit TemporaryFolder(const std::string& prefix);
    ~TemporaryFolder();
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// Runs each of `runs` as "planaria ARGS..." (this very executable), at most
/// `jobs` at once, and returns their exit statuses in order (a child killed
/// by a signal: 128 + the signal). Throws std::runtime_error when a child
/// cannot be started.
std::vector<int> run_children(const std::vector<ChildRun>& runs, unsigned jobs);

}  // namespace planaria::cli
