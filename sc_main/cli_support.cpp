#include "sc_main/cli_support.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <iomanip>
#include <sstream>

#include <unistd.h>

#include "compiler/model.h"
#include "hw/config/arch_yaml.h"
#include "sc_main/command.h"
#include "testbench/workload.h"
#include "cli/commit.h"

namespace planaria::cli {

std::string build_commit() { return PLANARIA_COMMIT; }

std::vector<std::string> without_options(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                                         const std::vector<std::string>& flags) {
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool skip = std::find(flags.begin(), flags.end(), a) != flags.end();
        for (const std::string& o : valued) {
            if (a == o) ++i, skip = true;  // "--out DIR"
            else if (a.rfind(o + "=", 0) == 0) skip = true;
        }
        if (!skip) kept.push_back(a);
    }
    return kept;
}

std::string command_line(const std::string& command, const std::vector<std::string>& args,
                         const std::vector<std::string>& left_out) {
    std::string line = "planaria " + command;
    for (const std::string& a : without_options(args, left_out)) {
        // Quoted when the shell would split or expand it.
        const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~") == std::string::npos;
        line += " " + (plain ? a : "'" + a + "'");
    }
    return line;
}

namespace {
double seconds_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
std::string clock_text(double seconds) {
    const long s = long(std::lround(seconds));
    std::ostringstream os;
    if (s >= 3600) os << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s / 60) % 60 << "m";
    else if (s >= 60) os << s / 60 << "m" << std::setw(2) << std::setfill('0') << s % 60 << "s";
    else os << s << "s";
    return os.str();
}
}  // namespace

ProgressBar::ProgressBar(std::string what) : what_(std::move(what)), shown_(isatty(STDERR_FILENO) == 1), start_(seconds_now()) {}

ProgressBar::~ProgressBar() { erase(); }

void ProgressBar::erase() const {
    if (shown_ && last_draw_ >= 0) std::cerr << "\r" << std::string(79, ' ') << "\r" << std::flush;
}

void ProgressBar::update(unsigned done, unsigned total) {
    done_ = std::min(done, total), total_ = total;
    if (!shown_ || total == 0) return;
    const double now = seconds_now();
    // A redraw at most every 0.1 s, and none in the first half second (short commands stay silent).
    if (now - start_ < 0.5 || (now - last_draw_ < 0.1 && done < total)) return;
    draw(now);
}

void ProgressBar::draw(double now) {
    last_draw_ = now;
    const double elapsed = now - start_;
    const unsigned width = 30, filled = total_ ? unsigned(double(done_) / total_ * width) : 0;
    std::ostringstream os;
    os << "\r" << what_ << " [" << std::string(filled, '=') << std::string(width - filled, ' ') << "] " << done_ << "/"
       << total_ << " " << clock_text(elapsed);
    if (done_ > 0 && done_ < total_) os << ", about " << clock_text(elapsed / done_ * (total_ - done_)) << " left";
    os << "   ";
    std::cerr << os.str() << std::flush;
}

void ProgressBar::note(const std::string& line, std::ostream& to) {
    erase();
    to << line << "\n" << std::flush;
    if (shown_ && last_draw_ >= 0) draw(seconds_now());
}

std::function<void(unsigned, unsigned)> ProgressBar::callback() {
    return [this](unsigned done, unsigned total) { update(done, total); };
}

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
