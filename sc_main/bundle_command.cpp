// planaria bundle: check or describe a compiled bundle file.
#include <filesystem>
#include <iostream>

#include "hw/bundle/bundle_io.h"
#include "hw/config/arch_yaml.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"

namespace planaria::cli {

namespace {
const char* kBundleUsage =
    "Usage: planaria bundle check FILE... [--arch FILE] [--set PATH=VALUE]...\n"
    "       planaria bundle show FILE\n\n"
    "check  reads each bundle with every rule of the format (magic, version, flags, sizes,\n"
    "       checksum, opcodes, counts); with --arch or --set also requires it to be built for\n"
    "       that architecture. One line per file: ok, or what is wrong.\n"
    "show   the format version, architecture fingerprint, model, and per subarray count the\n"
    "       configuration table and the instruction streams with their sizes.\n";
}  // namespace

int bundle_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help");
    add_arch_options(opts);
    po::variables_map vm;
    if (auto exit = parse_arguments("bundle", args, opts, {{"action"}, {"files", true}}, {"action", "files"},
                                    kBundleUsage, vm))
        return *exit;
    const std::string action = vm["action"].as<std::string>();
    const auto files = vm["files"].as<std::vector<std::string>>();
    return guarded("bundle", [&] {
        if (action == "show") {
            if (files.size() != 1) throw UsageError("bundle show", "name exactly one FILE");
            const Bundle b = read_bundle(files.front());
            std::cout << files.front() << ": " << std::filesystem::file_size(files.front()) << " bytes\n"
                      << bundle_summary(b);
            return kExitOk;
        }
        if (action != "check") throw UsageError("bundle", "unknown action '" + action + "' (check, show)");
        const bool against_arch = vm.count("arch") || vm.count("set");
        const std::uint64_t fingerprint = against_arch ? arch_fingerprint(to_yaml(arch_from_options(vm))) : 0;
        int status = kExitOk;
        for (const auto& f : files) {
            try {
                if (against_arch) read_bundle(f, fingerprint);
                else read_bundle(f);
                std::cout << f << ": ok\n";
            } catch (const BundleError& e) {
                std::cout << e.what() << "\n";
                status = kExitUsage;  // a bad input file, like arch check
            }
        }
        return status;
    });
}

}  // namespace planaria::cli
