#include "testbench/replay.h"

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
// Where the loader puts instruction streams: above the jobs' data spans
// (ReplayPlatform::kJobDataSpan each; in it, the compiler's tiled regions
// from 256 MiB and the functional data from 64 GiB).
constexpr std::uint64_t kProgramRegion = 0x800'0000'0000ull;
constexpr std::uint64_t kMemoryBytes = 0x1000'0000'0000ull;  // 16 TiB of sparse address space
}  // namespace

ReplayPlatform::ReplayPlatform(sc_core::sc_module_name name, const ArchConfig& cfg)
    : sc_module(name), cfg_(cfg), accel_("accelerator", cfg_), host_("host"), irq_("irq") {
    host_.bind(accel_.host);
    accel_.irq.bind(irq_);
    for (unsigned c = 0; c < cfg_.offchip.channels; ++c) {
        memories_.push_back(std::make_unique<ChannelMemory<64>>(("memory_" + std::to_string(c)).c_str(), kMemoryBytes,
                                                            cfg_.offchip.bandwidth_gbps, cfg_.offchip.latency_ns));
        accel_.memory[c].bind(memories_.back()->socket);
        if (c > 0) memories_.back()->share_storage(*memories_.front());
    }
    busy_.assign(cfg_.subarray.count, sc_core::SC_ZERO_TIME);
    accel_.observe_tiles([this](const TileEvent& e) {
        busy_[e.subarray] += e.end - e.start;
        if (timeline_.size() < max_events_) timeline_.push_back(e);
    });
    SC_THREAD(host_thread);
}

void ReplayPlatform::record_timeline(std::size_t max_events) { max_events_ = max_events; }

void ReplayPlatform::enable_functional_data() {
    functional_ = true;
    accel_.enable_functional_data();
}

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
    const Floorplan& fp = accel_.registers().floorplan();
    std::vector<unsigned> region = job_region(fp, job.subarrays, job.pod_offset);
    // A job that waits for the previous one shares no time with the earlier ones.
    for (std::size_t o = 0; o < regions_.size() && !job.after_previous; ++o) {
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
    jobs_.push_back(job);
    regions_.push_back(region);
    ReplayResult r;
    r.model = job.bundle->model_key;
    r.subarrays = job.subarrays;
    r.arrival = job.arrival;
    results_.push_back(r);
}

void ReplayPlatform::write(std::uint64_t address, std::uint32_t value) {
    unsigned char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    tlm::tlm_generic_payload t;
    t.set_write();
    t.set_address(address);
    t.set_data_ptr(bytes);
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    host_->b_transport(t, register_delay_);
    if (!t.is_response_ok()) throw std::runtime_error("replay: register write refused: " + t.get_response_string());
}

std::uint32_t ReplayPlatform::read(std::uint64_t address) {
    unsigned char bytes[4] = {0, 0, 0, 0};
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(address);
    t.set_data_ptr(bytes);
    t.set_data_length(4);
    t.set_streaming_width(4);
    host_->b_transport(t, register_delay_);
    return std::uint32_t(bytes[0]) | std::uint32_t(bytes[1]) << 8 | std::uint32_t(bytes[2]) << 16 |
           std::uint32_t(bytes[3]) << 24;
}

