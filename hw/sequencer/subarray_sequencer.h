#pragma once
// The sequencer of one subarray (paper Section IV-C: "each subarray has a
// designated PC and a designated 4 KB instruction buffer"): it fetches its
// macro-instruction stream from off-chip memory into the instruction buffer,
// prefetching the next buffer-full while the current one drains, and
// executes it at tile level:
//
//  - loads and stores are DMA transfers on the subarray's off-chip channel
//    (real TLM transactions, so tenants sharing a channel slow each other);
//    reads and writes queue in order on the sequencer's DMA engine without
//    waiting for their data, and overlap compute: a tile starts when its
//    operands have arrived and the datapath is free; the activation buffer
//    is a circular buffer, so a load waits only for room;
//  - a tile's compute time is the datapath's closed form (tile_timing.h) for
//    the logical array the subarray belongs to in the current configuration;
//  - sync is a barrier of the cluster's subarrays; after every tile the
//    sequencer stops at the tile boundary if a reconfiguration is pending.
//
// The sequencer is loosely timed: it runs ahead of simulation time in its
// local time and synchronises with a quantum keeper (its own quantum, given
// by the chip: the global quantum is the SoC's), at barriers and at the end.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <systemc>
#include <tlm>

#include "hw/config/arch_config.h"
#include "hw/fission/fission_topology.h"
#include "hw/isa/instruction.h"
#include "hw/timing/tile_activity.h"
#include "hw/fission/buffer_reach.h"
#include "hw/sequencer/sequencer_context.h"
#include "hw/sequencer/dma_runs.h"
#include "hw/sequencer/tile_buffers.h"
#include "tlm/local_quantum_keeper.h"

namespace planaria {

/// A tile as its sequencer issued it (a Compute instruction).
struct TileIssue {
    TileShape shape;           ///< M, K, N of the whole logical array's tile
    unsigned slot = 0;         ///< weight-buffer slot the PEs latch
    bool accumulate = false;   ///< adds to the output buffer (a k tile after the first)
    bool simd = false;         ///< the SIMD segment is not bypassed
    std::uint64_t cycles = 0;  ///< what the tile level's closed form gives it
    std::uint32_t layer = 0;   ///< of the program (its LayerBoundary)
    sc_core::sc_time start;    ///< when this subarray can start it (operands in, datapath free)
};

/// What became of an issued tile.
struct TileOutcome {
    bool computed = false;     ///< it ran now (else when its cluster's barrier completes)
    std::uint64_t cycles = 0;  ///< computed at cycle fidelity: the cycles the datapath took
    bool measured = false;     ///< `cycles` holds them
    std::uint32_t error = 0;   ///< a kSeqError* code: the tile could not run
};

/// The tile level's timing: the closed form (tile_cycles), or a replacement
/// (a test perturbs it to see the cycle-level cross-check catch it).
using TileTiming = std::function<TileCycles(const ArchConfig&, ArrayShape, TileShape, bool, const OutputStripe*)>;

/// What a sequencer needs from the chip around it.
class SequencerServices {
public:
    virtual ~SequencerServices() = default;
    /// A transaction on the off-chip channel of `subarray`'s pod. `delay`
    /// is the local time offset in, the completion out.
    virtual void channel_transport(unsigned subarray, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) = 0;
    /// The logical array `subarray` belongs to now.
    virtual const LogicalArray& array_of(unsigned subarray) const = 0;
    /// A Configure instruction: `subarray`'s state for the coming layer.
    virtual void stage_configuration(unsigned subarray, std::uint32_t state, unsigned selector) = 0;
    /// What the members of a barrier agree on. In: the caller's times. Out:
    /// the latest of all members' (they agree on when their tiles end without
    /// waiting for it, so their DMA engines can prefetch the next tile
    /// meanwhile), whether the cluster stops here for a preemption, and
    /// whether the caller left a tenant-wide barrier because it was preempted.
    struct BarrierSync {
        sc_core::sc_time compute_done, stores_done;
        bool stop = false, withdrawn = false;
        bool aborted = false;  ///< another member of the tenant failed: the barrier never completes
        std::uint32_t error = 0;  ///< the cluster's tile could not run (a kSeqError* code)
    };
    /// Barrier of `parties` sequencers: all the tenant's (`tenant_wide`) or
    /// those of `subarray`'s current cluster. Returns when all have arrived,
    /// with the configurations they staged applied (false if those were
    /// refused). In a functional run, a cluster barrier is where the
    /// cluster's tile is computed.
    virtual bool barrier(unsigned subarray, std::uint32_t tenant, std::uint32_t id, unsigned parties,
                         bool tenant_wide, BarrierSync& sync) = 0;
    /// The fission state of `subarray` now, and the one it staged (if any).
    virtual void configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const = 0;
    virtual bool staged_configuration(unsigned subarray, std::uint32_t& state, unsigned& selector) const = 0;
    /// Functional runs: the subarray's on-chip data (nullptr in timing-only
    /// runs). Its data moves only in the timed transfers.
    virtual TileBuffers* buffers(unsigned subarray) = 0;
    /// A Compute instruction of `subarray`: a subarray alone computes its
    /// tile now; a cluster's tile is computed when its barrier completes.
    virtual TileOutcome issue_tile(unsigned subarray, const TileIssue& tile) = 0;
    /// A commit of the reconfiguration registers waits for a tile boundary.
    virtual bool reconfiguration_pending() const = 0;
    /// Called at a tile boundary (simulation time = the sequencer's time)
    /// while a reconfiguration is pending: returns once it is done.
    virtual void tile_boundary(unsigned subarray) = 0;
    /// The program ended (error: it stopped on an error).
    virtual void finished(unsigned subarray, bool error) = 0;
};

/// One tile as it ran, for timelines and utilisation.
struct TileEvent {
    unsigned subarray = 0;
    std::uint32_t tenant = 0;
    std::uint32_t layer = 0;
    sc_core::sc_time start, end;
};
using TileObserver = std::function<void(const TileEvent&)>;

/// Where a run's program and memory regions lie (the sequencer's PROGRAM,
/// DATA and WEIGHTS registers): the program's data addresses are relative
/// to `data`, its weight addresses to `weights` (compiler/data_layout.h).
struct TenantMemory {
    std::uint64_t program = 0, data = 0, weights = 0;
};

class SubarraySequencer : public sc_core::sc_module {
public:
    /// `quantum`: how far it runs ahead of simulation time (at most the SoC's global quantum, where set).
    SubarraySequencer(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned subarray,
                      SequencerServices& services, const sc_core::sc_time& quantum);

