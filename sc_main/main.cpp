// planaria: the command-line front end of the Planaria virtual prototype.
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>
#include <systemc>

#include <planaria/version.h>

#include "sc_main/command.h"

namespace po = boost::program_options;
using namespace planaria::cli;

namespace {

void print_help(std::ostream& os) {
    os << "Usage: planaria [--help] [--version] <command> [<args>]\n\n"
          "SystemC/TLM-2.0 virtual prototype of Planaria, the fissionable multi-tenant DNN\n"
          "accelerator (MICRO 2020).\n\nCommands:\n";
    for (const auto& c : commands()) os << "  " << c.name << std::string(12 - c.name.size(), ' ') << c.summary << "\n";
    os << "\nRun 'planaria <command> --help' for the options of a command.\n";
}

}  // namespace

namespace planaria::cli {
const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"arch", "show and check architecture configurations", arch_command},
        {"bench", "measure the speed of the model", bench_command},
        {"trace", "write a VCD trace of a small cycle-accurate run", trace_command},
        {"compile", "compile DNN models into bundles", compile_command},
        {"bundle", "check or describe compiled bundle files", bundle_command},
        {"report", "the paper's single-DNN studies with this model's numbers", report_command},
        {"replay", "run compiled DNNs on the chip-level model", replay_command},
        {"run", "run a multi-tenant workload under Planaria and PREMA", run_command},
        {"experiment", "the paper's evaluation with this model's numbers (CSV)", experiment_command},
    };
    return all;
}
}  // namespace planaria::cli

int sc_main(int argc, char* argv[]) {
    // Global options come before the command; everything after the command
    // name belongs to the command (so `planaria arch show --help` is the
    // command's help).
    int command_at = 1;
    while (command_at < argc && argv[command_at][0] == '-') ++command_at;

    po::options_description global("Options");
    global.add_options()("help,h", "print this help")("version", "print the version");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(command_at, argv, global), vm);
    } catch (const po::error& e) {
        std::cerr << "planaria: error: " << e.what() << "\n";
        return kExitUsage;
    }
    if (vm.count("version")) {
        std::cout << "planaria " << PLANARIA_VERSION_STRING << " (SystemC " << sc_core::sc_release() << ")\n";
        return kExitOk;
    }
    if (command_at < argc && !vm.count("help")) {
        const std::string name = argv[command_at];
        const std::vector<std::string> rest(argv + command_at + 1, argv + argc);
        for (const auto& c : commands())
            if (c.name == name) return c.run(rest);
        std::cerr << "planaria: error: unknown command '" << name << "'\n\n";
        print_help(std::cerr);
        return kExitUsage;
    }
    print_help(vm.count("help") ? std::cout : std::cerr);
    return vm.count("help") ? kExitOk : kExitUsage;
}

// Our own main() replaces libsystemc's so the banner can be silenced before
// the kernel prints it; it would interleave with the command's output.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
