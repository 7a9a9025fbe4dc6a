#pragma once
// What the DMA engine's address generators produce (hw/sequencer/dma_runs.h,
// hw/isa/simd_share.h): the elements a transfer carries, by tensor plane,
// and the runs of consecutive addresses they lie at, in the order the bytes
// travel. Part of the contract: the compiler counts the same bytes into the
// transfers it writes.

#include <cstdint>
#include <vector>

namespace planaria {

struct DmaRun {
    std::uint64_t offset = 0;  ///< relative to the data base
    std::uint64_t bytes = 0;
};

/// `count` consecutive elements of one plane, from element `first` of the
/// plane: of a GEMM layer, a channel plane of the input tensor (a flattened
/// FC input is one plane); of a SIMD layer, input `channel` flattened.
struct PixelSpan {
    std::uint64_t channel = 0;  ///< the activation buffer's plane
    std::uint64_t first = 0, count = 0;
};

/// The bytes `runs` move in all.
inline std::uint64_t run_bytes(const std::vector<DmaRun>& runs) {
    std::uint64_t bytes = 0;
    for (const DmaRun& r : runs) bytes += r.bytes;
    return bytes;
}

/// Appends `bytes` at `offset` to `runs`, as part of the last run where they follow it.
inline void add_run(std::vector<DmaRun>& runs, std::uint64_t offset, std::uint64_t bytes) {
    if (!runs.empty() && runs.back().offset + runs.back().bytes == offset) runs.back().bytes += bytes;
    else runs.push_back({offset, bytes});
}

}  // namespace planaria
