// planaria compile: DNN models to bundles (configuration tables and
// instruction streams for k = 1..N subarrays).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "hw/bundle/bundle_io.h"
#include "compiler/compiler.h"
#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"

namespace planaria::cli {

namespace {

const char* kCompileUsage =
    "Usage: planaria compile MODEL.yaml... [--out-dir DIR] [--objective cycles|edp] [--subarrays LIST]\n"
    "                        [--depthwise column|block-diagonal] [--arch FILE]\n"
    "       planaria compile --all [--out-dir DIR] ...\n\n"
    "Compiles each model for k = 1..N subarrays of the architecture: per layer the\n"
    "fission configuration, tiles and cycles (the configuration table) and each\n"
    "subarray's instruction stream, written as DIR/<model key>.bundle.\n"
    "--all compiles every model in the zoo (scenarios/models). --subarrays 1,4,16 emits the\n"
    "instruction streams for those counts only (the tables always cover every count): a bundle\n"
    "in proportion to what will run. --depthwise block-diagonal packs as many depth-wise channels\n"
    "per pass as the whole array holds (a baseline study; timing only).\n";

std::string zoo_directory() {
    if (const char* env = std::getenv("PLANARIA_MODELS")) return env;
    return data_file("scenarios/models").string();
}

/// "1,4,16": whole numbers from 1 to `chip`, each once.
std::vector<unsigned> count_list(const std::string& text, unsigned chip) {
    std::vector<unsigned> counts;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string part = text.substr(at, comma - at);
        if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(part) < 1 || std::stoul(part) > chip)
            throw UsageError("--subarrays", "must list counts from 1 to " + std::to_string(chip) +
                                                " separated by commas, not '" + text + "'");
        const unsigned k = unsigned(std::stoul(part));
        if (std::find(counts.begin(), counts.end(), k) != counts.end())
            throw UsageError("--subarrays", "lists " + part + " twice");
        counts.push_back(k);
        at = comma + 1;
    }
    return counts;
}

}  // namespace

std::vector<std::string> zoo_models() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(zoo_directory()))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

int compile_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")("all", "compile the whole model zoo")(
        "out-dir", po::value<std::string>()->default_value("results/bundles"), "where the bundles go")(
        "objective", po::value<std::string>()->default_value("cycles"), "per-layer choice: cycles or edp")(
        "tables-only", "leave the instruction streams out")(
        "depthwise", po::value<std::string>()->default_value("column"),
        "depth-wise channels per pass: column (one, the paper's) or block-diagonal (timing only)")(
        "subarrays", po::value<std::string>(), "instruction streams only for these counts, e.g. 1,4,16")(
        "input", po::value<std::vector<std::string>>(), "override a model input shape, e.g. image=3x300x300");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("compile", args, opts, {{"models", true}}, {}, kCompileUsage, vm)) return *exit;
    return guarded("compile", [&] {
        const std::vector<std::string> models = model_files(vm);
        if (models.empty()) {
            std::cerr << kCompileUsage;
            return kExitUsage;
        }
        const ArchConfig cfg = arch_from_options(vm);
        CompileOptions options;
        options.objective = parse_objective(vm["objective"].as<std::string>());
        options.instructions = !vm.count("tables-only");
        options.depthwise = depthwise_option(vm);
        if (vm.count("subarrays")) options.stream_counts = count_list(vm["subarrays"].as<std::string>(), cfg.subarray.count);
        std::vector<InputOverride> inputs;
        if (vm.count("input"))
            for (const auto& s : vm["input"].as<std::vector<std::string>>()) inputs.push_back(InputOverride::parse(s));
        const std::string dir = vm["out-dir"].as<std::string>();
        OutputFolder folder(dir);
        const Compiler compiler(cfg, options);
        const std::uint64_t fingerprint = arch_fingerprint(to_yaml(cfg));
        std::cout << "Compiling for " << cfg.name << " (k = 1.." << cfg.subarray.count << ", objective "
                  << to_string(options.objective) << ")\n";
        const auto start = std::chrono::steady_clock::now();
        for (const auto& file : models) {
            const auto t0 = std::chrono::steady_clock::now();
            const Model model = load_model_file(file, inputs);
            Bundle bundle = compiler.compile(model);
            bundle.arch_fingerprint = fingerprint;
            const std::string out = dir + "/" + model.key + ".bundle";
            write_bundle(bundle, folder.staging() + "/" + model.key + ".bundle");
            const auto& whole = bundle.per_k.back().table;
            std::uint64_t instructions = 0;
            for (const auto& k : bundle.per_k)
                for (const auto& p : k.programs) instructions += p.instructions.size();
            std::cout << "  " << std::left << std::setw(18) << model.key << std::right << std::setw(6)
                      << model.layers.size() << " layers  k=" << whole.subarrays << ": " << std::setw(12)
                      << whole.total_cycles() << " cycles " << std::fixed << std::setprecision(3) << std::setw(9)
                      << double(whole.total_cycles()) * cfg.clock_period_ns() / 1e6 << " ms  " << std::setw(9)
                      << instructions << " instructions  "
                      << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s  -> "
                      << out << "\n";
        }
        folder.commit();
        std::cout << "compiled " << models.size() << " model(s) in " << std::fixed << std::setprecision(2)
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
        return kExitOk;
    });
}

}  // namespace planaria::cli
