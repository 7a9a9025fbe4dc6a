#pragma once
// Multi-tenant workloads (paper Section VI-A, Table I): scenario files, QoS
// levels and the request generator. Pure C++, no SystemC: the host engine
// (sched/) consumes the requests and turns them into TaskRecords
// (testbench/metrics.h).
//
// Scenario file format (scenarios/workload-{a,b,c}.yaml), format
// planaria-workload/1. Every key below is required unless marked optional;
// unknown keys, duplicate keys, wrong types and broken rules are errors
// (WorkloadError) that name the file, the line, the YAML path and the rule.
//
//   format: planaria-workload/1      # exactly this string
//   name: Workload-C                 # string
//   description: mixed ...           # optional string
//   models: [resnet50, googlenet]    # non-empty list of distinct model keys
//                                    # ([a-z0-9_]+; scenarios/models/<key>.yaml,
//                                    # see model_file())
//   qos:                             # QoS-S bound in ms, one per model and only for
//     resnet50: 15                   # the models listed (> 0, finite); QoS-M is
//     googlenet: 15                  # bound / 4, QoS-H bound / 16 (qos.md)
//   translation: [gnmt]              # optional: models whose SLA tail is 97 %
//                                    # (translation); the others are vision, 99 %
//   requests: 1000                   # default request count, >= 1
//   rate: 80                         # default arrival rate in requests/s, > 0, finite
//   seed: 1                          # default RNG seed, a whole number (64 bit)
//   priorities: [1, 11]              # optional [min, max], 1 <= min <= max; default [1, 11]
//
// Request generation (generate_requests) is deterministic and portable: one
// std::mt19937_64 seeded with `seed`, and per request, in this order, three
// draws: the inter-arrival time (exponential, -log(1 - u) / rate with
// u = (draw >> 11) * 2^-53 in [0, 1)), the model (models[draw % n]) and the
// priority (min + draw % (max - min + 1)). No std:: distributions (their
// output is implementation-defined). The first request arrives at the first
// inter-arrival draw (not at 0). Ids are 0..count-1 in arrival order.

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sched/policy.h"  // kMinPriority, kMaxPriority
#include "sched/task.h"

namespace planaria {

/// A scenario file that cannot be used. what() is one line:
/// "<file>:<line>: <yaml path>: <rule>".
class WorkloadError : public std::runtime_error {
public:
    WorkloadError(std::string where, std::string path, std::string rule);
    const std::string& where() const { return where_; }  ///< file, or file:line
    const std::string& path() const { return path_; }    ///< YAML path, e.g. "qos.gnmt"
    const std::string& rule() const { return rule_; }

private:
    std::string where_, path_, rule_;
};

/// The ranges a workload's numbers must lie in (scenario files and
/// command-line options alike): beyond them a run either overflows simulated
/// time (SystemC counts picoseconds in 64 bits) or loses the resolution of
/// its layer times in double-precision seconds and could not advance.
constexpr double kMinRate = 1e-3, kMaxRate = 1e6;     ///< requests per second
constexpr unsigned kMaxRequests = 1'000'000;          ///< per run
constexpr double kMaxSpanSeconds = 1e6;               ///< requests / rate: the arrivals' expected span
/// Throws WorkloadError (naming `what`) unless rate and requests lie in
/// their ranges (requests up to kMaxRequests) and requests / rate <=
/// kMaxSpanSeconds. Scenario files and the command line also refuse 0 requests.
void check_workload_size(double rate, unsigned requests, const std::string& what);

/// QoS levels of the paper: MLPerf server bounds (S), a quarter (M), a sixteenth (H).
enum class QosLevel { Soft, Medium, Hard };

/// "S", "M", "H" (also "soft", "medium", "hard", "QoS-S", ...; case-insensitive).
/// Throws std::invalid_argument naming the text.
QosLevel parse_qos(const std::string& text);
/// 1, 4, 16.
double qos_divisor(QosLevel level);
/// "S", "M" or "H".
std::string to_string(QosLevel level);

struct Scenario {
    std::string name, description, file;   ///< file: the path it was loaded from (or the source name)
    std::vector<std::string> models;       ///< in file order
    std::map<std::string, double> qos_ms;  ///< QoS-S bound per model, milliseconds
    std::set<std::string> translation;     ///< models with the 97 % tail; the others 99 %
    unsigned requests = 0;                 ///< default request count
    double rate = 0;                       ///< default arrival rate, requests per second
    std::uint64_t seed = 0;                ///< default seed
    unsigned min_priority = 1, max_priority = 11;
};

/// Loads and validates a scenario file. Throws WorkloadError.
Scenario load_scenario(const std::string& file);
/// Same, from YAML text; `source` names the text in errors and becomes Scenario::file.
Scenario parse_scenario(const std::string& yaml_text, const std::string& source);

/// The model description of `model`: <directory of scenario.file>/models/<model>.yaml
/// (the shipped scenarios sit next to scenarios/models/).
std::string model_file(const Scenario& scenario, const std::string& model);


/// Poisson arrivals at `rate` requests/s, `count` requests, models uniform over
/// scenario.models, priorities uniform over [min_priority, max_priority]; see the
/// file comment for the exact draws. Throws std::invalid_argument for rate <= 0
/// or not finite, or a scenario without models or without a bound for a model.
std::vector<Request> generate_requests(const Scenario& scenario, QosLevel level, double rate, unsigned count,
                                       std::uint64_t seed);
/// With the scenario's defaults (rate, requests, seed).
std::vector<Request> generate_requests(const Scenario& scenario, QosLevel level);

}  // namespace planaria
