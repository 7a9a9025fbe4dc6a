#pragma once
// The planaria command is a set of subcommands, each a thin layer over the
// library. A subcommand gets the arguments after its name.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/model.h"

#include "hw/config/arch_config.h"

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
int report_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int experiment_command(const std::vector<std::string>& args);

/// What data a replay moves: none (timing only) or, functionally, random
/// weights and inputs from `seed`, the model inputs resized by `inputs`.
struct ReplayData {
    bool functional = false;
    std::uint64_t seed = 1;
    std::vector<InputOverride> inputs;
    std::optional<double> preempt_after_us;  ///< force a checkpoint and restore of every inference
    std::optional<double> tolerance;         ///< percent above the compiler's estimate a latency may be
};

/// Compiles the models for k subarrays and runs them back to back on the
/// chip-level model; prints latency against the estimate and the tiles per
/// second simulated (and, functional, whether every output equals the
/// reference). Returns the exit code.
int replay_back_to_back(const std::vector<std::string>& files, const ArchConfig& cfg, unsigned k,
                        const std::string& out_dir = "", const ReplayData& data = {});

/// The model files of the zoo (scenarios/models, or $PLANARIA_MODELS), sorted.
std::vector<std::string> zoo_models();

}  // namespace planaria::cli
