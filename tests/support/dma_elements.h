#pragma once
// The int16 elements DMA runs cover, as byte offsets in transfer order: the
// form the address-generator tests compare with elements listed one by one.
#include <cstdint>
#include <vector>

#include "hw/isa/dma_run.h"

namespace planaria::test {

inline std::vector<std::uint64_t> flatten(const std::vector<DmaRun>& runs) {
    std::vector<std::uint64_t> bytes;
    for (const DmaRun& r : runs)
        for (std::uint64_t b = 0; b < r.bytes; b += 2) bytes.push_back(r.offset + b);
    return bytes;
}

}  // namespace planaria::test