void ReplayPlatform::host_thread() {
    // Loading happens before time starts: the programs sit in memory.
    bases_.assign(jobs_.size(), {});
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
        const auto& programs = jobs_[j].bundle->per_k[jobs_[j].subarrays - 1].programs;
        for (std::size_t p = 0; p < programs.size(); ++p) {
            std::vector<std::uint8_t> bytes;
            for (const auto& in : programs[p].instructions) {
                const auto e = in.encode();
                bytes.insert(bytes.end(), e.begin(), e.end());
            }
            const unsigned s = regions_[j][p];
            const std::uint64_t base = kProgramRegion + next_program_;
            memories_[accel_.channel_of(s)]->load(base, bytes.data(), bytes.size());
            next_program_ += (bytes.size() + 0xFFF) & ~0xFFFull;
            bases_[j].push_back(base);
        }
        if (functional_ && jobs_[j].data)
            for (const MemoryBlock& b : jobs_[j].data->blocks)
                memories_.front()->load(data_base(j) + b.address, b.values.data(), b.values.size() * 2);
    }
    write(rm::kIrqEnable, rm::kIrqCompletion | rm::kIrqError);
    register_delay_ = sc_core::SC_ZERO_TIME;

    std::vector<std::size_t> order(jobs_.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return jobs_[a].arrival < jobs_[b].arrival; });
    std::size_t next = 0, finished = 0;
    std::vector<bool> started(jobs_.size(), false), done(jobs_.size(), false);
    while (finished < jobs_.size()) {
        const auto ready = [&](std::size_t j) {
            return jobs_[j].after_previous ? (j == 0 || done[j - 1]) : jobs_[j].arrival <= sc_core::sc_time_stamp();
        };
        if (next < order.size() && ready(order[next])) {
            const std::size_t j = order[next++];
            results_[j].arrival = sc_core::sc_time_stamp();
            // The host programs the job's sequencers, then rings their doorbells.
            for (std::size_t p = 0; p < regions_[j].size(); ++p) {
                const unsigned s = regions_[j][p];
                write(rm::sequencer(s, rm::kSeqProgramLo), std::uint32_t(bases_[j][p]));
                write(rm::sequencer(s, rm::kSeqProgramHi), std::uint32_t(bases_[j][p] >> 32));
                write(rm::sequencer(s, rm::kSeqTenant), std::uint32_t(j + 1));
                write(rm::sequencer(s, rm::kSeqDataLo), std::uint32_t(data_base(j)));
                write(rm::sequencer(s, rm::kSeqDataHi), std::uint32_t(data_base(j) >> 32));
            }
            for (unsigned s : regions_[j]) write(rm::sequencer(s, rm::kSeqDoorbell), 1);
            wait(register_delay_);
            register_delay_ = sc_core::SC_ZERO_TIME;
            started[j] = true;
            continue;
        }
        if (next < order.size() && !jobs_[order[next]].after_previous)
            wait(jobs_[order[next]].arrival - sc_core::sc_time_stamp(), irq_.posedge_event());
        else if (!irq_.read()) wait(irq_.posedge_event());
        if (!irq_.read()) continue;
        const std::uint64_t mask = read(rm::kDoneMask) | std::uint64_t(read(rm::kDoneMask + 4)) << 32;
        write(rm::kIrqStatus, rm::kIrqCompletion | rm::kIrqError);
        for (std::size_t j = 0; j < jobs_.size(); ++j) {
            if (!started[j] || done[j]) continue;
            bool all = true;
            for (unsigned s : regions_[j]) all = all && (mask >> s & 1);
            if (!all) continue;
            done[j] = true;
            ++finished;
            ReplayResult& r = results_[j];
            r.finish = sc_core::sc_time_stamp();
            for (unsigned s : regions_[j]) {
                const SubarraySequencer& q = accel_.sequencer(s);
                r.finish = std::max(r.finish, q.finished_at());
                r.tiles += q.tiles();
                r.busy_cycles += q.busy_cycles();
                r.bytes += q.bytes_moved();
                r.error = r.error || q.error() != 0;
            }
            const auto& e = cfg_.energy;
            const double pes = double(cfg_.subarray.rows) * cfg_.subarray.cols;
            r.compute_pj = double(r.busy_cycles) * pes * e.mac_pj;
            r.dram_pj = double(r.bytes) * 8 * e.dram_pj_per_bit;
            r.buffer_pj = double(r.bytes) * 8 * std::max(e.activation_buffer_pj_per_bit, e.weight_buffer_pj_per_bit);
            r.leakage_pj = e.leakage_mw * (r.finish - r.arrival).to_seconds() * 1e9 * r.subarrays / cfg_.subarray.count;
        }
        wait(register_delay_);
        register_delay_ = sc_core::SC_ZERO_TIME;
    }
}

}  // namespace planaria

namespace planaria {

namespace {
std::ofstream open_output(const std::string& path) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error(path + ": cannot write");
    out << std::setprecision(10);
    return out;
}
double us(const sc_core::sc_time& t) { return t.to_seconds() * 1e6; }
}  // namespace

void ReplayPlatform::write_outputs(const std::string& dir) const {
    std::filesystem::create_directories(dir);
    const double makespan = sc_core::sc_time_stamp().to_seconds();
    {
        std::ofstream out = open_output(dir + "/inferences.csv");
        out << "tenant,model,subarrays,arrival_us,finish_us,latency_ms,tiles,busy_cycles,bytes,energy_uj,"
               "compute_uj,dram_uj,buffer_uj,leakage_uj,error\n";
        for (std::size_t j = 0; j < results_.size(); ++j) {
            const ReplayResult& r = results_[j];
            out << j + 1 << "," << r.model << "," << r.subarrays << "," << us(r.arrival) << "," << us(r.finish) << ","
                << r.latency_ms() << "," << r.tiles << "," << r.busy_cycles << "," << r.bytes << ","
                << r.energy_pj() * 1e-6 << "," << r.compute_pj * 1e-6 << "," << r.dram_pj * 1e-6 << ","
                << r.buffer_pj * 1e-6 << "," << r.leakage_pj * 1e-6 << "," << (r.error ? 1 : 0) << "\n";
        }
    }
    {
        std::ofstream out = open_output(dir + "/subarrays.csv");
        out << "subarray,pod,busy_us,utilization\n";
        const Floorplan fp(cfg_);
        for (unsigned s = 0; s < busy_.size(); ++s)
            out << s << "," << fp.pod_of(s) << "," << us(busy_[s]) << ","
                << (makespan > 0 ? busy_[s].to_seconds() / makespan : 0.0) << "\n";
    }
    {
        std::ofstream out = open_output(dir + "/channels.csv");
        out << "channel,bytes_read,bytes_written,busy_us,average_gbps,peak_gbps\n";
        for (unsigned c = 0; c < memories_.size(); ++c) {
            const auto& m = *memories_[c];
            out << c << "," << m.bytes_read() << "," << m.bytes_written() << "," << us(m.busy_time()) << ","
                << (makespan > 0 ? double(m.bytes_read() + m.bytes_written()) / makespan / 1e9 : 0.0) << ","
                << cfg_.offchip.bandwidth_gbps << "\n";
        }
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
                                       {"error", r.error}});
        }
        std::ofstream out = open_output(dir + "/summary.json");
        out << j.dump(2) << "\n";
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
        std::ofstream out = open_output(dir + "/timeline.json");
        out << nlohmann::ordered_json{{"traceEvents", events}, {"displayTimeUnit", "ns"}}.dump() << "\n";
    }
}

}  // namespace planaria
