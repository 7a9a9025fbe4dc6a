#pragma once
// Replay of compiled bundles on the chip-level model, stand-alone: the
// Accelerator, one ChannelMemory per off-chip channel, and a host process
// that loads each tenant's programs, programs the sequencers over the
// register interface, rings the doorbells at the tenant's arrival time and
// waits for the completion interrupt. The programs are fetched and executed
// for real; in functional mode the tenants' data (a FunctionalImage each)
// is loaded into memory first and real values flow through the tiles.
// The channels are views of one address space (each with its own
// bandwidth); every job has its own data region (its data base).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hw/bundle/bundle.h"
#include "compiler/cost_model.h"
#include "hw/accelerator/accelerator.h"
#include <optional>

#include "hw/driver/accelerator_driver.h"
#include "sched/placement.h"  // job_region
#include "testbench/functional_image.h"
#include "tlm/channel_memory.h"
#include "tlm/protocol_checker.h"

namespace planaria {

struct ReplayJob {
    const Bundle* bundle = nullptr;
    unsigned subarrays = 0;        ///< k: the bundle's programs for k subarrays
    unsigned pod_offset = 0;       ///< the canonical region moved by this many pods (along the pod snake)
    sc_core::sc_time arrival;      ///< when the host rings the doorbells
    bool after_previous = false;   ///< instead: when the previous job has finished (its subarrays may be reused)
    const FunctionalImage* data = nullptr;  ///< functional mode: the job's inputs and weights
    /// A forced preemption: this long after the job started the host asks its
    /// sequencers to stop at their next tile boundary and save their
    /// contexts; the job resumes on the canonical region moved by
    /// `resume_pod_offset` pods as soon as job `resume_after` has finished
    /// (at once when negative).
    std::optional<sc_core::sc_time> preempt_after;
    unsigned resume_pod_offset = 0;
    int resume_after = -1;
    /// Instead of `arrival`: when job `after_preemption_of` has stopped (its subarrays may be reused).
    int after_preemption_of = -1;
};

struct ReplayResult {
    std::string model;
    unsigned subarrays = 0;
    sc_core::sc_time arrival, finish;
    std::uint64_t tiles = 0, busy_cycles = 0, bytes = 0;
    unsigned preemptions = 0;
    bool error = false;
    /// Energy from the run's own activity (pJ, hw/timing/tile_activity.h),
    /// by component, and the leakage of the tenant's share of the chip for
    /// its latency.
    EnergyBreakdown energy;
    Activity activity;  ///< the counters behind `energy` (to price them under other figures)
    double energy_pj() const { return energy.total(); }
    /// Per layer of the program: when its last tile ended (zero: no tile)
    /// and the data bytes the job's sequencers moved for it.
    std::vector<sc_core::sc_time> layer_end;
    std::vector<std::uint64_t> layer_bytes;
    /// Per layer: the chip's time for it, from the end of the last tile of
    /// the layers before (the arrival for the first) to the end of its own
    /// last tile (the finish for the last layer), so the layers' times add
    /// up to the latency. Layers without tiles take none.
    std::vector<sc_core::sc_time> layer_times() const;
    double latency_ms() const { return (finish - arrival).to_seconds() * 1e3; }
};

class ReplayPlatform : public sc_core::sc_module {
public:
    ReplayPlatform(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity = Fidelity::Tile);

    /// Adds a job; call before sc_start. Throws std::invalid_argument for a
    /// job whose region leaves the chip or overlaps an earlier job's.
    void add(const ReplayJob& job);
    const std::vector<ReplayResult>& results() const { return results_; }
    /// After the run: whether job `j` finished (a run that ran out of events
    /// with a job unfinished, e.g. its sequencers waiting at a barrier that
    /// never completes, leaves it unfinished).
    bool finished(std::size_t job) const { return job < progress_.size() && progress_[job].state == JobState::Done; }

