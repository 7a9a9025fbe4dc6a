#include "testbench/replay.h"

#include "hw/config/output_file.h"
#include "testbench/csv_writer.h"
#include "testbench/metrics.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "hw/fission/fission_configurations.h"
#include "tlm/register_map.h"

namespace planaria {

namespace rm = regmap;

namespace {
// Where the loader puts instruction streams: above the jobs' spans
// (ReplayPlatform::kJobDataSpan each; in it, the job's data region from its
// start, its weights region and its contexts).
constexpr std::uint64_t kProgramRegion = 0x800'0000'0000ull;
constexpr std::uint64_t kMemoryBytes = 0x1000'0000'0000ull;  // 16 TiB of sparse address space
constexpr std::uint64_t kContextBytes = 0x10'0000ull;  // per position: far more than a context with its tile
}  // namespace

ReplayPlatform::ReplayPlatform(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity)
    : sc_module(name), cfg_(cfg), accel_("accelerator", cfg_, fidelity), host_("host"), irq_("irq") {
    host_.bind(host_checker_.target);
    host_checker_.initiator.bind(accel_.host);
    accel_.irq.bind(irq_);
    for (unsigned c = 0; c < cfg_.offchip.channels; ++c) {
        memories_.push_back(std::make_unique<ChannelMemory<64>>(("memory_" + std::to_string(c)).c_str(), kMemoryBytes,
                                                            cfg_.offchip.bandwidth_gbps, cfg_.offchip.latency_ns));
        channel_checkers_.push_back(std::make_unique<ProtocolChecker<64>>(("channel_checker_" + std::to_string(c)).c_str()));
        accel_.memory[c].bind(channel_checkers_.back()->target);
        channel_checkers_.back()->initiator.bind(memories_.back()->socket);
        if (c > 0) memories_.back()->share_storage(*memories_.front());
    }
    busy_.assign(cfg_.subarray.count, sc_core::SC_ZERO_TIME);
    accel_.observe_tiles([this](const TileEvent& e) {
        busy_[e.subarray] += e.end - e.start;
        if (e.tenant >= 1 && e.tenant <= results_.size()) {
            std::vector<sc_core::sc_time>& ends = results_[e.tenant - 1].layer_end;
            if (ends.size() <= e.layer) ends.resize(std::size_t(e.layer) + 1, sc_core::SC_ZERO_TIME);
            ends[e.layer] = std::max(ends[e.layer], e.end);
        }
        if (timeline_.size() < max_events_) timeline_.push_back(e);
    });
    SC_THREAD(host_thread);
}

void ReplayPlatform::record_timeline(std::size_t max_events) { max_events_ = max_events; }

void ReplayPlatform::enable_functional_data() {
    functional_ = true;
    accel_.enable_functional_data();
}

std::vector<std::uint8_t> ReplayPlatform::read_bytes(std::size_t job, std::uint64_t address, std::uint64_t bytes) {
    std::vector<std::uint8_t> out(bytes);
    memories_.front()->peek(data_base(job) + address, out.data(), bytes);
    return out;
}

std::uint64_t ReplayPlatform::context_address(std::size_t position) { return kContextRegion + position * kContextBytes; }

std::vector<std::int16_t> ReplayPlatform::read_data(std::size_t job, std::uint64_t address, std::uint64_t elements) {
    std::vector<std::int16_t> out(elements);
    memories_.front()->peek(data_base(job) + address, out.data(), elements * 2);
    return out;
}

void ReplayPlatform::add(const ReplayJob& job) {
    if (!job.bundle || job.subarrays == 0 || job.subarrays > job.bundle->per_k.size())
        throw std::invalid_argument("replay: the bundle has no programs for " + std::to_string(job.subarrays) +
                                    " subarrays");
    const auto& programs = job.bundle->per_k[job.subarrays - 1].programs;
    if (programs.size() != job.subarrays)
        throw std::invalid_argument("replay: bundle '" + job.bundle->model_key + "' was compiled without instructions");
    const auto refers = [&](int other) { return other < 0 || std::size_t(other) < jobs_.size(); };
    if (!refers(job.after_preemption_of) || (job.after_preemption_of >= 0 && !jobs_[std::size_t(job.after_preemption_of)].preempt_after))
        throw std::invalid_argument("replay: job '" + job.bundle->model_key + "' waits for a job that is not preempted before it");
    if (job.resume_after >= int(jobs_.size()) + 64)
        throw std::invalid_argument("replay: job '" + job.bundle->model_key + "' resumes after an unknown job");
    const Floorplan& fp = accel_.registers().floorplan();
    std::vector<unsigned> region = job_region(fp, job.subarrays, job.pod_offset);
    // A job that waits for another shares no time with the earlier ones.
    const bool waits = job.after_previous || job.after_preemption_of >= 0;
    for (std::size_t o = 0; o < regions_.size() && !waits; ++o) {
        const auto& other = regions_[o];
        for (unsigned s : region)
            if (std::find(other.begin(), other.end(), s) != other.end())
                throw std::invalid_argument("replay: job '" + job.bundle->model_key + "' overlaps an earlier job on subarray " +
                                            std::to_string(s));
    }
    if (functional_ && !job.data)
        throw std::invalid_argument("replay: job '" + job.bundle->model_key + "' has no data for a functional run");
    if ((jobs_.size() + 1) * kJobDataSpan > kProgramRegion)
        throw std::invalid_argument("replay: too many jobs for the address space");
    if (job.bundle->data_region_bytes() > kWeightsRegion || job.bundle->data.weight_bytes > kContextRegion - kWeightsRegion)
        throw std::invalid_argument("replay: job '" + job.bundle->model_key + "' needs more memory than a job's span holds");
    jobs_.push_back(job);
    regions_.push_back(region);
    ReplayResult r;
    r.model = job.bundle->model_key;
    r.subarrays = job.subarrays;
    r.arrival = job.arrival;
    results_.push_back(r);
}

AcceleratorDriver::Tenant ReplayPlatform::tenant(std::size_t j, const std::vector<unsigned>& region) const {
    AcceleratorDriver::Tenant t;
    t.id = std::uint32_t(j + 1);
    t.subarrays = region;
    t.programs = bases_[j];
    t.data_base = data_base(j);
    t.weights_base = weights_base(j);
    for (std::size_t p = 0; p < region.size(); ++p) t.contexts.push_back(data_base(j) + context_address(p));
    return t;
}

void ReplayPlatform::load_programs() {
    // Loading happens before time starts: the programs sit in memory.
    bases_.assign(jobs_.size(), {});
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
        const auto& programs = jobs_[j].bundle->per_k[jobs_[j].subarrays - 1].programs;
        for (std::size_t p = 0; p < programs.size(); ++p) {
            const std::vector<std::uint8_t> bytes = encode_program(programs[p].instructions);
            const std::uint64_t base = kProgramRegion + next_program_;
            memories_.front()->load(base, bytes.data(), bytes.size());
            next_program_ += (bytes.size() + 0xFFF) & ~0xFFFull;
            bases_[j].push_back(base);
        }
        if (functional_ && jobs_[j].data)
            for (const MemoryBlock& b : jobs_[j].data->blocks)
                memories_.front()->load((b.region == MemoryBlock::Region::Weights ? weights_base(j) : data_base(j)) + b.address,
                                        b.values.data(), b.values.size() * 2);
    }
}

