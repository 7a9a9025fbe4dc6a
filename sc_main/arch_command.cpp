// planaria arch: show and check architecture configurations.
#include <iostream>

#include <boost/program_options.hpp>

#include "hw/config/arch_summary.h"
#include "hw/config/arch_yaml.h"
#include "sc_main/command.h"

namespace po = boost::program_options;

namespace planaria::cli {

namespace {

struct ArchOptions {
    std::string action;
    std::string file;
    std::vector<std::string> sets;
};

const char* kArchUsage =
    "Usage: planaria arch show [FILE] [--set PATH=VALUE]...\n"
    "       planaria arch check FILE...\n\n"
    "show   print the validated, fully expanded architecture (the built-in Planaria\n"
    "       design point when no FILE is given) and its derived figures\n"
    "check  validate files; print one line per file\n";

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
        "set", po::value<std::vector<std::string>>(), "override one key, e.g. --set subarray.rows=64");
    po::options_description hidden;
    hidden.add_options()("action", po::value<std::string>())("files", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description positional;
    positional.add("action", 1).add("files", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    } catch (const po::error& e) {
        std::cerr << "planaria arch: error: " << e.what() << "\n" << kArchUsage;
        return kExitUsage;
    }
    if (vm.count("help") || !vm.count("action")) {
        (vm.count("help") ? std::cout : std::cerr) << kArchUsage << "\n" << opts;
        return vm.count("help") ? kExitOk : kExitUsage;
    }
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
    }
    std::cerr << "planaria arch: error: unknown action '" << action << "'\n" << kArchUsage;
    return kExitUsage;
}

}  // namespace planaria::cli
