#pragma once
// The cycle-accurate fissionable datapath: the reconfiguration register file,
// the omni-directional subarrays, the Fission Pods, the activation and
// partial-sum ring buses and the SIMD segments, wired as the paper's Fig. 10.
//
// Logical arrays exist only as the register file's current state. A tile runs
// on one logical array (a cluster): the array's subarrays are stepped cycle
// by cycle in C++ by the calling process (one process per logical array, never
// one per PE), values really flow through PE registers and ring-bus pipeline
// registers, and the process then waits the simulated time the tile took.
// Tiles on disjoint logical arrays may run concurrently from different
// processes.
//
// A tile reads its activations and writes its outputs through DMI pointers
// its subarrays obtain from their Fission Pods' crossbars (which add their
// latency to the pointer's), so the crossbar selectors of the current state
// decide which buffers it reaches and the crossbar modules how long it takes.
//
// Data layout that the loader (write_weights / write_activations /
// read_outputs, through the TLM sockets) and the hardware agree on: logical
// PE (i, j) is PE (i mod rows, j mod cols) of subarray at(i / rows, j / cols),
// mirrored in a subarray whose flow is westward (columns) or northward (rows).
// Row block b's activations live in the activation buffers subarray at(b, 0)
// reaches through its pod's crossbar, column block c's outputs in those
// at(BR-1, c) reaches through the crossbar and the inter-pod links (each
// member's buffer is the one its selector names), vectors striped over them
// (hw/fission/buffer_reach.h); bank = physical PE row or column.

#include <memory>
#include <stdexcept>
#include <vector>

#include "hw/datapath/fidelity.h"
#include "hw/fission/buffer_reach.h"
#include "hw/pod/fission_pod.h"
#include "hw/pod/inter_pod_link.h"
#include "hw/regfile/reconfiguration_register_file.h"
#include "hw/ringbus/ring_bus.h"
#include "hw/simd/simd_segment.h"
#include "hw/subarray/omni_directional_subarray.h"
#include "hw/timing/tile_timing.h"
#include "hw/trace/signal_trace.h"

namespace planaria {

class DatapathError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What one tile computes on a logical array.
struct TileCommand {
    unsigned weight_slot = 0;    ///< weight-buffer slot the PEs latch
    /// Or, when not empty, the slot of each subarray of the array (in its order).
    std::vector<unsigned> weight_slots;
    TileShape shape;             ///< M vectors, K rows, N columns
    unsigned activation_base = 0;///< first activation-buffer entry
    unsigned output_base = 0;    ///< first output-buffer entry
    bool accumulate = false;     ///< add to the output buffer instead of overwriting (split reduction)
    SimdInstruction simd;        ///< applied on the way to the output buffer
};

struct TileRun {
    std::uint64_t cycles = 0;      ///< from weight latch to the last output written
    std::uint64_t macs = 0;        ///< useful multiply-accumulates (M * K * N)
};

class SystolicDatapath : public sc_core::sc_module {
public:
    /// At tile fidelity the subarrays are built without their PE modules
    /// (the state stays, allocated when first used).
    SystolicDatapath(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity = Fidelity::Cycle);
    ~SystolicDatapath() override;

    Fidelity fidelity() const { return fidelity_; }

    const ArchConfig& config() const { return cfg_; }
    ReconfigurationRegisterFile& registers() { return regs_; }
    const Floorplan& floorplan() const { return regs_.floorplan(); }
    const FissionTopology& topology() const { return regs_.topology(); }
    OmniDirectionalSubarray& subarray(unsigned i) { return *subarrays_.at(i); }
    FissionPod& pod(unsigned p) { return *pods_.at(p); }
    SimdSegment& simd(unsigned i) { return *simd_.at(i); }
    ActivationRingBus& activation_ring() { return activation_ring_; }
    PartialSumRingBus& partial_sum_ring() { return partial_sum_ring_; }

    /// The logical array (cluster) of the current state that contains `subarray`.
    const LogicalArray& array_of(unsigned subarray) const;

    // ---- the loader's view, through the TLM sockets ----
    /// W is K x N, row-major; written into weight-buffer slot `slot`.
    void write_weights(const LogicalArray& array, unsigned slot, const std::vector<Weight>& w, unsigned k, unsigned n);
    /// A is M x K, row-major; written from activation-buffer entry `base` on.
    void write_activations(const LogicalArray& array, unsigned base, const std::vector<Activation>& a, unsigned m,
                           unsigned k);
    /// O is M x N, row-major, read from output-buffer entry `base` on.
    std::vector<Accumulator> read_outputs(const LogicalArray& array, unsigned base, unsigned m, unsigned n);