std::vector<sc_core::sc_time> ReplayResult::layer_times() const {
    std::vector<sc_core::sc_time> t(layer_end.size(), sc_core::SC_ZERO_TIME);
    sc_core::sc_time before = arrival;
    std::size_t last = 0;
    for (std::size_t l = 0; l < layer_end.size(); ++l) {
        if (layer_end[l] <= before) continue;  // no tile, or ended under an earlier layer's
        t[l] = layer_end[l] - before;
        before = layer_end[l];
        last = l;
    }
    if (!t.empty() && finish > before) t[last] += finish - before;
    return t;
}

void ReplayPlatform::add_layer_bytes(ReplayResult& r, const SubarraySequencer& q) {
    const std::vector<std::uint64_t>& b = q.layer_bytes();
    if (r.layer_bytes.size() < b.size()) r.layer_bytes.resize(b.size(), 0);
    for (std::size_t l = 0; l < b.size(); ++l) r.layer_bytes[l] += b[l];
}

void ReplayPlatform::finish(std::size_t j) {
    Progress& g = progress_[j];
    g.state = JobState::Done;
    if (on_job_done_)
        on_job_done_(unsigned(std::count_if(progress_.begin(), progress_.end(),
                                            [](const Progress& p) { return p.state == JobState::Done; })),
                     unsigned(progress_.size()));
    ReplayResult& r = results_[j];
    r.finish = g.last_end;
    r.tiles = g.tiles, r.busy_cycles = g.busy_cycles, r.bytes = g.bytes;
    r.activity = g.activity;
    r.energy = activity_energy(cfg_, r.bytes, g.activity);
    r.energy.leakage =
        cfg_.energy.leakage_mw * (r.finish - r.arrival).to_seconds() * 1e9 * r.subarrays / cfg_.subarray.count;
}

