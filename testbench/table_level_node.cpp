#include "testbench/table_level_node.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace planaria {

struct TableLevelNode::Task {
    const Request* request = nullptr;
    const TaskProfile* profile = nullptr;
    std::size_t layer = 0;      ///< the layer in progress
    double fraction = 0;        ///< of it done
    unsigned k = 0;             ///< subarrays held (0: waiting)
    Placement place;
    double ready = 0;           ///< makes progress from this time on (restores and host work before)
    double owed = 0;            ///< restore time owed when it runs again
    double held_since = 0, executed = 0, start = 0, finish = 0;
    EnergyBreakdown energy;  ///< joules
    bool started = false, done = false, draining = false;
    unsigned preemptions = 0;
};

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}

TableLevelNode::TableLevelNode(const ArchConfig& cfg, const std::map<std::string, TaskProfile>& profiles,
                               SchedulingPolicy& policy, NodeOptions options)
    : cfg_(cfg), floorplan_(cfg_), profiles_(profiles), policy_(policy), options_(options),
      bandwidth_(cfg_.offchip.bandwidth_gbps * 1e9 * cfg_.offchip.channels) {}

TableLevelNode::~TableLevelNode() = default;

void TableLevelNode::take(Task& t, double now) {
    t.ready = now + options_.scheduling_s + t.owed;
    t.owed = 0;
    t.held_since = now;
    if (!t.started) t.started = true, t.start = now;
}

void TableLevelNode::leave(Task& t, double now) {
    timeline_.push_back({t.request->id, t.request->model, t.place.region, t.held_since, now});
    t.k = 0;
    t.place = {};
    t.draining = false;
}

void TableLevelNode::advance(double to) {
    // t.ready is the time up to which a running task's progress is accounted
    // (later while a restore or the host's work holds it up).
    for (std::size_t i : active_) {
        Task& t = tasks_[i];
        if (!t.k || t.done || t.ready >= to) continue;
        const double begin = t.ready;
        double clock = begin;
        const std::size_t layers = t.profile->layers();
        while (t.layer < layers && clock < to) {
            const double T = t.profile->layer_seconds(t.k, t.layer);
            const EnergyBreakdown E = t.profile->layer_joules(t.k, t.layer);
            const double left = (1 - t.fraction) * T;
            if (clock + left <= to * (1 + 1e-15)) {  // the layer ends by `to`
                clock += left;
                t.energy += E.scaled(1 - t.fraction);
                ++t.layer, t.fraction = 0;
                if (t.draining) break;  // a drained task leaves at its layer's end
            } else {
                t.fraction += (to - clock) / T;
                t.energy += E.scaled((to - clock) / T);
                clock = to;
            }
        }
        clock = std::min(clock, to);
        busy_ += double(t.k) * (clock - begin);
        t.executed += clock - begin;
        if (t.layer >= layers) t.done = true, t.finish = clock;
        t.ready = to;
    }
}

