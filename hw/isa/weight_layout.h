#pragma once
// How a GEMM layer's weights lie in off-chip memory: the compiler lays them
// out this way (and the loader writes them so), the sequencers' DMA reads
// them, so that every LoadWeights is one contiguous transfer of exactly the
// bytes a subarray's PEs latch.
//
// Per GEMM instance, per column block (output channels n0 .. n0 + cols of a
// subarray's width): the block's bias, one int16 per output channel (only
// for a layer with a bias), then its row blocks (reduction rows of a
// subarray's height) from the top, each rows x cols int16, row-major. A
// logical array of any shape is made of whole subarrays, so its tiles cut
// the matrix along these blocks: the layout does not depend on the fission
// configuration, and one copy of the weights serves every subarray count.
// The top block row's first k tile reads the column block's bias with its
// weights (it starts the accumulators of that column).

#include <cstdint>
#include <optional>

namespace planaria {

class WeightLayout {
public:
    /// K x N per instance; `rows` x `cols`: a subarray's PEs.
    WeightLayout(std::uint64_t k, std::uint64_t n, std::uint64_t instances, unsigned rows, unsigned cols, bool bias);

    std::uint64_t bytes() const;
    /// Offset of the block whose first element is (k0, n0) of `instance` (k0, n0 multiples of rows, cols).
    std::uint64_t block(std::uint64_t instance, std::uint64_t k0, std::uint64_t n0) const;
    /// Offset of the bias of the column block starting at n0 (just before its first row block).
    std::uint64_t bias(std::uint64_t instance, std::uint64_t n0) const;
    /// Extent of the block at (k0, n0).
    std::uint64_t block_rows(std::uint64_t k0) const { return k0 >= k_ ? 0 : k0 + rows_ <= k_ ? rows_ : k_ - k0; }
    std::uint64_t block_cols(std::uint64_t n0) const { return n0 >= n_ ? 0 : n0 + cols_ <= n_ ? cols_ : n_ - n0; }
    /// What a LoadWeights of the block at (k0, n0) transfers: where it starts
    /// and how many bytes (the bias first, for a top block of a layer with one).
    struct Load {
        std::uint64_t offset = 0, bytes = 0;
    };
    Load load(std::uint64_t instance, std::uint64_t k0, std::uint64_t n0) const;

    /// The block a transfer of `bytes` at `offset` reads, if it is exactly one block's load.
    struct Located {
        std::uint64_t instance = 0, k0 = 0, n0 = 0, rows = 0, cols = 0;
        bool with_bias = false;
    };
    std::optional<Located> locate(std::uint64_t offset, std::uint64_t bytes) const;

private:
    std::uint64_t instance_bytes() const { return (k_ + (bias_ ? 1 : 0)) * n_ * kValue; }
    static constexpr std::uint64_t kValue = 2;  // int16
    std::uint64_t k_, n_, instances_;
    unsigned rows_, cols_;
    bool bias_;
};

}  // namespace planaria