void ReplayPlatform::collect(AcceleratorDriver& driver) {
    const std::uint64_t mask = driver.done_mask();
    driver.acknowledge();
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
        Progress& g = progress_[j];
        if (g.state != JobState::Running && g.state != JobState::Preempting) continue;
        bool all = true;
        for (std::size_t p = 0; p < g.where.size(); ++p) {
            const bool stopped_now = !g.finished[p] && (mask >> g.where[p] & 1);
            if (stopped_now && accel_.sequencer(g.where[p]).error()) g.finished[p] = g.failed = true;
            all = all && (g.finished[p] || (mask >> g.where[p] & 1));
        }
        // A sequencer that stopped on an error ends its job once the others
        // have left too (they abort at their next barrier, so none waits for
        // it for ever): only then are its subarrays free for the next job.
        if (g.failed && all) {
            results_[j].error = true;
            g.last_end = sc_core::sc_time_stamp();
            finish(j);
            continue;
        }
        if (!all) continue;
        // Every position stopped: by END (its counters are final) or preempted.
        bool stopped = false;
        for (std::size_t p = 0; p < g.where.size(); ++p) {
            if (g.finished[p]) continue;
            const SubarraySequencer& q = accel_.sequencer(g.where[p]);
            results_[j].error = results_[j].error || q.error() != 0;
            add_layer_bytes(results_[j], q);  // a preempted run's share is read before it resumes
            if (q.preempted()) {
                stopped = true;
                continue;
            }
            g.finished[p] = true;
            g.tiles += q.tiles(), g.busy_cycles += q.busy_cycles(), g.bytes += q.bytes_moved();
            g.activity += q.activity();
            g.last_end = std::max(g.last_end, q.finished_at());
        }
        if (stopped && !results_[j].error) {
            g.state = JobState::Preempted;
            ++results_[j].preemptions;
        } else {
            finish(j);
        }
    }
}