void TableLevelNode::schedule(double now) {
    ++events_;
    std::vector<TaskProgress> progress;
    for (std::size_t i : active_) {
        const Task& t = tasks_[i];
        TaskProgress p;
        p.request = t.request;
        p.profile = t.profile;
        p.layer = t.layer;
        p.fraction = t.fraction;
        p.executed = t.executed;
        p.started = t.started;
        p.held = t.k;
        p.place = t.k ? &t.place : nullptr;
        p.context_subarrays = t.k;
        p.layer_left = 1 - t.fraction;
        p.leaving = t.draining;  // a draining task keeps its subarrays until its layer ends
        progress.push_back(p);
    }
    const SchedulingOutcome outcome = schedule_tasks(cfg_, floorplan_, policy_, now, progress);
    const Decision& d = outcome.decision;
    const std::vector<Placement>& placed = outcome.placed;
    // First those that give up or change their subarrays, then those that take some.
    for (std::size_t n = 0; n < active_.size(); ++n) {
        Task& t = tasks_[active_[n]];
        if (!t.k || t.draining) continue;
        if (!outcome.moves(n, progress[n])) continue;
        if (d.grants[n].how == Preemption::Drain && placed[n].subarrays == 0) {
            t.draining = true;
            continue;
        }
        ++preemptions_, ++t.preemptions;
        if (d.grants[n].how == Preemption::Kill) {
            t.layer = 0, t.fraction = 0;  // its progress is lost; the energy spent stays spent
        } else {
            // CHECKPOINT: one tile of results out now and back in when it runs again.
            const double bytes = checkpoint_bytes(cfg_, t.k);
            t.owed += 2 * bytes / bandwidth_;
            t.energy.dram += 2 * bytes * 8 * cfg_.energy.dram_pj_per_bit * 1e-12;
        }
        leave(t, now);
    }
    SubarrayClaims claims(cfg_.subarray.count);
    for (std::size_t i : active_)
        if (tasks_[i].k) claims.claim(tasks_[i].place.region);
    for (std::size_t n = 0; n < active_.size(); ++n) {
        Task& t = tasks_[active_[n]];
        if (t.k || placed[n].subarrays == 0) continue;
        // Still held by a draining task: the next event places it again.
        if (!claims.free(placed[n].region)) continue;
        claims.claim(placed[n].region);
        t.k = placed[n].subarrays;
        t.place = placed[n];
        take(t, now);
    }
}

std::vector<TaskRecord> TableLevelNode::run(const std::vector<Request>& requests) {
    tasks_.assign(requests.size(), {});
    std::vector<std::size_t> order(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto p = profiles_.find(requests[i].model);
        if (p == profiles_.end()) throw std::invalid_argument("request " + std::to_string(requests[i].id) +
                                                              ": no compiled model '" + requests[i].model + "'");
        tasks_[i].request = &requests[i];
        tasks_[i].profile = &p->second;
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return requests[a].arrival < requests[b].arrival; });
    active_.clear();
    busy_ = 0;
    double now = 0;
    std::size_t next = 0, finished = 0;
    while (finished < tasks_.size()) {
        // The next event: an arrival, a task finishing, a drained layer ending.
        double when = next < order.size() ? requests[order[next]].arrival : kInfinity;
        for (std::size_t i : active_) {
            const Task& t = tasks_[i];
            if (!t.k) continue;
            const double from = std::max(now, t.ready);
            const double left = t.draining ? (1 - t.fraction) * t.profile->layer_seconds(t.k, t.layer)
                                           : t.profile->remaining(t.k, t.layer, t.fraction);
            when = std::min(when, from + left);
        }
        if (when == kInfinity) {
            // Work waits and nothing runs: only the policy can change that.
            schedule(now);
            bool running = false;
            for (std::size_t i : active_) running = running || tasks_[i].k;
            if (!running) throw std::runtime_error(policy_.name() + ": tasks wait but the policy runs none");
            continue;
        }
        const double before = now;
        advance(when);
        now = when;
        bool event = false;
        for (std::size_t n = 0; n < active_.size();) {
            Task& t = tasks_[active_[n]];
            if (t.done) {
                leave(t, t.finish);
                ++finished;
                active_.erase(active_.begin() + std::ptrdiff_t(n));
                event = true;
                continue;
            }
            if (t.draining && t.fraction == 0) {
                leave(t, now);
                ++preemptions_, ++t.preemptions;
                event = true;
            }
            ++n;
        }
        while (next < order.size() && requests[order[next]].arrival <= now) {
            active_.push_back(order[next++]);
            event = true;
        }
        if (event) {
            schedule(now);
        } else if (when <= before) {
            // Time did not advance and nothing happened: the layer times have
            // fallen below the resolution of the clock in seconds.
            throw std::runtime_error("table-level node: simulated time stopped advancing at " + std::to_string(now) +
                                     " s (layer times below the resolution of the clock; arrivals too far apart)");
        }
    }
    std::vector<TaskRecord> out;
    const unsigned chip = cfg_.subarray.count;
    for (const Task& t : tasks_) {
        const Request& r = *t.request;
        out.push_back(finished_task(r, t.start, t.finish, t.profile->isolated(chip), t.energy, t.preemptions));
    }
    return out;
}

}  // namespace planaria
