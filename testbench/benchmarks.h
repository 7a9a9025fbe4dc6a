#pragma once
// Speed of the model, measured (never asserted in tests): `planaria bench`.

#include <string>

#include "hw/config/arch_config.h"
#include "testbench/workload.h"

namespace planaria {

/// PE-cycles per second of the cycle-accurate datapath, real values flowing,
/// for the whole chip as one logical array and for independent subarrays,
/// each measured for at least `seconds`. Returns the report.
/// `reference`: the plain C++ cycle loop's runner (../shared/bench/run); when
/// it exists, it runs beside each measurement on an array of the same size
/// and the ratio is printed.
std::string bench_datapath(const ArchConfig& cfg, double seconds, const std::string& reference = "");
/// Memory and elaboration time per chip at each fidelity: `chips` chips of
/// each elaborated in this process (never simulated), resident memory
/// measured before and after (Linux /proc/self/statm).
std::string bench_chips(const ArchConfig& cfg, unsigned chips);

/// Wall time of one multi-tenant run of `requests` requests at the
/// scenario's rate and seed under Planaria and under PREMA, scheduler in the
/// loop, at table or tile level. Returns the report.
std::string bench_workload(const Scenario& scenario, const ArchConfig& planaria, const ArchConfig& monolithic,
                           unsigned requests, bool tile);

}  // namespace planaria