void ReplayPlatform::host_thread() {
    load_programs();
    AcceleratorDriver driver([this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { host_->b_transport(t, d); });
    driver.enable_interrupts();  // its time is waited for with the first doorbells'
    progress_.assign(jobs_.size(), {});
    const Floorplan& fp = accel_.registers().floorplan();
    std::size_t done = 0;
    while (done < jobs_.size()) {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        std::optional<sc_core::sc_time> next;  // the next timed event
        const auto later = [&](sc_core::sc_time t) { next = next ? std::min(*next, t) : t; };
        for (std::size_t j = 0; j < jobs_.size(); ++j) {
            const ReplayJob& job = jobs_[j];
            Progress& g = progress_[j];
            const auto is_done = [&](int other) { return progress_[std::size_t(other)].state == JobState::Done; };
            if (g.state == JobState::Waiting) {
                bool ready;
                if (job.after_previous) ready = j == 0 || is_done(int(j) - 1);
                else if (job.after_preemption_of >= 0) ready = progress_[std::size_t(job.after_preemption_of)].state == JobState::Preempted || is_done(job.after_preemption_of);
                else ready = job.arrival <= now;
                if (!job.after_previous && job.after_preemption_of < 0 && !ready) later(job.arrival);
                if (!ready) continue;
                // The host programs the job's sequencers, then rings their doorbells.
                results_[j].arrival = now;
                g.where = regions_[j];
                g.finished.assign(g.where.size(), false);
                driver.start(tenant(j, g.where));
                g.state = JobState::Running;
            } else if (g.state == JobState::Running && job.preempt_after && results_[j].preemptions == 0 &&
                       results_[j].arrival + *job.preempt_after <= now) {
                std::vector<unsigned> busy;
                for (std::size_t p = 0; p < g.where.size(); ++p)
                    if (!g.finished[p]) busy.push_back(g.where[p]);
                driver.preempt(tenant(j, busy));
                g.state = JobState::Preempting;
            } else if (g.state == JobState::Preempted && (job.resume_after < 0 || is_done(job.resume_after))) {
                const std::vector<unsigned> region = job_region(fp, job.subarrays, job.resume_pod_offset);
                for (unsigned s : region)
                    if (accel_.sequencer(s).busy())
                        throw std::runtime_error("replay: job '" + job.bundle->model_key + "' resumes on subarray " +
                                                 std::to_string(s) + ", which is busy");
                // Only the positions that had not finished resume, together.
                driver.resume(tenant(j, region).unfinished(g.finished));
                g.where = region;
                g.state = JobState::Running;
            }
        }
        for (std::size_t j = 0; j < jobs_.size(); ++j)
            if (progress_[j].state == JobState::Running && jobs_[j].preempt_after && results_[j].preemptions == 0)
                later(results_[j].arrival + *jobs_[j].preempt_after);
        driver.sync();
        if (next && *next <= sc_core::sc_time_stamp()) continue;
        if (!irq_.read()) {
            if (next) wait(*next - sc_core::sc_time_stamp(), irq_.posedge_event());
            else wait(irq_.posedge_event());
        }
        if (!irq_.read()) continue;
        collect(driver);
        driver.sync();
        done = std::size_t(std::count_if(progress_.begin(), progress_.end(),
                                         [](const Progress& g) { return g.state == JobState::Done; }));
    }
}

}  // namespace planaria

