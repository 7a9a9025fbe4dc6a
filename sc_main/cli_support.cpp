#include "sc_main/cli_support.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "compiler/model.h"
#include "hw/config/arch_yaml.h"
#include "sc_main/command.h"
#include "testbench/workload.h"

namespace planaria::cli {

std::optional<int> parse_arguments(const std::string& command, const std::vector<std::string>& args,
                                   const po::options_description& opts, const std::vector<Positional>& positionals,
                                   const std::vector<std::string>& required, const char* usage,
                                   po::variables_map& vm) {
    po::options_description hidden;
    po::positional_options_description pos;
    for (const auto& p : positionals) {
        if (p.repeats) hidden.add_options()(p.name.c_str(), po::value<std::vector<std::string>>());
        else hidden.add_options()(p.name.c_str(), po::value<std::string>());
        pos.add(p.name.c_str(), p.repeats ? -1 : 1);
    }
    po::options_description all;
    all.add(opts).add(hidden);
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "planaria " << command << ": error: " << e.what() << "\n\n" << usage;
        return kExitUsage;
    }
    if (vm.count("help")) {
        std::cout << usage << "\n" << opts;
        return kExitOk;
    }
    for (const auto& r : required)
        if (!vm.count(r)) {
            std::cerr << usage << "\n" << opts;
            return kExitUsage;
        }
    return std::nullopt;
}

void add_arch_options(po::options_description& opts) {
    opts.add_options()("arch", po::value<std::string>(), "architecture YAML (default: the Planaria design point)")(
        "set", po::value<std::vector<std::string>>(), "override one architecture key, e.g. subarray.rows=64");
}

ArchConfig arch_from_options(const po::variables_map& vm) {
    std::vector<ArchOverride> overrides;
    if (vm.count("set"))
        for (const auto& s : vm["set"].as<std::vector<std::string>>()) overrides.push_back(ArchOverride::parse(s));
    return vm.count("arch") ? load_arch_file(scenario_file(vm["arch"].as<std::string>()), overrides)
                            : parse_arch("", "<built-in planaria>", overrides);
}

std::vector<std::string> model_files(const po::variables_map& vm) {
    std::vector<std::string> files =
        vm.count("models") ? vm["models"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (vm.count("all")) {
        const auto zoo = zoo_models();
        files.insert(files.end(), zoo.begin(), zoo.end());
    }
    return files;
}

std::uint64_t whole_number(const po::variables_map& vm, const std::string& option, std::uint64_t lo, std::uint64_t hi,
                           std::uint64_t fallback) {
    if (!vm.count(option)) return fallback;
    const std::string text = vm[option].as<std::string>();
    const std::string name = "--" + option;
    const std::string range = "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError(name, range + ", not '" + text + "'");
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || v < lo || v > hi) throw UsageError(name, range + ", not " + text);
    return v;
}

Fidelity fidelity_option(const po::variables_map& vm) {
    const std::string v = vm["fidelity"].as<std::string>();
    if (const auto f = parse_fidelity(v)) return *f;
    throw UsageError("--fidelity", "'" + v + "' is not tile or cycle");
}

DepthwiseMapping depthwise_option(const po::variables_map& vm) {
    if (!vm.count("depthwise")) return DepthwiseMapping::Column;
    try {
        return parse_depthwise_mapping(vm["depthwise"].as<std::string>());
    } catch (const std::invalid_argument& e) {
        throw UsageError("--depthwise", e.what());
    }
}

double real_number(const po::variables_map& vm, const std::string& option, double lo, double hi, double fallback) {
    if (!vm.count(option)) return fallback;
    const std::string text = vm[option].as<std::string>();
    const std::string name = "--" + option;
    std::ostringstream range;
    range << "must be a number from " << lo << " to " << hi;
    char* end = nullptr;
    const double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < lo || v > hi)
        throw UsageError(name, range.str() + ", not '" + text + "'");
    return v;
}

int guarded(const std::string& command, const std::function<int()>& body) {
    try {
        return body();
    } catch (const UsageError& e) {
        std::cerr << "planaria " << command << ": error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const ConfigError& e) {
        std::cerr << "planaria: error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const ModelError& e) {
        std::cerr << "planaria: error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const WorkloadError& e) {
        std::cerr << "planaria: error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const DataFileError& e) {
        std::cerr << "planaria " << command << ": error: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "planaria " << command << ": error: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace planaria::cli
