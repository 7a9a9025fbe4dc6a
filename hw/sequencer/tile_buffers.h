#pragma once
// The data a subarray holds on chip at tile level, in functional runs: the
// weights in its PEs' buffers (one block per weight slot), the activation
// vectors its Pod Memory activation buffer delivers to the tile, and its
// Pod Memory output buffer (accumulators; after the last k tile, the
// requantised values the next store writes out). Timing-only runs leave it
// empty.
//
// The functions below are the arithmetic of a tile: they place the bytes a
// layer's transfers carry (hw/sequencer/dma_runs.h, hw/isa/weight_layout.h,
// hw/isa/simd_share.h) into the buffers, expand the activation buffer's raw
// pixels into the tile's im2col vectors, and compute a SIMD layer's share
// from the operands its load brought. Nothing reaches memory but through the
// transfers.

#include <cstdint>
#include <vector>

#include "hw/fission/fission_topology.h"
#include "hw/isa/layer_descriptor.h"
#include "hw/isa/number_format.h"
#include "hw/sequencer/dma_runs.h"

namespace planaria {

/// The activation buffer's pixels: per channel plane of the GEMM instance,
/// the elements the loads of the current M chunk brought (raw mode: all the
/// chunk's k tiles expand them; else only the tile that loaded them).
class PixelStore {
public:
    /// Empties it for the loads of `instance`'s chunk `chunk`.
    void reset(std::uint64_t instance, std::uint64_t chunk);
    bool holds(std::uint64_t instance, std::uint64_t chunk) const {
        return valid_ && instance_ == instance && chunk_ == chunk;
    }
    void put(const PixelSpan& span, const std::int16_t* values);
    /// Element `index` of plane `channel`; false when no load brought it.
    bool get(std::uint64_t channel, std::uint64_t index, std::int16_t& value) const;

private:
    struct Plane {
        std::uint64_t first = 0;              ///< plane index of values[0]
        std::vector<std::int16_t> values;
        std::vector<std::uint8_t> held;
    };
    bool valid_ = false;
    std::uint64_t instance_ = 0, chunk_ = 0;
    std::vector<Plane> planes_;
};

struct TileBuffers {
    struct WeightBlock {
        std::uint32_t instance = 0, n_tile = 0, k_tile = 0;
        unsigned rows = 0, cols = 0;        ///< of this subarray's block
        std::vector<std::int16_t> values;   ///< rows x cols, row-major
        std::vector<std::int16_t> bias;     ///< cols: the bias of its output channels, where the load carried it (else empty)
    };
    LayerDescriptor layer;
    bool described = false;
    std::vector<WeightBlock> slots;
    // Activation buffer: the vectors of the coming tile.
    std::uint32_t act_instance = 0, act_chunk = 0, act_k_tile = 0;
    unsigned act_vectors = 0, act_rows = 0;
    std::vector<std::int16_t> activations;  ///< act_vectors x act_rows
    PixelStore pixels;                      ///< what the loads brought, before expansion
    // Output buffer.
    unsigned out_vectors = 0, out_cols = 0;
    std::vector<std::int64_t> outputs;      ///< out_vectors x out_cols
    std::vector<std::int16_t> results;      ///< a SIMD share's results, in the order its store writes them
    // The tile this subarray takes part in (set by Compute, used when its cluster computes).
    struct Pending {
        bool valid = false, accumulate = false;
        unsigned vectors = 0, slot = 0;
    } pending;
};

namespace functional {

/// A LoadWeights into `slot` of the `length` bytes it transferred from
/// `offset` (relative to the data base): the subarray's weight block of one
/// tile (hw/isa/weight_layout.h), after its bias where it carries one. False
/// when the transfer is not the load of a block of this subarray's.
bool load_weights(TileBuffers& b, const unsigned char* bytes, std::uint64_t offset, std::uint64_t length, unsigned slot,
                  const BlockPosition& at);
/// The bias the top subarray of a column loaded with the weights of the tile
/// it issued (empty for a k tile after the first, or a layer without bias).
const std::vector<std::int16_t>& column_bias(const TileBuffers& top);
/// A LoadActivations of tile `t` whose transfer brought `bytes`: the
/// elements of `spans`, in order (dma_runs.h). Keeps them and expands the
/// tile's `vectors` activation vectors of this subarray's rows. False when
/// the tile needs an element no load of its chunk brought.
bool load_activations(TileBuffers& b, const LayerDescriptor& d, const ActivationTile& t,
                      const std::vector<PixelSpan>& spans, const unsigned char* bytes, unsigned vectors,
                      const BlockPosition& at);
/// The tile of one logical array, once all its members have issued it:
/// member (r, c) multiplies the activations of member (r, 0) by its weight
/// block, the partial sums add up along each block column into the output
/// buffer of its last member (starting, in a tile's first k tile, from the
/// bias its top member loaded), which requantises after the last k tile.
/// Values saturate to `format` (the chip's activation width).
void compute(const LogicalArray& array, const std::vector<TileBuffers*>& members, const numerics::NumberFormat& format);
/// A SIMD share's load that brought `bytes`: the operands of `spans`, in
/// order (hw/isa/simd_share.h); planes are the layer's inputs.
void load_operands(TileBuffers& b, const std::vector<PixelSpan>& spans, const unsigned char* bytes);
/// The SIMD segment computes this subarray's share of the layer into
/// `results`, from the operands its load brought. False when it needs one
/// the load did not bring, or the layer is none the SIMD segment computes.
bool simd(TileBuffers& b, const numerics::NumberFormat& format);

}  // namespace functional
}  // namespace planaria
