#include "testbench/experiments.h"

#include <sstream>

#include "hw/config/output_file.h"
#include "testbench/csv_writer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "hw/config/arch_yaml.h"
#include "testbench/paper_reports.h"
#include "testbench/workload_runner.h"

namespace planaria {

ExperimentProfile ExperimentProfile::named(const std::string& name) {
    if (name == "full") return {name, 1000, 10, 8, 16, {}};  // single-DNN studies: the whole zoo
    if (name == "quick") return {name, 500, 3, 5, 16, {}};
    if (name == "smoke") return {name, 60, 1, 2, 4, {"mobilenet_v1", "tiny_yolo"}};
    throw std::invalid_argument("unknown experiment profile '" + name + "' (full, quick, smoke)");
}

const std::vector<std::string>& experiment_names() {
    // "single" runs the chip-level model: last, because after a SystemC
    // simulation has run, AddressSanitizer misreads exceptions thrown on the
    // main stack (google/sanitizers#189), and the others are table-level.
    static const std::vector<std::string> names = {"multitenant", "mlperf", "scaleout", "bandwidth", "timeline",
                                                     "single"};
    return names;
}

namespace {

const std::vector<std::string> kWorkloads = {"A", "B", "C"};
const std::vector<QosLevel> kQos = {QosLevel::Soft, QosLevel::Medium, QosLevel::Hard};

std::string number(double v) {
    std::ostringstream os;
    os << std::setprecision(6) << v;
    return os.str();
}

Scenario workload(const ExperimentSetup& s, const std::string& w) {
    std::string lower = w;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return load_scenario(s.scenarios_dir + "/workload-" + lower + ".yaml");
}

/// A policy on its chip: Planaria's scheduler on the fissionable chip,
/// PREMA's on the monolithic array.
struct Contender {
    std::string policy;
    ArchConfig arch;
    DepthwiseMapping depthwise = DepthwiseMapping::Column;
    std::string label;  ///< the policy column ("" : the policy's name)
    const std::string& name() const { return label.empty() ? policy : label; }
};

std::vector<Contender> contenders(const ExperimentSetup& s, double bandwidth_scale = 1) {
    std::vector<Contender> c = {{"planaria", s.planaria, DepthwiseMapping::Column, ""},
                                {"prema", s.monolithic, DepthwiseMapping::Column, ""}};
    for (auto& x : c) x.arch.offchip.bandwidth_gbps *= bandwidth_scale;
    return c;
}

std::unique_ptr<NodeSetup> node_setup(const Contender& c, const Scenario& scenario) {
    const PolicyOptions options = PolicyOptions::for_chip(c.arch);
    return std::make_unique<NodeSetup>(c.arch, c.policy, scenario, options, false, std::vector<InputOverride>{},
                                       c.depthwise);
}

/// A policy at the scenario's rate over the profile's seeds (means), and its throughput.
struct Evaluation {
    double throughput = 0, sla_rate = 0, within = 0, fairness = 0, energy = 0, utilization = 0, p99 = 0;
};

Evaluation evaluate_policy(const NodeSetup& node, const Scenario& sc, QosLevel q, const ExperimentProfile& p,
                           bool search) {
    Evaluation e;
    std::vector<WorkloadMetrics> at_rate;
    for (const WorkloadRun& run : run_seeds(node, sc, q, sc.rate, p.requests, sc.seed, p.seeds))
        at_rate.push_back(run.metrics);
    e.sla_rate = sla_satisfaction_rate(at_rate);
    for (const auto& m : at_rate) {
        const double n = double(p.seeds);
        e.within += m.tasks ? double(m.vision_tasks_met + m.translation_tasks_met) / double(m.tasks) / n : 0;
        e.fairness += m.fairness / n, e.energy += m.energy_j / n, e.utilization += m.utilization / n;
        e.p99 += m.p99_latency / n;
    }
    if (search) e.throughput = search_throughput(node, sc, q, sc.rate, p.requests, sc.seed, p.seeds, p.search_steps).rate;
    return e;
}

/// A CSV table with the header given as one comma-separated line.
CsvWriter csv_table(const std::string& header) {
    std::vector<std::string> names;
    std::size_t at = 0;
    for (std::size_t comma; (comma = header.find(',', at)) != std::string::npos; at = comma + 1)
        names.push_back(header.substr(at, comma - at));
    names.push_back(header.substr(at));
    return CsvWriter(names);
}

/// The policies of Fig. 12-15 on workload `w`.
std::vector<Contender> multitenant_contenders(const ExperimentSetup& s, const std::string& w) {
    std::vector<Contender> cs = contenders(s);
    // Workload-B's depth-wise DNNs again with the baseline packing
    // depth-wise channels block-diagonally: a sensitivity study of Fig. 12.
    if (w == "B") cs.push_back({"prema", s.monolithic, DepthwiseMapping::BlockDiagonal, "prema-block-diagonal"});
    return cs;
}

const std::vector<std::string> kMlperfWorkloads = {"A-MLPerf", "C-MLPerf"};
const std::vector<double> kBandwidthScales = {0.5, 1.0, 2.0};

/// Fig. 12-15's table for `workloads` (names after "workload-", e.g. "A" or "C-MLPerf").
std::vector<std::string> multitenant_table(const ExperimentSetup& s, const std::string& path,
                                           const std::vector<std::string>& workloads) {
    CsvWriter f = csv_table("workload,qos,policy,chip,rate_rps,throughput_rps,sla_satisfaction,"
                                     "tasks_within_qos,fairness,energy_j,utilization,p99_latency_ms,"
                                     "energy_j_idle_pes_ungated");
    for (const std::string& w : workloads) {
        const Scenario sc = workload(s, w);
        for (const Contender& c : multitenant_contenders(s, w)) {
            const auto node = node_setup(c, sc);
            // Fig. 15 again with idle PEs ungated (energy.pe_gating): the same
            // runs, their tables priced with the other figure.
            const NodeSetup ungated_node(*node, PeGating::None);
            for (QosLevel q : kQos) {
                s.log("multitenant: workload " + w + ", QoS-" + to_string(q) + ", " + c.name());
                const Evaluation e = evaluate_policy(*node, sc, q, s.profile, true);
                const Evaluation u = evaluate_policy(ungated_node, sc, q, s.profile, false);
                f.row({w, to_string(q), c.name(), c.arch.name, number(sc.rate), number(e.throughput),
                       number(e.sla_rate), number(e.within), number(e.fairness), number(e.energy),
                       number(e.utilization), number(e.p99 * 1e3), number(u.energy)});
            }
        }
    }
    f.write(path);
    return {path};
}

std::vector<std::string> multitenant(const ExperimentSetup& s, const std::string& dir) {
    return multitenant_table(s, dir + "/multitenant.csv", kWorkloads);
}

/// The sensitivity to the model set: SSD-ResNet34 at MLPerf's 1200x1200.
std::vector<std::string> mlperf(const ExperimentSetup& s, const std::string& dir) {
    return multitenant_table(s, dir + "/mlperf.csv", kMlperfWorkloads);
}

std::vector<std::string> scaleout(const ExperimentSetup& s, const std::string& dir) {
    const std::string path = dir + "/scaleout.csv";
    CsvWriter f = csv_table("workload,qos,policy,rate_rps,nodes_needed,max_nodes");
    const ExperimentProfile& p = s.profile;
    for (const std::string& w : kWorkloads) {
        const Scenario sc = workload(s, w);
        for (const Contender& c : contenders(s)) {
            const auto node = node_setup(c, sc);
            for (QosLevel q : kQos) {
                s.log("scaleout: workload " + w + ", QoS-" + to_string(q) + ", " + c.policy);
                const auto run = [&](unsigned nodes, std::uint64_t seed) {
                    return run_workload(*node, generate_requests(sc, q, sc.rate, p.requests, sc.seed + seed), nodes).metrics;
                };
                f.row({w, to_string(q), c.policy, number(sc.rate), std::to_string(nodes_needed(run, p.seeds, p.max_nodes)),
                       std::to_string(p.max_nodes)});
            }
        }
    }
    f.write(path);
    return {path};
}

std::vector<std::string> single(const ExperimentSetup& s, const std::string& dir) {
    // The paper's set (Workload-C holds all nine DNNs), or the profile's choice;
    // the MLPerf-size SSD-ResNet34 is the sensitivity study's (the mlperf experiment).
    const Scenario paper_set = workload(s, "C");
    std::vector<std::string> keys = s.profile.single_dnns.empty() ? paper_set.models : s.profile.single_dnns;
    std::sort(keys.begin(), keys.end());
    std::vector<Model> models;
    for (const auto& key : keys) models.push_back(load_model_file(model_file(paper_set, key)));
    const auto arch = [&](const std::string& name) { return load_arch_file(s.scenarios_dir + "/arch/" + name + ".yaml"); };
    std::vector<std::string> written;
    const auto emit = [&](const ReportTable& t, const std::string& name) {
        written.push_back(dir + "/" + name + ".csv");
        t.write_csv(written.back());
    };
    s.log("single: Table II, Fig. 17, Fig. 18, Fig. 19 and the fission gap (every DNN on the chip-level model of six designs)");
    const SingleDnnDesigns designs{s.planaria, s.monolithic, arch("granularity-16"), arch("granularity-64")};
    emit(fig19(s.planaria, s.monolithic), "fig19");
    for (const auto& [name, table] : single_dnn_reports(designs, models, Objective::Cycles,
                                                        {"table2", "fig17", "fig18", "gap", "feasibility"}, &paper_set))
        emit(table, name);
    return written;
}

std::vector<std::string> bandwidth(const ExperimentSetup& s, const std::string& dir) {
    const std::string path = dir + "/bandwidth.csv";
    CsvWriter f = csv_table("bandwidth_scale,workload,qos,policy,throughput_rps,sla_satisfaction,energy_j,utilization");
    const Scenario sc = workload(s, "C");
    for (double scale : kBandwidthScales)
        for (const Contender& c : contenders(s, scale)) {
            s.log("bandwidth: x" + number(scale) + ", " + c.policy);
            const auto node = node_setup(c, sc);
            const Evaluation e = evaluate_policy(*node, sc, QosLevel::Soft, s.profile, true);
            f.row({number(scale), "C", "S", c.policy, number(e.throughput), number(e.sla_rate), number(e.energy),
                   number(e.utilization)});
        }
    f.write(path);
    return {path};
}

std::vector<std::string> timeline(const ExperimentSetup& s, const std::string& dir) {
    // A short stretch of Workload-C at its rate: enough tasks to see the chip
    // divided among tenants, few enough to read the picture.
    const Scenario sc = workload(s, "C");
    const Contender c = contenders(s).front();
    s.log("timeline: workload C, QoS-S, " + c.policy);
    const auto node = node_setup(c, sc);
    const WorkloadRun run =
        run_workload(*node, generate_requests(sc, QosLevel::Soft, sc.rate, std::min(s.profile.requests, 60u), sc.seed));
    const std::string path = dir + "/timeline.csv";
    CsvWriter f = csv_table("policy,node,subarray,task,model,start_ms,end_ms");
    for (std::size_t n = 0; n < run.timelines.size(); ++n)
        for (const Occupancy& o : run.timelines[n])
            for (unsigned sub : o.subarrays)
                f.row({c.policy, std::to_string(n), std::to_string(sub), std::to_string(o.task), o.model,
                       number(o.start * 1e3), number(o.end * 1e3)});
    f.write(path);
    write_timeline(dir + "/timeline.json", run, c.arch);
    return {path, dir + "/timeline.json"};
}

}  // namespace

std::string write_profile(const ExperimentProfile& p, const std::string& out_dir) {
    std::filesystem::create_directories(out_dir);
    const std::string path = out_dir + "/profile.json";
    std::ostringstream f;
    f << "{\"profile\": \"" << p.name << "\", \"requests\": " << p.requests << ", \"seeds\": " << p.seeds
      << ", \"search_steps\": " << p.search_steps << ", \"max_nodes\": " << p.max_nodes << "}\n";
    write_file_atomically(path, f.str());
    return path;
}

unsigned experiment_units(const std::string& name, const ExperimentSetup& s) {
    const std::size_t qos = kQos.size(), policies = contenders(s).size();
    const auto multitenant_units = [&](const std::vector<std::string>& workloads) {
        std::size_t units = 0;
        for (const std::string& w : workloads) units += multitenant_contenders(s, w).size() * qos;
        return unsigned(units);
    };
    if (name == "multitenant") return multitenant_units(kWorkloads);
    if (name == "mlperf") return multitenant_units(kMlperfWorkloads);
    if (name == "scaleout") return unsigned(kWorkloads.size() * policies * qos);
    if (name == "bandwidth") return unsigned(kBandwidthScales.size() * policies);
    if (name == "timeline" || name == "single") return 1;
    throw std::invalid_argument("unknown experiment '" + name + "'");
}

std::vector<std::string> run_experiment(const std::string& name, const ExperimentSetup& setup, const std::string& out_dir) {
    std::filesystem::create_directories(out_dir);
    if (name == "multitenant") return multitenant(setup, out_dir);
    if (name == "mlperf") return mlperf(setup, out_dir);
    if (name == "scaleout") return scaleout(setup, out_dir);
    if (name == "single") return single(setup, out_dir);
    if (name == "bandwidth") return bandwidth(setup, out_dir);
    if (name == "timeline") return timeline(setup, out_dir);
    std::string known;
    for (const auto& n : experiment_names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown experiment '" + name + "' (" + known + ")");
}

}  // namespace planaria
