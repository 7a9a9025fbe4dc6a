#include "sched/host.h"

#include <algorithm>
#include <stdexcept>

#include "hw/timing/tile_activity.h"
#include "tlm/register_map.h"

namespace planaria {

namespace rm = regmap;

namespace {
/// What a sequencer's run has spent: busy cycles and joules.
struct Spent {
    std::uint64_t busy = 0;
    EnergyBreakdown energy;  ///< joules
    Spent& operator+=(const Spent& o) {
        busy += o.busy, energy += o.energy;
        return *this;
    }
};
}  // namespace

struct Host::Task {
    enum class State { Future, Waiting, Running, Stopping, Stopped, Done };
    const Request* request = nullptr;
    const TaskProfile* profile = nullptr;
    State state = State::Future;
    unsigned k = 0;                 ///< the count its programs are compiled for (0: never started)
    Placement place;                ///< where it runs (Running, Stopping)
    std::size_t layer = 0;          ///< the layer it restarts from
    bool kill = false;              ///< the next start begins from the first layer
    unsigned slot = 0;              ///< its data region
    std::vector<std::uint64_t> bases;  ///< program base of each position in the current run
    std::vector<bool> finished;     ///< positions that reached END
    Spent spent;                    ///< by runs that will not be resumed, and leakage
    std::vector<Spent> at_stop;     ///< per position, at the last stop (a resume carries these on)
    double start = 0, finish = 0, run_start = 0;
    unsigned preemptions = 0;
    bool started = false, error = false;
};

namespace {
constexpr std::uint64_t kContextBytes = 0x10'0000;  // per position
double seconds() { return sc_core::sc_time_stamp().to_seconds(); }
}  // namespace

Host::Host(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
           std::unique_ptr<SchedulingPolicy> policy, std::vector<Request> requests, Loader loader, Options options)
    : sc_module(name), socket("socket"), irq("irq"), cfg_(cfg), floorplan_(cfg_), bundles_(bundles),
      policy_(std::move(policy)), requests_(std::move(requests)), loader_(std::move(loader)), options_(options),
      driver_([this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { socket->b_transport(t, d); }) {
    if (options_.data_span == 0 || options_.data_slots == 0 || options_.weights_region >= options_.context_region ||
        options_.context_region >= options_.data_span)
        throw std::invalid_argument(
            "host: data_span, data_slots, weights_region and context_region leave no room for a task's data");
    if (options_.policy_s < 0) throw std::invalid_argument("host: policy_s must not be negative");
    for (const auto& [key, bundle] : bundles_) {
        if (!bundle || bundle->per_k.size() < cfg_.subarray.count)
            throw std::invalid_argument("host: model '" + key + "' is not compiled for every subarray count");
        if (bundle->data_region_bytes() > options_.weights_region ||
            bundle->data.weight_bytes > options_.context_region - options_.weights_region)
            throw std::invalid_argument("host: model '" + key + "' needs " + std::to_string(bundle->data_region_bytes()) +
                                        " bytes of data and " + std::to_string(bundle->data.weight_bytes) +
                                        " bytes of weights: more than a task's span holds");
        std::vector<const ConfigurationTable*> tables;
        for (const auto& k : bundle->per_k) {
            if (k.programs.size() != k.table.subarrays)
                throw std::invalid_argument("host: model '" + key + "' was compiled without instruction streams");
            tables.push_back(&k.table);
        }
        profiles_.emplace(key, TaskProfile(key, tables, cfg_.clock_period_ns() * 1e-9));
    }
    tasks_.resize(requests_.size());
    for (std::size_t i = 0; i < requests_.size(); ++i) {
        const auto p = profiles_.find(requests_[i].model);
        if (p == profiles_.end())
            throw std::invalid_argument("host: request " + std::to_string(requests_[i].id) + " names model '" +
                                        requests_[i].model + "', which is not compiled");
        // Arrivals become simulated time (64-bit picoseconds, about 1.8e7 s).
        if (!(requests_[i].arrival >= 0) || requests_[i].arrival >= 0.5 * sc_core::sc_max_time().to_seconds())
            throw std::invalid_argument("host: request " + std::to_string(requests_[i].id) + " arrives at " +
                                        std::to_string(requests_[i].arrival) + " s, beyond simulated time");
        tasks_[i].request = &requests_[i];
        tasks_[i].profile = &p->second;
    }
    SC_THREAD(thread);
}

Host::Host(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
           std::unique_ptr<SchedulingPolicy> policy, std::vector<Request> requests, Loader loader)
    : Host(name, cfg, bundles, std::move(policy), std::move(requests), std::move(loader), Options{}) {}

Host::~Host() = default;

bool Host::finished() const { return finished_ == tasks_.size(); }

void Host::load_programs() {
    std::uint64_t next = options_.program_region;
    for (const auto& [key, bundle] : bundles_) {
        auto& bases = program_base_[key];
        auto& entries = entries_[key];
        for (const CompiledForK& c : bundle->per_k) {
            bases.emplace_back();
            entries.emplace_back();
            for (const SubarrayProgram& p : c.programs) {
                // Where each layer begins: the first boundary instruction naming it.
                std::vector<std::uint64_t> entry(c.table.layers.size() + 1, 0);
                std::vector<bool> seen(entry.size(), false);
                for (std::size_t i = 0; i < p.instructions.size(); ++i) {
                    const Instruction& in = p.instructions[i];
                    if (in.opcode == Opcode::LayerBoundary && in.a32 < entry.size() && !seen[in.a32])
                        entry[in.a32] = i, seen[in.a32] = true;
                }
                const std::vector<std::uint8_t> bytes = encode_program(p.instructions);
                loader_(next, bytes);
                bases.back().push_back(next);
                entries.back().push_back(entry);
                next += (bytes.size() + 0xFFF) & ~0xFFFull;
            }
        }
    }
}

std::uint64_t Host::entry(const Task& t, unsigned k, unsigned position, std::size_t layer) const {
    const std::string& m = t.request->model;
    return program_base_.at(m).at(k - 1).at(position) +
           kInstructionBytes * entries_.at(m).at(k - 1).at(position).at(std::min(layer, t.profile->layers()));
}

AcceleratorDriver::Tenant Host::tenant(const Task& t, const std::vector<unsigned>& region, unsigned k,
                                       std::size_t layer) const {
    AcceleratorDriver::Tenant tn;
    tn.id = std::uint32_t(t.request->id + 1);
    tn.subarrays = region;
    tn.data_base = options_.data_region + options_.data_span * t.slot;
    tn.weights_base = tn.data_base + options_.weights_region;
    for (unsigned p = 0; p < region.size(); ++p) {
        tn.programs.push_back(entry(t, k, p, layer));
        tn.contexts.push_back(tn.data_base + options_.context_region + p * kContextBytes);
    }
    return tn;
}

void Host::start(Task& t, const Placement& p) {
    const bool resume = t.state == Task::State::Stopped && !t.kill && p.subarrays == t.k;
    if (resume) {
        // The positions that had not finished pick up where their contexts say.
        AcceleratorDriver::Tenant all = tenant(t, p.region, t.k, 0);
        all.programs = t.bases;  // where each position was started (its context holds the PC)
        driver_.resume(all.unfinished(t.finished));
    } else {
        // A new count (or a first start, or a restart after KILL): its
        // programs entered at the layer the task restarts.
        for (const Spent& s : t.at_stop) t.spent += s;
        if (t.kill) t.layer = 0, t.kill = false;
        t.k = p.subarrays;
        const AcceleratorDriver::Tenant tn = tenant(t, p.region, t.k, t.layer);
        t.bases = tn.programs;
        t.finished.assign(t.k, false);
        driver_.start(tn);
    }
    t.at_stop.assign(t.k, {});
    t.place = p;
    t.state = Task::State::Running;
    t.run_start = seconds();
    if (!t.started) t.started = true, t.start = seconds();
}

void Host::schedule() {
    ++events_;
    sc_core::wait(sc_core::sc_time(options_.policy_s, sc_core::SC_SEC));  // the policy runs on the host
    std::vector<std::size_t> live;
    std::vector<TaskProgress> progress;
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
        Task& t = tasks_[i];
        if (t.state == Task::State::Future || t.state == Task::State::Done) continue;
        const bool holds = t.state == Task::State::Running || t.state == Task::State::Stopping;
        TaskProgress p;
        p.request = t.request;
        p.profile = t.profile;
        p.layer = t.layer;
        if (t.state == Task::State::Running)  // the task monitor reads how far it got
            p.layer = driver_.read(rm::sequencer(t.place.region.front(), rm::kSeqLayer));
        p.executed = t.started ? seconds() - t.start : 0;
        p.started = t.started;
        p.held = holds ? t.k : 0;
        p.place = holds ? &t.place : nullptr;
        p.context_subarrays = t.k;
        // The registers tell the layer, not how far into it: half a layer is
        // the expected time to its end.
        p.layer_left = t.state == Task::State::Running ? 0.5 : 0;
        p.leaving = t.state == Task::State::Stopping;
        progress.push_back(p);
        live.push_back(i);
    }
    if (live.empty()) return;
    const SchedulingOutcome outcome = schedule_tasks(cfg_, floorplan_, *policy_, seconds(), progress);
    const std::vector<Placement>& placed = outcome.placed;
    SubarrayClaims claims(cfg_.subarray.count);
    for (std::size_t n = 0; n < live.size(); ++n) {
        Task& t = tasks_[live[n]];
        if (t.state == Task::State::Running && outcome.moves(n, progress[n])) {
            std::vector<unsigned> running;
            for (std::size_t q = 0; q < t.place.region.size(); ++q)
                if (!t.finished[q]) running.push_back(t.place.region[q]);
            AcceleratorDriver::Tenant tn;
            tn.subarrays = running;
            driver_.preempt(tn);
            t.state = Task::State::Stopping;
            t.kill = outcome.decision.grants[n].how == Preemption::Kill;
            kills_ += t.kill;
            ++t.preemptions;
        }
        if (t.state == Task::State::Running || t.state == Task::State::Stopping) claims.claim(t.place.region);
    }
    std::vector<bool> slots(options_.data_slots, false);
    for (const Task& t : tasks_)
        if (t.started && t.state != Task::State::Done) slots[t.slot] = true;
    for (std::size_t n = 0; n < live.size(); ++n) {
        Task& t = tasks_[live[n]];
        if ((t.state != Task::State::Waiting && t.state != Task::State::Stopped) || placed[n].subarrays == 0) continue;
        // Still held by a task that is stopping: the next event places it again.
        if (!claims.free(placed[n].region)) continue;
        if (!t.started) {
            const auto slot = std::find(slots.begin(), slots.end(), false);
            if (slot == slots.end()) continue;  // every data region in use: it waits
            t.slot = unsigned(slot - slots.begin());
            *slot = true;
        }
        claims.claim(placed[n].region);
        start(t, placed[n]);
    }
    driver_.sync();
}

void Host::collect() {
    const std::uint64_t mask = driver_.done_mask();
    driver_.acknowledge();
    bool event = false;
    for (Task& t : tasks_) {
        if (t.state != Task::State::Running && t.state != Task::State::Stopping) continue;
        bool all = true;
        for (std::size_t q = 0; q < t.place.region.size(); ++q) all = all && (t.finished[q] || (mask >> t.place.region[q] & 1));
        if (!all) continue;
        bool stopped = false;
        std::size_t layer = t.profile->layers();
        for (std::size_t q = 0; q < t.place.region.size(); ++q) {
            if (t.finished[q]) continue;
            const unsigned s = t.place.region[q];
            const std::uint32_t status = driver_.read(rm::sequencer(s, rm::kSeqStatus));
            const std::uint64_t busy = driver_.read(rm::sequencer(s, rm::kSeqBusyLo)) |
                                       std::uint64_t(driver_.read(rm::sequencer(s, rm::kSeqBusyHi))) << 32;
            const std::uint64_t bytes = driver_.read(rm::sequencer(s, rm::kSeqBytesLo)) |
                                        std::uint64_t(driver_.read(rm::sequencer(s, rm::kSeqBytesHi))) << 32;
            // TILES is read and not used: dropping the read shortens the
            // host's register traffic and so shifts tile-level timing (left
            // for a change that re-measures the README's tile-level figures).
            (void)driver_.read(rm::sequencer(s, rm::kSeqTiles));
            t.error = t.error || (status & rm::kSeqStatusError);
            if (status & rm::kSeqStatusError)
                failures_.push_back("task " + std::to_string(t.request->id) + " (" + t.request->model + ") on subarray " +
                                    std::to_string(s) + ": sequencer ERROR " +
                                    std::to_string(driver_.read(rm::sequencer(s, rm::kSeqError))) + " at PC " +
                                    std::to_string(driver_.read(rm::sequencer(s, rm::kSeqPc))));
            const Spent run{busy, energy(s, busy, bytes)};
            if (status & rm::kSeqStatusPreempted) {
                stopped = true;
                layer = std::min<std::size_t>(layer, driver_.read(rm::sequencer(s, rm::kSeqLayer)));
                t.at_stop[q] = run;
            } else {
                t.finished[q] = true;
                t.spent += run;
            }
        }
        release(t);
        event = true;
        if (stopped && !t.error) {
            t.state = Task::State::Stopped;
            t.layer = layer;
        } else {
            t.state = Task::State::Done;
            t.finish = seconds();
            ++finished_;
            records_[std::size_t(&t - tasks_.data())] =
                finished_task(*t.request, t.start, t.finish, t.profile->isolated(cfg_.subarray.count), t.spent.energy,
                              t.preemptions);
            if (options_.on_finish) options_.on_finish(records_[std::size_t(&t - tasks_.data())]);
        }
    }
    driver_.sync();
    if (event) schedule();
}

EnergyBreakdown Host::energy(unsigned subarray, std::uint64_t busy, std::uint64_t bytes) const {
    if (options_.energy_meter) return options_.energy_meter(subarray);
    // Without a meter only the registers' counters: compute and DRAM.
    Activity a;
    a.macs = a.pe_cycles = busy * cfg_.subarray.rows * cfg_.subarray.cols;
    return activity_energy(cfg_, bytes, a).scaled(1e-12);
}

// A run ends (its positions finished or stopped): the subarrays held leak
// for as long as the host held them, and the timeline records the run.
void Host::release(Task& t) {
    const double held = seconds() - t.run_start;
    t.spent.energy.leakage += cfg_.energy.leakage_mw * 1e-3 * held * double(t.place.region.size()) / cfg_.subarray.count;
    timeline_.push_back({t.request->id, t.request->model, t.place.region, t.run_start, seconds()});
}

double Host::busy_subarray_seconds() const {
    std::uint64_t cycles = 0;
    for (const Task& t : tasks_) cycles += t.spent.busy;
    return double(cycles) * cfg_.clock_period_ns() * 1e-9;
}

void Host::thread() {
    load_programs();
    records_.assign(tasks_.size(), {});
    driver_.enable_interrupts();
    driver_.sync();
    std::vector<std::size_t> order(tasks_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return requests_[a].arrival < requests_[b].arrival; });
    // Arrivals compare in simulated time (picosecond resolution): a double
    // compared with the rounded time stamp could stay in the future for ever.
    const auto arrival = [&](std::size_t n) { return sc_core::sc_time(requests_[order[n]].arrival, sc_core::SC_SEC); };
    std::size_t next = 0;
    while (finished_ < tasks_.size()) {
        bool arrived = false;
        while (next < order.size() && arrival(next) <= sc_core::sc_time_stamp()) {
            tasks_[order[next++]].state = Task::State::Waiting;
            arrived = true;
        }
        if (arrived) schedule();
        if (irq.read()) {
            collect();
            continue;
        }
        if (next < order.size()) {
            wait(arrival(next) - sc_core::sc_time_stamp(), irq.posedge_event());
        } else {
            wait(irq.posedge_event());
        }
    }
}

}  // namespace planaria
