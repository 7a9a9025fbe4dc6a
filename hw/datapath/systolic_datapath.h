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

#include "hw/fission/buffer_reach.h"
#include "hw/pod/fission_pod.h"
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
    SystolicDatapath(sc_core::sc_module_name name, const ArchConfig& cfg);
    ~SystolicDatapath() override;

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

    // ---- running tiles ----
    /// Steps the tile cycle by cycle now, without advancing simulated time.
    TileRun compute_tile(const LogicalArray& array, const TileCommand& cmd);
    /// compute_tile, then waits the tile's cycles: call from a SystemC process.
    TileRun run_tile(const LogicalArray& array, const TileCommand& cmd);

    /// Traces, cycle by cycle, the edges of `subarray` and the registers of
    /// the listed PEs (row, column) into `vcd` whenever a tile runs on it.
    /// Meant for small runs; pass nullptr to stop.
    void trace(SignalTrace* vcd, unsigned subarray, const std::vector<std::pair<unsigned, unsigned>>& pes = {});

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

    ArchConfig cfg_;
    ReconfigurationRegisterFile regs_;
    std::vector<std::unique_ptr<OmniDirectionalSubarray>> subarrays_;
    std::vector<std::unique_ptr<FissionPod>> pods_;
    std::vector<std::unique_ptr<SimdSegment>> simd_;
    ActivationRingBus activation_ring_;
    PartialSumRingBus partial_sum_ring_;
    sc_core::sc_time clock_period_;
    /// The loader's initiator, bound to the subarrays' weight buses and the pods' memories.
    tlm_utils::multi_passthrough_initiator_socket<SystolicDatapath> loader_;
    std::unique_ptr<Trace> trace_;
    std::uint64_t cycles_run_ = 0;  ///< all tiles so far: the trace's time base
};

}  // namespace planaria
