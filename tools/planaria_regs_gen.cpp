// planaria_regs_gen: writes the register description of an architecture
// (hw/regfile/register_description.h) as a C header and as JSON.
//   planaria_regs_gen --c planaria_regs.h --json planaria_regs.json [--arch FILE]
// Without --arch: the built-in design point. The build runs it to make the
// installed planaria_regs.h and planaria_regs.json.
#include <cstdlib>
#include <iostream>
#include <string>

#include <systemc>

#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "hw/regfile/register_description.h"

// A SystemC program (libsystemc wants its sc_main at link time), though it simulates nothing.
int sc_main(int argc, char** argv) {
    std::string c_file, json_file, arch_file;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--c" || a == "--json" || a == "--arch") && i + 1 < argc) {
            (a == "--c" ? c_file : a == "--json" ? json_file : arch_file) = argv[++i];
        } else {
            std::cerr << "usage: planaria_regs_gen [--c FILE] [--json FILE] [--arch FILE]\n";
            return 2;
        }
    }
    try {
        const planaria::ArchConfig cfg = arch_file.empty() ? planaria::ArchConfig{} : planaria::load_arch_file(arch_file);
        const planaria::RegisterDescription d = planaria::describe_registers(cfg);
        if (!c_file.empty()) planaria::write_file_atomically(c_file, planaria::register_c_header(d));
        if (!json_file.empty()) planaria::write_file_atomically(json_file, planaria::register_json(d));
        if (c_file.empty() && json_file.empty()) std::cout << planaria::register_c_header(d);
    } catch (const std::exception& e) {
        std::cerr << "planaria_regs_gen: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

// As the planaria command does: our main() silences the kernel's banner first.
int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
