#include "sc_main/child_runs.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace planaria::cli {

namespace {

std::string self_executable() {
    std::vector<char> path(4096);
    const ssize_t n = readlink("/proc/self/exe", path.data(), path.size() - 1);
    if (n <= 0) throw std::runtime_error(std::string("cannot find this executable (/proc/self/exe): ") + std::strerror(errno));
    return std::string(path.data(), std::size_t(n));
}

pid_t start(const std::string& exe, const ChildRun& run) {
    std::vector<std::string> words = {exe};
    words.insert(words.end(), run.args.begin(), run.args.end());
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, run.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, exe.c_str(), &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (error) throw std::runtime_error("cannot start " + exe + ": " + std::strerror(error));
    return pid;
}

int status_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

}  // namespace

TemporaryFolder::TemporaryFolder(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot make a temporary folder " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
}

TemporaryFolder::~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::vector<int> run_children(const std::vector<ChildRun>& runs, unsigned jobs) {
    const std::string exe = self_executable();
    std::vector<int> status(runs.size(), 0);
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    const auto wait_one = [&] {
        int s = 0;
        const pid_t pid = waitpid(-1, &s, 0);
        if (pid < 0) throw std::runtime_error(std::string("waiting for a child run: ") + std::strerror(errno));
        const auto it = running.find(pid);
        if (it == running.end()) return;  // not one of ours
        status[it->second] = status_of(s);
        running.erase(it);
    };
    try {
        while (next < runs.size() || !running.empty()) {
            while (next < runs.size() && running.size() < std::max(jobs, 1u)) {
                running[start(exe, runs[next])] = next;
                ++next;
            }
            wait_one();
        }
    } catch (...) {
        // Leave no orphan behind: stop and reap the children still running.
        for (const auto& [pid, index] : running) kill(pid, SIGTERM);
        for (const auto& [pid, index] : running) waitpid(pid, nullptr, 0);
        throw;
    }
    return status;
}

}  // namespace planaria::cli