    // ---- the same, one block of a logical array at a time (a chip's tiles
    // staged from its DMA engines' data, hw/accelerator) ----
    /// Weight block of `subarray` (rows x cols, row-major, its own PE rows
    /// and columns in logical order) into weight-buffer slot `slot`.
    void write_weight_block(unsigned subarray, unsigned slot, const Weight* w, unsigned rows, unsigned cols);
    /// Activations of block row `block_row` (m x rows, row-major) from entry `base` on.
    void write_activation_block(const LogicalArray& array, unsigned block_row, unsigned base, const Activation* a,
                                unsigned m, unsigned rows);
    /// Outputs of block column `block_col` (m x cols, row-major) from entry `base` on: read, or written (a
    /// partial sum restored, a bias preloaded).
    void read_output_block(const LogicalArray& array, unsigned block_col, unsigned base, Accumulator* out,
                           unsigned m, unsigned cols);
    void write_output_block(const LogicalArray& array, unsigned block_col, unsigned base, const Accumulator* in,
                            unsigned m, unsigned cols);

    // ---- running tiles ----
    /// Steps the tile cycle by cycle now, without advancing simulated time.
    TileRun compute_tile(const LogicalArray& array, const TileCommand& cmd);
    /// compute_tile, then waits the tile's cycles: call from a SystemC process.
    TileRun run_tile(const LogicalArray& array, const TileCommand& cmd);

    /// Traces, cycle by cycle, the edges of `subarray` and the registers of
    /// the listed PEs (row, column) into `vcd` whenever a tile runs on it.
    /// Meant for small runs; pass nullptr to stop.
    void trace(SignalTrace* vcd, unsigned subarray, const std::vector<std::pair<unsigned, unsigned>>& pes = {});
    /// Inside a chip: whether the coming tiles are recorded, and the chip
    /// cycle their weight latch happens in (the trace's time base; by
    /// default tiles are recorded back to back from cycle 0).
    void trace_tiles(bool on, std::uint64_t latch_cycle) {
        trace_on_ = on;
        cycles_run_ = latch_cycle;
    }

private:
    struct Trace;
    FlowDirection flow_of(unsigned subarray) const;
    void record(std::uint64_t cycle, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
                const ActivationEdge& act_out, const PartialSumEdge& psum_out);
    void check_formed(const LogicalArray& array) const;
    void check_command(const LogicalArray& array, const TileCommand& cmd, const BufferReach& reach) const;
    /// Where vector `v` of an edge subarray's buffer space lives (hw/fission/buffer_reach.h):
    /// buffer v mod n of its list, entry v / n.
    struct BufferEntry {
        PodMemory* memory;
        unsigned pod, buffer, entry, hops;
    };
    BufferEntry locate(const std::vector<BufferReach::Buffer>& buffers, unsigned v);
    /// The loader's DMI pointers (cached until invalidated): PE `pe`'s weight
    /// buffer over its subarray's weight bus, a Pod Memory buffer.
    Weight* weight_buffer(unsigned subarray, unsigned pe);
    unsigned char* pod_memory_pointer(unsigned pod, std::uint64_t address);
    void invalidate_loader(int target, sc_dt::uint64 start, sc_dt::uint64 end);
    /// Through `port` (a subarray's crossbar or remote port): a DMI pointer
    /// to `address` (a buffer the path's selectors name), and the latency
    /// the path adds (crossbars, inter-pod links), in cycles.
    template <class T>
    T* through_port(tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray>& port, std::uint64_t address,
                    bool write, std::int64_t& latency_cycles);
    /// Calls `f(pointer to the entry, lane mirror)` for each of m vectors of an edge's buffers.
    template <class T, class F>
    void for_each_entry(const LogicalArray& array, bool activations, unsigned block, unsigned base, unsigned m, F f);

    ArchConfig cfg_;
    Fidelity fidelity_;
    ReconfigurationRegisterFile regs_;
    std::vector<std::unique_ptr<OmniDirectionalSubarray>> subarrays_;
    std::vector<std::unique_ptr<FissionPod>> pods_;
    std::vector<std::unique_ptr<InterPodLink>> links_;  ///< the direct links between neighbouring pods, both ways
    std::vector<std::unique_ptr<SimdSegment>> simd_;
    ActivationRingBus activation_ring_;
    PartialSumRingBus partial_sum_ring_;
    sc_core::sc_time clock_period_;
    /// The loader's initiator, bound to the subarrays' weight buses, the pods' memories and the ring buses (debug).
    tlm_utils::multi_passthrough_initiator_socket<SystolicDatapath> loader_;
    std::unique_ptr<Trace> trace_;
    bool trace_on_ = true;
    std::uint64_t cycles_run_ = 0;  ///< all tiles so far: the trace's time base
    std::vector<std::vector<Weight*>> pe_dmi_;  ///< [subarray][pe]
    struct DmiRegion {
        std::uint64_t start = 0, end = 0;
        unsigned char* pointer = nullptr;
    };
    std::vector<std::vector<DmiRegion>> pod_dmi_;  ///< [pod]
};

}  // namespace planaria