    /// Functional mode (before sc_start): real data flows; jobs must carry their data.
    void enable_functional_data();
    /// Where job `j`'s data and weight addresses start (compiler/data_layout.h).
    std::uint64_t data_base(std::size_t job) const { return kJobDataSpan * job; }
    std::uint64_t weights_base(std::size_t job) const { return kJobDataSpan * job + kWeightsRegion; }
    /// After the run: `elements` int16 values at `address` of job `j`'s data.
    std::vector<std::int16_t> read_data(std::size_t job, std::uint64_t address, std::uint64_t elements);
    /// After the run: raw bytes of job `j`'s memory.
    std::vector<std::uint8_t> read_bytes(std::size_t job, std::uint64_t address, std::uint64_t bytes);
    /// Where position `p` of job `j` saves its context when preempted (relative to its data base).
    static std::uint64_t context_address(std::size_t position);
    /// Every job's data lies in its own span of the address space: its data
    /// region from the start, its weights from kWeightsRegion, its contexts
    /// from kContextRegion.
    static constexpr std::uint64_t kJobDataSpan = 0x20'0000'0000ull;
    static constexpr std::uint64_t kWeightsRegion = 0x08'0000'0000ull;
    static constexpr std::uint64_t kContextRegion = 0x0F'0000'0000ull;

    /// Keeps every tile for the timeline, up to `max_events` (the rest are
    /// still counted in the utilisation).
    void record_timeline(std::size_t max_events);
    /// Called with (jobs finished, jobs) each time a job finishes (progress reports).
    void on_job_done(std::function<void(unsigned, unsigned)> done) { on_job_done_ = std::move(done); }
    /// After the run: inferences.csv, layers.csv (per layer, the chip
    /// against the configuration table), subarrays.csv (utilisation),
    /// channels.csv (bandwidth), summary.json and timeline.json (Chrome /
    /// Perfetto trace: a track per subarray, a slice per tile, coloured by
    /// tenant) in `dir`. Throws std::runtime_error naming a file it cannot write.
    void write_outputs(const std::string& dir) const;
    Accelerator<64>& accelerator() { return accel_; }
    ChannelMemory<64>& memory(unsigned channel) { return *memories_.at(channel); }

private:
    std::function<void(unsigned, unsigned)> on_job_done_;
    SC_HAS_PROCESS(ReplayPlatform);
    void host_thread();
    void load_programs();
    /// The tenant as the driver sees it, on `region`.
    AcceleratorDriver::Tenant tenant(std::size_t job, const std::vector<unsigned>& region) const;
    /// Reads which sequencers stopped and moves jobs on (done or preempted).
    void collect(AcceleratorDriver& driver);
    void finish(std::size_t job);
    /// Adds what sequencer `q` moved per layer to `r`.
    static void add_layer_bytes(ReplayResult& r, const SubarraySequencer& q);

    ArchConfig cfg_;
    Accelerator<64> accel_;
    std::vector<std::unique_ptr<ChannelMemory<64>>> memories_;
    tlm_utils::simple_initiator_socket<ReplayPlatform, 64> host_;
    // The base protocol checked on every external socket of the chip.
    std::vector<std::unique_ptr<ProtocolChecker<64>>> channel_checkers_;
    ProtocolChecker<64> host_checker_{"host_checker"};
    sc_core::sc_signal<bool> irq_;
    std::vector<ReplayJob> jobs_;
    std::vector<ReplayResult> results_;
    std::vector<std::vector<unsigned>> regions_;
    std::vector<std::vector<std::uint64_t>> bases_;  ///< program base of each job's subarrays
    enum class JobState { Waiting, Running, Preempting, Preempted, Done };
    struct Progress {
        JobState state = JobState::Waiting;
        std::vector<unsigned> where;                 ///< the subarrays it runs on now
        std::vector<bool> finished;                  ///< per position: reached END (or stopped on an error)
        bool failed = false;                         ///< a position stopped on an error
        std::uint64_t tiles = 0, busy_cycles = 0, bytes = 0;  ///< of the finished positions
        Activity activity;
        sc_core::sc_time last_end;
    };
    std::vector<Progress> progress_;
    std::vector<TileEvent> timeline_;
    std::size_t max_events_ = 0;
    std::vector<sc_core::sc_time> busy_;             ///< computing time per subarray
    std::uint64_t next_program_ = 0;
    bool functional_ = false;
};

}  // namespace planaria
