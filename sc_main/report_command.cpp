// planaria report: the paper's single-DNN studies with this model's numbers.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/compiler.h"
#include "hw/config/arch_yaml.h"
#include "hw/config/output_file.h"
#include "sc_main/cli_support.h"
#include "sc_main/command.h"
#include "testbench/paper_reports.h"

namespace planaria::cli {

namespace {
const char* kReportUsage =
    "Usage: planaria report table2|fig17|fig18|fig19|gap|all [--out-dir DIR] [--objective cycles|edp]\n\n"
    "table2  share of each DNN's layers picking each fission configuration (whole chip)\n"
    "fig17   single-DNN speedup and energy against the monolithic 128x128 array\n"
    "fig18   energy-delay product of 16x16, 32x32 and 64x64 subarrays\n"
    "fig19   logic area and power by block, and what fission adds over the monolithic array\n"
    "gap     the fissioned chip as one 128x128 array against the monolithic array: per DNN\n"
    "        (gap.csv) and per layer (gap_layers.csv), the hardware terms the gap comes from\n"
    "Each prints a table and writes DIR/<name>.csv (default results/).\n";

std::string arch_file(const std::string& name) {
    return data_file("scenarios/arch/" + name + ".yaml").string();
}
}  // namespace

int report_command(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "print this help")(
        "out-dir", po::value<std::string>()->default_value("results"), "where the CSV files go")(
        "objective", po::value<std::string>()->default_value("cycles"), "per-layer choice: cycles or edp");
    po::variables_map vm;
    if (auto exit = parse_arguments("report", args, opts, {{"what"}}, {"what"}, kReportUsage, vm)) return *exit;
    return guarded("report", [&] {
        const std::string what = vm["what"].as<std::string>();
        const std::vector<std::string> known = {"table2", "fig17", "fig18", "fig19", "gap"};
        if (what != "all" && std::find(known.begin(), known.end(), what) == known.end()) {
            std::cerr << "planaria report: error: unknown report '" << what << "'\n" << kReportUsage;
            return kExitUsage;
        }
        const Objective objective = parse_objective(vm["objective"].as<std::string>());
        std::vector<Model> models;
        for (const auto& f : zoo_models()) models.push_back(load_model_file(f));
        const std::string dir = vm["out-dir"].as<std::string>();
        OutputFolder folder(dir);
        const ArchConfig planaria = load_arch_file(arch_file("planaria"));
        const auto emit = [&](const ReportTable& t, const std::string& name) {
            std::cout << t.to_text() << "-> " << dir << "/" << name << ".csv\n\n";
            t.write_csv(folder.staging() + "/" + name + ".csv");
        };
        const std::vector<std::string> which = what == "all" ? known : std::vector<std::string>{what};
        const SingleDnnDesigns designs{planaria, load_arch_file(arch_file("monolithic")),
                                       load_arch_file(arch_file("granularity-16")),
                                       load_arch_file(arch_file("granularity-64"))};
        if (std::find(which.begin(), which.end(), "fig19") != which.end())
            emit(fig19(designs.planaria, designs.monolithic), "fig19");
        for (const auto& [name, table] : single_dnn_reports(designs, models, objective, which)) emit(table, name);
        folder.commit();
        return kExitOk;
    });
}

}  // namespace planaria::cli