namespace planaria {

namespace {
constexpr int kPrecision = 10;  // significant digits of the CSV figures
double us(const sc_core::sc_time& t) { return t.to_seconds() * 1e6; }
}  // namespace

void ReplayPlatform::write_outputs(const std::string& dir) const {
    std::filesystem::create_directories(dir);
    const double makespan = sc_core::sc_time_stamp().to_seconds();
    {
        std::vector<std::string> header = {"tenant", "model",  "subarrays", "arrival_us", "finish_us",
                                           "latency_ms", "tiles", "busy_cycles", "bytes", "energy_uj"};
        for (const auto& [name, field] : EnergyBreakdown::components()) header.push_back(std::string(name) + "_uj");
        header.insert(header.end(), {"preemptions", "error"});
        CsvWriter csv(header, kPrecision);
        for (std::size_t j = 0; j < results_.size(); ++j) {
            const ReplayResult& r = results_[j];
            std::vector<std::string> cells = {csv.cell(j + 1),          r.model,
                                              csv.cell(r.subarrays),      csv.cell(us(r.arrival)),
                                              csv.cell(us(r.finish)),     csv.cell(r.latency_ms()),
                                              csv.cell(r.tiles),          csv.cell(r.busy_cycles),
                                              csv.cell(r.bytes),          csv.cell(r.energy_pj() * 1e-6)};
            for (const auto& [name, field] : EnergyBreakdown::components()) cells.push_back(csv.cell(r.energy.*field * 1e-6));
            cells.push_back(csv.cell(r.preemptions));
            cells.push_back(csv.cell(r.error ? 1 : 0));
            csv.row(cells);
        }
        csv.write(dir + "/inferences.csv");
    }
    {
        // Per layer, the chip beside the configuration table it ran from.
        CsvWriter csv({"tenant", "model", "layer", "name", "configuration", "chip_us", "estimate_us", "diff_pct",
                       "chip_dram_bytes", "estimate_dram_bytes", "compulsory_bytes"},
                      kPrecision);
        for (std::size_t j = 0; j < results_.size(); ++j) {
            const ReplayResult& r = results_[j];
            const ConfigurationTable& table = jobs_[j].bundle->per_k[jobs_[j].subarrays - 1].table;
            const std::vector<sc_core::sc_time> times = r.layer_times();
            for (std::size_t l = 0; l < table.layers.size(); ++l) {
                const LayerEntry& e = table.layers[l];
                const double chip = l < times.size() ? us(times[l]) : 0.0;
                const double estimate = double(e.cycles) * cfg_.clock_period_ns() * 1e-3;
                const std::uint64_t bytes = l < r.layer_bytes.size() ? r.layer_bytes[l] : 0;
                csv.record(j + 1, r.model, l, e.layer, e.configuration, chip, estimate,
                           estimate > 0 ? (chip / estimate - 1) * 100 : 0.0, bytes, e.dram_bytes, e.compulsory_bytes);
            }
        }
        csv.write(dir + "/layers.csv");
    }
    {
        CsvWriter csv({"subarray", "pod", "busy_us", "utilization"}, kPrecision);
        const Floorplan fp(cfg_);
        for (unsigned s = 0; s < busy_.size(); ++s)
            csv.record(s, fp.pod_of(s), us(busy_[s]), makespan > 0 ? busy_[s].to_seconds() / makespan : 0.0);
        csv.write(dir + "/subarrays.csv");
    }
    {
        CsvWriter csv({"channel", "bytes_read", "bytes_written", "busy_us", "average_gbps", "peak_gbps"}, kPrecision);
        for (unsigned c = 0; c < memories_.size(); ++c) {
            const auto& m = *memories_[c];
            csv.record(c, m.bytes_read(), m.bytes_written(), us(m.busy_time()),
                       makespan > 0 ? double(m.bytes_read() + m.bytes_written()) / makespan / 1e9 : 0.0,
                       cfg_.offchip.bandwidth_gbps);
        }
        csv.write(dir + "/channels.csv");
    }
    {
        nlohmann::ordered_json j;
        j["architecture"] = cfg_.name;
        j["makespan_ms"] = makespan * 1e3;
        j["timeline_events"] = timeline_.size();
        for (std::size_t t = 0; t < results_.size(); ++t) {
            const ReplayResult& r = results_[t];
            j["inferences"].push_back({{"tenant", t + 1},
                                       {"model", r.model},
                                       {"subarrays", r.subarrays},
                                       {"latency_ms", r.latency_ms()},
                                       {"tiles", r.tiles},
                                       {"bytes", r.bytes},
                                       {"energy_uj", r.energy_pj() * 1e-6},
                                       {"energy_breakdown_uj", to_json(r.energy, 1e-6)},
                                       {"preemptions", r.preemptions},
                                       {"error", r.error}});
        }
        write_file_atomically(dir + "/summary.json", j.dump(2) + "\n");
    }
    {
        // Chrome trace event format, read by Perfetto and chrome://tracing.
        static const char* palette[] = {"thread_state_running", "rail_response", "rail_animation", "rail_idle",
                                        "rail_load", "good", "bad", "yellow", "olive", "generic_work"};
        nlohmann::ordered_json events = nlohmann::ordered_json::array();
        for (unsigned s = 0; s < busy_.size(); ++s)
            events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 0}, {"tid", s},
                              {"args", {{"name", "subarray " + std::to_string(s)}}}});
        for (const TileEvent& e : timeline_) {
            const std::string model = e.tenant && e.tenant <= results_.size() ? results_[e.tenant - 1].model : "?";
            events.push_back({{"name", model + " layer " + std::to_string(e.layer)},
                              {"cat", "tenant " + std::to_string(e.tenant)},
                              {"ph", "X"},
                              {"ts", us(e.start)},
                              {"dur", us(e.end - e.start)},
                              {"pid", 0},
                              {"tid", e.subarray},
                              {"cname", palette[e.tenant % (sizeof palette / sizeof *palette)]},
                              {"args", {{"tenant", e.tenant}, {"layer", e.layer}}}});
        }
        write_file_atomically(dir + "/timeline.json",
                              nlohmann::ordered_json{{"traceEvents", events}, {"displayTimeUnit", "ns"}}.dump() + "\n");
    }
}

}  // namespace planaria
