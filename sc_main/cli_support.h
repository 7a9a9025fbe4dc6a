#pragma once
// What the subcommands share: argument parsing with Boost.Program_options,
// the architecture options (--arch, --set) and error reporting.

#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "hw/config/arch_config.h"
#include "compiler/lowering.h"
#include "hw/datapath/fidelity.h"
#include "sc_main/data_files.h"

namespace planaria::cli {

namespace po = boost::program_options;

struct Positional {
    std::string name;
    bool repeats = false;  ///< takes all remaining positional arguments
};

/// Parses `args` into `vm`. Returns an exit code when the command must not
/// run (--help was given, or the arguments are wrong: usage printed), or
/// nullopt. Positionals listed in `required` must be present.
std::optional<int> parse_arguments(const std::string& command, const std::vector<std::string>& args,
                                   const po::options_description& opts, const std::vector<Positional>& positionals,
                                   const std::vector<std::string>& required, const char* usage,
                                   po::variables_map& vm);

/// Adds --arch FILE and --set PATH=VALUE.
void add_arch_options(po::options_description& opts);
/// The architecture the options name (the built-in design point without --arch).
ArchConfig arch_from_options(const po::variables_map& vm);

/// The model files named on the command line (positional "models") and,
/// with --all, every model of the zoo (scenarios/models or $PLANARIA_MODELS).
std::vector<std::string> model_files(const po::variables_map& vm);

/// A command line the command cannot run: exit code 2, the message as is.
class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& option, const std::string& rule) : std::runtime_error(option + ": " + rule) {}
};

/// Numeric options are declared as strings (po::value<std::string>()) and
/// read with these, so that every one is checked the same way: Boost would
/// wrap "-5" into a huge unsigned and accept "nan". Each has a documented
/// range (README, "Command-line ranges"); a value outside it is a usage error
/// naming the option. Absent options give `fallback`.
std::uint64_t whole_number(const po::variables_map& vm, const std::string& option, std::uint64_t lo, std::uint64_t hi,
                           std::uint64_t fallback = 0);
double real_number(const po::variables_map& vm, const std::string& option, double lo, double hi, double fallback = 0);

/// --depthwise column|block-diagonal (compiler/lowering.h); anything else is a usage error.
DepthwiseMapping depthwise_option(const po::variables_map& vm);
/// --fidelity tile|cycle.
Fidelity fidelity_option(const po::variables_map& vm);

/// The commit the command was built from ("<sha> (with uncommitted changes)" when the tree differed).
std::string build_commit();
/// `args` without the options in `valued` (each with its value: "--out DIR"
/// or "--out=DIR") and the flags in `flags`.
std::vector<std::string> without_options(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                                         const std::vector<std::string>& flags = {});
/// "planaria COMMAND ARG..." as typed, for the results' provenance, without
/// the options in `left_out` and their values (the output folder: a result
/// must read the same wherever it was written).
std::string command_line(const std::string& command, const std::vector<std::string>& args,
                         const std::vector<std::string>& left_out = {"--out"});

/// A progress bar on standard error, drawn only when it is a terminal (a
/// log or a pipe gets nothing), with the count, the elapsed time and an
/// estimate of the time left; `total` may grow (an open-ended search).
class ProgressBar {
public:
    explicit ProgressBar(std::string what);
    ~ProgressBar();  ///< erases the bar
    /// `done` of `total` units of work finished.
    void update(unsigned done, unsigned total);
    /// A callback for the library's progress(done, total) hooks.
    std::function<void(unsigned, unsigned)> callback();
    /// A line on `to` (a log on standard error by default), above the bar when it is drawn.
    void note(const std::string& line, std::ostream& to = std::cerr);

private:
    std::string what_;
    bool shown_;
    double start_;
    double last_draw_ = -1;
    unsigned done_ = 0, total_ = 0;
    void draw(double now);
    void erase() const;
};

/// Runs `body`, turning exceptions into a message and an exit code:
/// configuration and model errors are usage errors (2), others failures (1).
int guarded(const std::string& command, const std::function<int()>& body);

}  // namespace planaria::cli
