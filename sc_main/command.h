#pragma once
// The planaria command is a set of subcommands, each a thin layer over the
// library. A subcommand gets the arguments after its name.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/model.h"

#include "hw/config/arch_config.h"
#include "testbench/replay_session.h"

namespace planaria::cli {

struct Command {
    std::string name;     ///< e.g. "arch"
    std::string summary;  ///< one line for `planaria --help`
    std::function<int(const std::vector<std::string>& args)> run;  ///< returns the exit code
};

/// All subcommands, in the order --help lists them.
const std::vector<Command>& commands();

// Exit codes shared by all subcommands.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  ///< the job ran and failed (e.g. a check did not pass)
constexpr int kExitUsage = 2;    ///< bad command line or bad input file

// Subcommand entry points.
int arch_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int trace_command(const std::vector<std::string>& args);
int compile_command(const std::vector<std::string>& args);
int bundle_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int experiment_command(const std::vector<std::string>& args);

/// Prints a replay's report; returns the exit code.
int print_replay(const ReplayReport& report);

/// The model files of the zoo (scenarios/models, or $PLANARIA_MODELS), sorted.
std::vector<std::string> zoo_models();

}  // namespace planaria::cli
