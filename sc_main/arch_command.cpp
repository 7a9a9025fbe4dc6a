// planaria arch: show and check architecture configurations.
#include <iomanip>
#include <iostream>

#include <boost/program_options.hpp>

#include "hw/config/arch_summary.h"
#include "hw/config/arch_yaml.h"
#include "hw/fission/buffer_reach.h"
#include "hw/fission/fission_configurations.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/replay.h"
#include "tlm/module_tree.h"

namespace planaria::cli {

namespace {

struct ArchOptions {
    std::string action;
    std::string file;
    std::vector<std::string> sets;
};

const char* kArchUsage =
    "Usage: planaria arch show [FILE] [--set PATH=VALUE]...\n"
    "       planaria arch check FILE...\n"
    "       planaria arch configs [FILE] [--subarrays K]\n"
    "       planaria arch scenarios [FILE] [--list]\n"
    "       planaria arch modules [FILE] [--fidelity cycle|tile] [--all]\n\n"
    "show       print the validated, fully expanded architecture (the built-in Planaria\n"
    "           design point when no FILE is given) and its derived figures\n"
    "check      validate files; print one line per file\n"
    "configs    the fission configurations (rows x cols - clusters) a logical accelerator\n"
    "           of K subarrays can form (all K when not given); * = omni-directional;\n"
    "           with --subarrays, also the Pod Memory each cluster reaches\n"
    "scenarios  the ways all subarrays can be divided among concurrent logical accelerators\n"
    "modules    the elaborated chip's sc_object hierarchy (at cycle fidelity unless told:\n"
    "           tile fidelity elaborates no PE modules), each socket with what it is bound to;\n"
    "           the chip sits on a bench of channel memories and a host; runs of identical\n"
    "           modules are folded unless --all; exits 1 if a socket of the chip is unbound\n";

/// Per configuration, what its first cluster reaches of the Pod Memory
/// (hw/fission/buffer_reach.h): buffers per edge subarray, of which over the
/// inter-pod links, and the longest tile the double-buffered space allows.
void print_reach(const ArchConfig& cfg, const Floorplan& fp, const std::vector<FissionConfiguration>& configs) {
    std::cout << "  configuration   activation buffers  output buffers (remote, max hops)  tile vectors\n";
    for (const auto& c : configs) {
        const BufferReach reach(cfg, fp, c.placement.front());
        unsigned remote = 0, hops = 0;  // the most of any exit subarray
        for (unsigned col = 0; col < c.block_cols; ++col) {
            unsigned mine = 0;
            for (const auto& b : reach.output_buffers(col)) mine += b.hops > 0, hops = std::max(hops, b.hops);
            remote = std::max(remote, mine);
        }
        std::cout << "  " << std::left << std::setw(16) << c.name(cfg) << std::right << std::setw(18)
                  << reach.activation_buffers(0).size() << std::setw(16) << reach.output_buffers(0).size() << " ("
                  << remote << ", " << hops << ")" << std::setw(20 - std::to_string(remote).size() -
                                                          std::to_string(hops).size())
                  << placement_reach(cfg, fp, c.placement).max_tile_vectors << "\n";
    }
}

int print_configs(const ArchConfig& cfg, unsigned only) {
    const Floorplan fp(cfg);
    unsigned total = 0;
    for (unsigned k = 1; k <= fp.subarrays(); ++k) {
        if (only && k != only) continue;
        const auto configs = enumerate_configurations(fp, canonical_region(fp, k));
        total += unsigned(configs.size());
        std::cout << std::setw(3) << k << " subarrays (" << configs.size() << "):";
        for (const auto& c : configs) std::cout << " " << c.name(cfg) << (c.omni_directional ? "*" : "");
        std::cout << "\n";
        if (only) print_reach(cfg, fp, configs);
    }
    if (!only) std::cout << total << " configurations in all; * needs omni-directional flow (turn links)\n";
    return kExitOk;
}

int print_scenarios(const ArchConfig& cfg, bool list) {
    const Floorplan fp(cfg);
    const auto scenarios = enumerate_scenarios(fp);
    if (list) {
        for (const auto& s : scenarios) {
            for (std::size_t i = 0; i < s.sizes.size(); ++i) std::cout << (i ? "+" : "") << s.sizes[i];
            std::cout << "\n";
        }
    }
    std::cout << scenarios.size() << " fission scenarios: divisions of the " << fp.subarrays()
              << " subarrays among 1 to " << fp.subarrays()
              << " concurrent logical accelerators, each placed on subarrays that form one array together\n"
              << "(the paper counts 65 for its design; see README, \"Fission scenarios\")\n";
    return kExitOk;
}

int print_modules(const ArchConfig& cfg, Fidelity fidelity, bool all) {
    ReplayPlatform bench("bench", cfg, fidelity);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // bindings are resolved at the end of elaboration
    const ModuleTree tree = module_tree(bench.accelerator(), all);
    std::cout << tree.text << tree.modules << " modules, " << tree.sockets << " TLM sockets, ";
    if (tree.unbound.empty()) {
        std::cout << "every socket bound\n";
        return kExitOk;
    }
    std::cout << tree.unbound.size() << " UNBOUND:";
    for (const auto& u : tree.unbound) std::cout << " " << u;
    std::cout << "\n";
    return kExitFailure;
}

ArchConfig load(const std::string& file, const std::vector<std::string>& sets) {
    std::vector<ArchOverride> overrides;
    for (const auto& s : sets) overrides.push_back(ArchOverride::parse(s));
    if (file.empty()) return parse_arch("", "<built-in planaria>", overrides);
    return load_arch_file(file, overrides);
}

}  // namespace

int arch_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")(
        "set", po::value<std::vector<std::string>>(), "override one key, e.g. --set subarray.rows=64")(
        "subarrays", po::value<std::string>()->default_value("0"), "configs: only this many subarrays")(
        "list", "scenarios: list every division")(
        "fidelity", po::value<std::string>()->default_value("cycle"), "modules: the chip's fidelity (tile: no PE modules)")(
        "all", "modules: show every module, without folding runs of identical ones");
    po::variables_map vm;
    if (auto exit = parse_arguments("arch", args, opts, {{"action"}, {"files", true}}, {"action"}, kArchUsage, vm))
        return *exit;
    const std::string action = vm["action"].as<std::string>();
    const auto files = vm.count("files") ? vm["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};

    try {
        if (action == "show") {
            if (files.size() > 1) {
                std::cerr << "planaria arch show: error: one FILE at most\n";
                return kExitUsage;
            }
            const ArchConfig cfg = load(files.empty() ? "" : files.front(), sets);
            std::cout << "# " << (files.empty() ? "built-in Planaria design point" : files.front())
                      << ", fully expanded\n"
                      << to_yaml(cfg) << "\n"
                      << arch_summary(cfg);
            return kExitOk;
        }
        if (action == "configs" || action == "scenarios") {
            if (files.size() > 1) {
                std::cerr << "planaria arch " << action << ": error: one FILE at most\n";
                return kExitUsage;
            }
            const ArchConfig cfg = load(files.empty() ? "" : files.front(), sets);
            if (action == "scenarios") return print_scenarios(cfg, vm.count("list") > 0);
            const unsigned k = unsigned(whole_number(vm, "subarrays", 0, cfg.subarray.count));
            return print_configs(cfg, k);
        }
        if (action == "modules") {
            if (files.size() > 1) {
                std::cerr << "planaria arch modules: error: one FILE at most\n";
                return kExitUsage;
            }
            const Fidelity fidelity = fidelity_option(vm);
            const ArchConfig cfg = load(files.empty() ? "" : files.front(), sets);
            return print_modules(cfg, fidelity, vm.count("all") > 0);
        }
        if (action == "check") {
            if (files.empty()) {
                std::cerr << "planaria arch check: error: name at least one FILE\n";
                return kExitUsage;
            }
            int status = kExitOk;
            for (const auto& f : files) {
                try {
                    load(f, sets);
                    std::cout << f << ": ok\n";
                } catch (const ConfigError& e) {
                    std::cout << e.what() << "\n";
                    status = kExitUsage;
                }
            }
            return status;
        }
    } catch (const ConfigError& e) {
        std::cerr << "planaria: error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "planaria arch: error: " << e.what() << "\n";
        return kExitUsage;
    }
    std::cerr << "planaria arch: error: unknown action '" << action << "'\n" << kArchUsage;
    return kExitUsage;
}

}  // namespace planaria::cli
