#pragma once
// A task as the host scheduler sees it: the inference request that arrives,
// the record of how it ran, and the stretches of time it held subarrays.
// Both the host module (sched/host.h) and the configuration-table-level node
// produce these; the metrics (testbench/metrics.h) read them.

#include <cstdint>
#include <string>
#include <vector>

#include "hw/isa/energy_breakdown.h"

namespace planaria {

/// One inference request. Times in seconds.
struct Request {
    std::uint64_t id = 0;
    std::string model;
    double arrival = 0;     ///< seconds from the start of the run
    unsigned priority = 1;
    double bound = 0;       ///< seconds: qos_ms / qos_divisor(level) / 1000
    bool translation = false;
};

/// One finished request. Times in seconds, energy in joules.
struct TaskRecord {
    std::uint64_t id = 0;
    std::string model;
    unsigned priority = 1;
    double arrival = 0, start = 0, finish = 0;
    double isolated = 0;   ///< latency alone on the whole chip (the same config the policy runs on)
    double bound = 0;      ///< QoS bound, seconds
    bool translation = false;
    EnergyBreakdown energy;  ///< joules, by component
    unsigned preemptions = 0;
    double energy_j() const { return energy.total(); }
    double latency() const { return finish - arrival; }
    bool met() const { return latency() <= bound; }
};

/// A stretch of time a task held a set of subarrays (for timelines).
struct Occupancy {
    std::uint64_t task = 0;
    std::string model;
    std::vector<unsigned> subarrays;
    double start = 0, end = 0;
};

/// The record of a finished request.
inline TaskRecord finished_task(const Request& r, double start, double finish, double isolated,
                                const EnergyBreakdown& energy,
                                unsigned preemptions) {
    return {r.id, r.model, r.priority, r.arrival, start, finish, isolated, r.bound, r.translation, energy, preemptions};
}

}  // namespace planaria
