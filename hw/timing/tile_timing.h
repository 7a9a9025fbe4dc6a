#pragma once
// The closed form for the cycles of one tile on a logical array, derived from
// the microarchitecture of the cycle-accurate datapath. The cycle-accurate
// model is tested to take exactly this many cycles; the tile-level model and
// the compiler's cost model call this function, so the levels cannot drift.
//
// A logical array of BR x BC subarrays (rows x cols PEs each) computes
// O[M x N] = A[M x K] * W[K x N] with K <= BR*rows and N <= BC*cols. PE (i, j)
// of the logical array holds W[i][j] and handles activation vector m at cycle
//
//     T(m, i, j) = L + m + i + j + S * (i / rows) + S * (j / cols)
//
// (stream cycles, after the weight latch), where S is the number of ring-bus
// pipeline registers on a link and L the Pod Memory crossbar latency: each
// PE-to-PE hop is one cycle, each ring-bus link adds S, and the activation
// crossbar adds L before the first column. The activation for logical row i
// is read from Pod Memory at m + i + S * (i / rows) (the skew). Partial sums
// leave the bottom of the whole array: they cross all BR*rows PE rows,
// whatever K is; activations only need to reach column N - 1. Outputs then
// pass the SIMD segment (P cycles, 0 when bypassed) and the output crossbar
// (L cycles) into the output buffer. Hence
//
//     cycles = 1                              weight latch
//            + M                              one activation vector per cycle
//            + (BR*rows - 1) + L              fill: down the PE rows, through the crossbar
//            + (N - 1)                        drain: across to the last used column
//            + S * ((BR - 1) + (ceil(N / cols) - 1))   ring-bus registers crossed
//            + L + P                          write-back
//
// Weights come from the PEs' private weight buffers (filled beforehand over
// the weight bus, overlapped with earlier tiles by the tile-level model).
//
// When an array's exit subarrays also write output buffers in other pods
// (hw/fission/buffer_reach.h), each write to a buffer `h` inter-pod hops
// away arrives h * X cycles later (X = inter_pod_link.latency_cycles), and
// when the remote writes of a cycle would exceed a link's bandwidth the
// sequencer paces the stream: vector m enters at floor(m * p) instead of m,
// p = the busiest link's demand over its bytes per cycle. The tile then ends
// at its latest write rather than necessarily its last vector's.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "hw/config/arch_config.h"

namespace planaria {

struct ArrayShape {
    unsigned block_rows = 1;  ///< subarrays along the partial-sum flow
    unsigned block_cols = 1;  ///< subarrays along the activation flow
};

struct TileShape {
    unsigned vectors = 1;  ///< M: activation vectors streamed through
    unsigned rows = 1;     ///< K: reduction length (PE rows holding weights)
    unsigned cols = 1;     ///< N: outputs per vector (PE columns holding weights)
};

struct TileCycles {
    std::uint64_t latch = 0, stream = 0, fill = 0, drain = 0, ring_bus = 0, write_back = 0;
    std::uint64_t inter_pod = 0;  ///< pacing and hop latency of writes to other pods' buffers
    std::uint64_t total() const { return latch + stream + fill + drain + ring_bus + write_back + inter_pod; }
};

/// How a logical array's exit subarrays stripe their output vectors over
/// buffers some of which are in other pods: vector v goes to buffer v mod n.
struct OutputStripe {
    unsigned buffers = 1;                       ///< n
    std::vector<std::vector<unsigned>> hops;    ///< [exit block column][buffer]: inter-pod hops (0: own pod)
    /// One directed inter-pod link and whose writes cross it: (exit block column, buffers of its n).
    struct Link {
        std::vector<std::pair<unsigned, unsigned>> users;
    };
    std::vector<Link> links;
    bool remote() const { return !links.empty(); }
};

/// When each vector of a tile enters the array: every cycle, or paced by
/// the inter-pod links.
struct StreamPace {
    double cycles_per_vector = 1.0;
    std::uint64_t at(std::uint64_t m) const {
        return cycles_per_vector <= 1.0 ? m : std::uint64_t(double(m) * cycles_per_vector);
    }
};
StreamPace stream_pace(const ArchConfig& cfg, const OutputStripe* stripe, TileShape tile);

/// The part of a tile's `extent` (reduction rows or output columns) that
/// falls on block `index` of a logical array whose blocks hold `block` each:
/// blocks are filled in order, so the last ones of a small tile hold nothing.
inline unsigned block_extent(std::uint64_t extent, unsigned index, unsigned block) {
    const std::uint64_t first = std::uint64_t(index) * block;
    return first < extent ? unsigned(std::min<std::uint64_t>(block, extent - first)) : 0;
}

/// Cycles of one tile; `simd_active` when the SIMD segment is not bypassed;
/// `stripe` when some output buffers are in other pods.
/// Throws std::invalid_argument when the tile does not fit the array.
TileCycles tile_cycles(const ArchConfig& cfg, ArrayShape array, TileShape tile, bool simd_active,
                       const OutputStripe* stripe = nullptr);

}  // namespace planaria