    /// Starts the program at `memory.program` (ignored while busy: returns false).
    bool start(const TenantMemory& memory, std::uint32_t tenant);

    /// Resumes a preempted program from the context saved at `context`;
    /// `parties` of the tenant's sequencers resume together.
    bool resume(const TenantMemory& memory, std::uint32_t tenant, std::uint64_t context, unsigned parties);
    /// Stops at the next tile boundary and saves the context at `context`.
    void request_preempt(std::uint64_t context);
    bool preempt_requested() const { return preempt_requested_; }
    bool preempted() const { return preempted_; }
    const sc_core::sc_event& preempt_event() const { return preempt_event_; }

    /// How far it runs ahead of simulation time (its own quantum, before the SoC's cap).
    const sc_core::sc_time& quantum() const { return keeper_.quantum(); }
    bool busy() const { return busy_; }
    bool done() const { return done_; }
    std::uint32_t error() const { return error_; }
    std::uint64_t pc() const { return pc_; }
    std::uint64_t tiles() const { return tiles_; }
    std::uint64_t busy_cycles() const { return busy_cycles_; }
    std::uint64_t bytes_moved() const { return bytes_; }
    std::uint32_t layer() const { return layer_; }
    /// Data bytes this run moved on the channel (instruction fetches
    /// aside), per layer of the program: of the run since the last start or
    /// resume, so a preempted run's share is read before it resumes.
    const std::vector<std::uint64_t>& layer_bytes() const { return layer_bytes_; }
    const Activity& activity() const { return activity_; }
    std::uint32_t tenant() const { return tenant_; }
    /// Simulation time the last program ended.
    const sc_core::sc_time& finished_at() const { return finished_at_; }
    /// Called for every tile this subarray computes (empty: nobody listens).
    void observe(TileObserver observer) { observer_ = std::move(observer); }
    /// Replaces the closed form the tile level times tiles with (empty: the closed form).
    void set_tile_timing(TileTiming timing) { timing_ = std::move(timing); }

private:
    SC_HAS_PROCESS(SubarraySequencer);
    void thread();
    /// Runs the program: fetches each instruction and hands it to the
    /// handler of its opcode, until END, an error or a preemption.
    void execute();
    /// Instruction `index` of the program, fetching buffer-fulls as needed.
    Instruction fetch(std::uint64_t index);
    /// A DMA transfer of `bytes` at `address` starting no earlier than
    /// `not_before` (absolute); returns its completion (absolute).
    /// `data`: the bytes the transfer carries (else it only times the traffic).
    sc_core::sc_time dma(tlm::tlm_command cmd, std::uint64_t address, std::uint64_t bytes, sc_core::sc_time not_before,
                         unsigned char* data = nullptr);
    /// The same for a transfer in `count` runs (hw/sequencer/dma_runs.h,
    /// offsets from `base`), all dated alike; `data` holds the runs' bytes
    /// one after the other.
    sc_core::sc_time dma(tlm::tlm_command cmd, std::uint64_t base, const DmaRun* runs, std::size_t count,
                         sc_core::sc_time not_before, unsigned char* data = nullptr);
    /// One transfer cut into the channel's bursts, all dated `issue`; `data`
    /// moves along with the bursts when `advance_data`. Stops at the first
    /// error response; returns the last completion and the bytes moved.
    /// A transaction the memory answered with an error response.
    struct Refusal {
        tlm::tlm_command command = tlm::TLM_IGNORE_COMMAND;
        std::uint64_t address = 0;
        unsigned bytes = 0;
        tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    };
    struct BurstResult {
        sc_core::sc_time done;
        std::uint64_t moved;
        bool ok;
        Refusal refusal;  ///< when not ok
    };
    /// Stops on a refused memory access (ERROR 2), with a SystemC report
    /// naming the access and the response, as a platform engineer needs it.
    void fail_memory(const Refusal& r, const char* what);
    BurstResult bursts(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, bool advance_data,
                       std::uint64_t bytes, sc_core::sc_time issue);
    sc_core::sc_time now() const { return sc_core::sc_time_stamp() + keeper_.get_local_time(); }
    void fail(std::uint32_t code);
    /// The DMA engine's and the datapath's horizon.
    struct Horizon {
        sc_core::sc_time read_free, write_free, compute_free, operands, stores_done;
    };
    /// Finishes the tile in flight and its stores, saves the context, stops.
    void checkpoint(const Horizon& h);
    /// The end of a preempted run: idle, PREEMPTED, the accelerator told.
    void stop_preempted();
    /// Reads the context back, re-forms the tenant's arrays, reloads the weights.
    void restore(Horizon& h);
    /// The activation buffer's room (a circular buffer of entries).
    struct ActivationBuffer;
    /// Whether the program goes on after an instruction or stopped there
    /// (preempted: its context saved).
    enum class Flow { Continue, Stopped };

