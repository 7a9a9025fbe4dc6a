#pragma once
// The context a preempted sequencer saves to off-chip memory and resumes
// from (paper Section V: "only a single tile of intermediate results needs
// to be stored off-chip"): its architectural state (PC, loop stack, address
// shifts, counters), the fission state of its subarray and a configuration
// staged for the coming barrier, which weights its PE buffers held (they are
// reloaded from their DRAM copies, not saved), the layer descriptor, and the
// one tile of intermediate results in its output buffer (accumulators).
// Raw activation pixels a chunk's later k tiles still expand are not saved
// either: the last load of the chunk says which to fetch again.
//
// The layout is fixed: every field at the same offset whatever the data mode,
// so a functional and a timing-only run move the same bytes.

#include <array>
#include <cstdint>
#include <vector>

#include "hw/isa/layer_descriptor.h"
#include "hw/timing/tile_activity.h"

namespace planaria {

struct SequencerContext {
    static constexpr std::uint64_t kMagic = 0x33585443524E4C50ull;  // "PLNRCTX3"
    static constexpr unsigned kMaxLoops = 8;
    static constexpr unsigned kAccumulatorBytes = 8;

    struct Loop {
        std::uint64_t begin = 0, end = 0, left = 0, count = 0, act_stride = 0, store_stride = 0;
    };
    struct WeightLoad {  ///< the last LoadWeights into a slot
        std::uint64_t valid = 0, address = 0, bytes = 0;
    };

    std::uint64_t pc = 0, layer = 0, tiles = 0, busy_cycles = 0, bytes = 0;
    std::uint64_t act_shift = 0, store_shift = 0;
    std::array<std::uint64_t, Activity::kCounters> activity{};  ///< the energy counters (Activity), in declaration order
    std::vector<Loop> loops;
    std::uint64_t state = 0, selector = 0;                    ///< the subarray's fission state when it stopped
    std::uint64_t staged = 0, staged_state = 0, staged_selector = 0;  ///< a configuration staged for the next barrier
    std::vector<WeightLoad> weights;                          ///< one per weight slot
    std::uint64_t raw_load = 0;  ///< 1 + the tiled address of the last activation load of raw pixels, 0: none
    std::uint64_t described = 0;
    LayerDescriptor descriptor;
    std::uint64_t held_vectors = 0, held_cols = 0;            ///< the output buffer's tile of intermediate results
    std::vector<std::int64_t> outputs;                        ///< its accumulators (zeros in timing-only runs)

    /// Bytes of the saved context with `slots` weight slots, before the results.
    static std::uint64_t header_bytes(unsigned slots);
    /// Bytes of saved results that follow a header (read from the header).
    static std::uint64_t results_bytes(const std::vector<std::uint8_t>& header, unsigned slots);
    std::vector<std::uint8_t> serialize(unsigned slots) const;
    /// Throws std::invalid_argument for bytes that are not a context.
    static SequencerContext deserialize(const std::vector<std::uint8_t>& bytes, unsigned slots);
};

}  // namespace planaria
