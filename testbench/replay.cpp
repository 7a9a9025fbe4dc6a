#include "testbench/replay.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "hw/fission/fission_configurations.h"
#include "tlm/register_map.h"

namespace planaria {

namespace rm = regmap;

namespace {
// Where the loader puts instruction streams in each channel's memory: above
// the data regions the compiler lays out (weights from 256 MiB, tensors from 2 GiB).
constexpr std::uint64_t kProgramRegion = 0x40'0000'0000ull;
constexpr std::uint64_t kMemoryBytes = 0x80'0000'0000ull;  // 512 GiB of sparse address space per channel
}  // namespace

std::vector<unsigned> job_region(const Floorplan& fp, unsigned k, unsigned pod_shift) {
    const GridShape block = fp.pod_block();
    const unsigned pod_cols = fp.grid().cols / block.cols, pod_rows = fp.grid().rows / block.rows;
    const unsigned dr = (pod_shift / pod_cols) % pod_rows * block.rows, dc = pod_shift % pod_cols * block.cols;
    std::vector<unsigned> region;
    for (unsigned s : canonical_region(fp, k)) {
        const GridPos p = fp.position(s);
        region.push_back(fp.subarray_at({(p.row + dr) % fp.grid().rows, (p.col + dc) % fp.grid().cols}));
    }
    return region;
}

ReplayPlatform::ReplayPlatform(sc_core::sc_module_name name, const ArchConfig& cfg)
    : sc_module(name), cfg_(cfg), accel_("accelerator", cfg_), host_("host"), irq_("irq") {
    host_.bind(accel_.host);
    accel_.irq.bind(irq_);
    for (unsigned c = 0; c < cfg_.offchip.channels; ++c) {
        memories_.push_back(std::make_unique<ChannelMemory<64>>(("memory_" + std::to_string(c)).c_str(), kMemoryBytes,
                                                            cfg_.offchip.bandwidth_gbps, cfg_.offchip.latency_ns));
        accel_.memory[c].bind(memories_.back()->socket);
    }
    SC_THREAD(host_thread);
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
        }
        wait(register_delay_);
        register_delay_ = sc_core::SC_ZERO_TIME;
    }
}

}  // namespace planaria
