#include "hw/accelerator/tile_on_datapath.h"

#include <algorithm>

namespace planaria {

namespace {

/// `values` (rows x cols, row-major) cut or padded with zeros to want_rows x want_cols.
template <class T, class U>
std::vector<T> fitted(const std::vector<U>& values, unsigned rows, unsigned cols, unsigned want_rows,
                      unsigned want_cols) {
    std::vector<T> out(std::size_t(want_rows) * want_cols, T(0));
    for (unsigned i = 0; i < std::min(rows, want_rows); ++i)
        for (unsigned j = 0; j < std::min(cols, want_cols); ++j)
            out[std::size_t(i) * want_cols + j] = T(values[std::size_t(i) * cols + j]);
    return out;
}

}  // namespace

std::uint64_t run_on_datapath(SystolicDatapath& datapath, const LogicalArray& array,
                              const std::vector<TileIssue>& issued, const std::vector<TileBuffers*>& members) {
    if (issued.size() != array.subarrays.size()) throw DatapathError("a tile issue per member expected");
    const TileIssue& tile = issued.front();
    for (std::size_t i = 1; i < issued.size(); ++i)
        if (issued[i].shape.vectors != tile.shape.vectors || issued[i].shape.rows != tile.shape.rows ||
            issued[i].shape.cols != tile.shape.cols || issued[i].accumulate != tile.accumulate ||
            issued[i].simd != tile.simd)
            throw DatapathError("subarray " + std::to_string(array.subarrays[i]) + " issued another tile than subarray " +
                                std::to_string(array.subarrays.front()));
    const ArchConfig& cfg = datapath.config();
    const unsigned rows = cfg.subarray.rows, cols = cfg.subarray.cols;
    const unsigned BR = array.block_rows, BC = array.block_cols;
    const unsigned M = tile.shape.vectors, K = tile.shape.rows, N = tile.shape.cols;
    const numerics::NumberFormat format{cfg.data.activation_bits};
    TileCommand cmd;
    for (const TileIssue& i : issued) cmd.weight_slots.push_back(i.slot);
    cmd.shape = tile.shape;
    cmd.accumulate = tile.accumulate;
    if (tile.simd) cmd.simd = {SimdOp::Requantize, numerics::kFractionBits, {0, 0, 0, 0}};

    const bool functional = !members.empty();
    bool last_k_tile = false;
    if (functional) {
        if (members.size() != array.subarrays.size()) throw DatapathError("staging: a TileBuffers per member expected");
        // The top-left subarray always holds weights of the tile (rows below
        // may hold none where the reduction is short): its block says which k tile this is.
        const TileBuffers& first = *members[0];
        const unsigned first_slot = issued[0].slot;
        if (!first.described || first_slot >= first.slots.size())
            throw DatapathError("staging: no weights in slot " + std::to_string(first_slot) + " of subarray " +
                                std::to_string(array.at(0, 0)));
        last_k_tile = first.slots[first_slot].k_tile + 1 == first.layer.k_tiles;
        if (tile.simd && !last_k_tile)
            throw DatapathError("the SIMD segment is asked to requantise before the layer's last k tile");
        if (tile.simd) std::copy(std::begin(first.layer.fused), std::end(first.layer.fused), cmd.simd.fused);
        for (unsigned r = 0; r < BR; ++r)
            for (unsigned c = 0; c < BC; ++c) {
                const std::size_t i = std::size_t(r) * BC + c;
                const TileBuffers& b = *members[i];
                const unsigned slot = issued[i].slot;
                const unsigned want_rows = block_extent(K, r, rows), want_cols = block_extent(N, c, cols);
                if (!want_rows || !want_cols) continue;  // a block the tile leaves empty
                if (slot >= b.slots.size())
                    throw DatapathError("staging: no weights in slot " + std::to_string(slot) + " of subarray " +
                                        std::to_string(array.at(r, c)));
                const TileBuffers::WeightBlock& w = b.slots[slot];
                const std::vector<Weight> block = fitted<Weight>(w.values, w.rows, w.cols, want_rows, want_cols);
                datapath.write_weight_block(array.at(r, c), slot, block.data(), want_rows, want_cols);
            }
        for (unsigned r = 0; r < BR; ++r) {
            const unsigned want_rows = block_extent(K, r, rows);
            if (!want_rows) continue;
            const TileBuffers& feeder = *members[std::size_t(r) * BC];
            const std::vector<Activation> a =
                fitted<Activation>(feeder.activations, feeder.act_vectors, feeder.act_rows, M, want_rows);
            datapath.write_activation_block(array, r, 0, a.data(), M, want_rows);
        }
        for (unsigned c = 0; c < BC; ++c) {
            const unsigned want_cols = block_extent(N, c, cols);
            if (!want_cols) continue;
            const std::size_t e = std::size_t(BR - 1) * BC + c;
            const TileBuffers& exit_c = *members[e];
            std::vector<Accumulator> start;
            if (tile.accumulate) {
                // The partial sums of the k tiles before (restored after a preemption, too).
                start = fitted<Accumulator>(exit_c.outputs, exit_c.out_vectors, exit_c.out_cols, M, want_cols);
            } else {
                // A new output tile: the accumulators start at the bias, at accumulator
                // scale, which the column's top subarray loaded with its weights.
                start.assign(std::size_t(M) * want_cols, 0);
                const TileBuffers& top = *members[c];
                if (issued[c].slot >= top.slots.size())
                    throw DatapathError("staging: no weights in slot " + std::to_string(issued[c].slot) +
                                        " of subarray " + std::to_string(array.at(0, c)));
                const std::vector<std::int16_t>& bias = top.slots[issued[c].slot].bias;
                for (unsigned v = 0; v < M; ++v)
                    for (unsigned j = 0; j < std::min<std::size_t>(want_cols, bias.size()); ++j)
                        start[std::size_t(v) * want_cols + j] = Accumulator(bias[j]) * numerics::kOne;
            }
            datapath.write_output_block(array, c, 0, start.data(), M, want_cols);
        }
        cmd.accumulate = true;  // onto the partial sums or the bias
    }

    const TileRun run = datapath.compute_tile(array, cmd);

    if (functional) {
        for (unsigned c = 0; c < BC; ++c) {
            const unsigned want_cols = block_extent(N, c, cols);
            TileBuffers& exit_c = *members[std::size_t(BR - 1) * BC + c];
            exit_c.out_vectors = M;
            exit_c.out_cols = want_cols;
            exit_c.outputs.assign(std::size_t(M) * want_cols, 0);
            if (!want_cols) continue;
            datapath.read_output_block(array, c, 0, exit_c.outputs.data(), M, want_cols);
            if (last_k_tile && !tile.simd)
                for (auto& v : exit_c.outputs) v = format.write_back(v, exit_c.layer.fused);
        }
        for (TileBuffers* b : members) b->pending.valid = false;
    }
    return run.cycles;
}

}  // namespace planaria