    /// A read on the DMA engine's read queue, issued when the queue is free
    /// and not before `not_before`: the tile after it waits for its data.
    /// `data`: where the bytes go (else the read only times the traffic).
    void read_operands(Horizon& h, std::uint64_t address, std::uint64_t bytes,
                       sc_core::sc_time not_before = sc_core::SC_ZERO_TIME, unsigned char* data = nullptr);
    /// The same for a read in runs (offsets from `base`).
    void read_operands(Horizon& h, std::uint64_t base, const DmaRun* runs, std::size_t count,
                       sc_core::sc_time not_before, unsigned char* data);
    /// The LoadActivations of `bytes` (as the program says) at the tiled
    /// address `tiled` of a GEMM layer: its transactions go where the pixels
    /// lie (dma_runs.h), and in a functional run they fill the activation
    /// buffer. A load the descriptor cannot place, or whose bytes are not
    /// the program's, stops with ERROR 5.
    void fetch_activations(Horizon& h, std::uint64_t tiled, std::uint64_t bytes, unsigned vectors,
                           sc_core::sc_time not_before);
    /// `bytes` of a reload after a preemption: whatever the generator says.
    static constexpr std::uint64_t kAnyBytes = ~0ull;
    /// The LoadActivations of `bytes` of a SIMD layer's share: its operands,
    /// where the input tensors hold them (hw/isa/simd_share.h).
    void fetch_operands(Horizon& h, std::uint64_t bytes, sc_core::sc_time not_before);
    /// The runs of a load the program says carries `bytes` (else ERROR 5),
    /// read into the staging buffer in a functional run. False when the
    /// bytes did not arrive (a refusal is ERROR 2 already).
    bool read_generated(Horizon& h, const std::vector<DmaRun>& runs, std::uint64_t bytes, sc_core::sc_time not_before);
    /// A weight load of `bytes` at `offset` (from the weights base) into `slot`: timed,
    /// and in a functional run the bytes it carries fill the slot.
    void fetch_weights(Horizon& h, std::uint64_t offset, std::uint64_t bytes, unsigned slot);
    // One handler per opcode (hw/isa/instruction.h).
    void load_weights(const Instruction& in, Horizon& h);
    void load_activations(const Instruction& in, Horizon& h, ActivationBuffer& act);
    Flow compute(const Instruction& in, Horizon& h, ActivationBuffer& act);
    Flow simd(const Instruction& in, Horizon& h);
    Flow store(const Instruction& in, Horizon& h);
    Flow sync(const Instruction& in, Horizon& h);
    /// Reads the descriptor carried by the `slots` Data instructions at the PC.
    void describe(std::uint32_t bytes, unsigned slots);
    void layer_boundary(const Instruction& in);
    void configure(const Instruction& in);
    void loop(const Instruction& in);
    /// Waits for the last transfer and tile, then reports the program done.
    void end(const Horizon& h);
    /// At the end of a loop body: goes round again, or leaves the loop.
    void loop_end();
    /// This subarray's block in its logical array now.
    BlockPosition block() const;

    const ArchConfig cfg_;
    unsigned subarray_;
    SequencerServices& services_;
    sc_core::sc_time period_;
    sc_core::sc_time latency_;  ///< of an off-chip read, from its last byte on the channel
    unsigned buffer_entries_;
    /// The Pod Memory buffers of the array this subarray is in (its last one, kept while it lasts).
    const BufferReach& reach();
    std::optional<LogicalArray> reach_array_;
    std::optional<BufferReach> reach_;
    Floorplan floorplan_;
    LocalQuantumKeeper keeper_;
    sc_core::sc_event start_;

    std::uint64_t base_ = 0, data_base_ = 0, weights_base_ = 0, context_ = 0;
    bool preempt_requested_ = false, preempted_ = false, resuming_ = false;
    unsigned resume_parties_ = 0;
    sc_core::sc_event preempt_event_;
    // Architectural state a context holds.
    std::vector<SequencerContext::Loop> loops_;
    std::uint64_t act_shift_ = 0, store_shift_ = 0;
    LayerDescriptor desc_;  ///< the current layer's, for the address generators
    bool described_ = false;
    std::vector<SequencerContext::WeightLoad> weights_;  ///< resident weights: those loaded since the last tile run began
    std::uint64_t raw_load_ = 0;             ///< 1 + the tiled address of the last load of raw pixels (SequencerContext)
    std::vector<PixelSpan> spans_;           ///< the activation or operand load in flight
    /// What the address generators worked out for the layer described now:
    /// its window footprints, and a SIMD share's operand loads (one set per layer).
    FootprintCache footprints_;
    std::vector<PixelSpan> operand_spans_;
    std::vector<DmaRun> operand_runs_;
    bool operands_known_ = false;
    /// The layer's descriptor changed: forget what was worked out for the last one.
    void new_descriptor();
    bool weights_after_tile_ = false;                     ///< a tile ran since the last weight load
    std::uint64_t held_vectors_ = 0, held_cols_ = 0;      ///< intermediate results in the output buffer
    Activity activity_;
    std::uint32_t tenant_ = 0;
    bool busy_ = false, done_ = false;
    std::uint32_t error_ = 0;
    std::uint64_t pc_ = 0, tiles_ = 0, busy_cycles_ = 0, bytes_ = 0;
    std::uint32_t layer_ = 0;
    std::vector<std::uint64_t> layer_bytes_;
    sc_core::sc_time finished_at_;

    // Instruction buffer: the buffer-full being executed and the prefetched one.
    struct Chunk {
        std::uint64_t index = ~0ull;
        sc_core::sc_time ready;
        std::uint64_t valid = 0;  ///< bytes the memory delivered (a buffer-full past the end is cut short)
        Refusal refusal;          ///< why it was cut short
        std::vector<std::uint8_t> bytes;
    };
    Chunk chunks_[2];
    /// Reads buffer-full `index` of the program into `chunk`; returns when it is there.
    sc_core::sc_time dma_into(Chunk& chunk, std::uint64_t index);
    std::vector<unsigned char> scratch_;  ///< DMA data in timing-only runs
    std::vector<unsigned char> staging_;  ///< functional runs: the bytes of the transfer in flight
    tlm::tlm_generic_payload payload_;    ///< the DMA engine's, reused burst after burst
    TileObserver observer_;
    TileTiming timing_;
};

}  // namespace planaria
