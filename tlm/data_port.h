#pragma once
// Untimed access to memory for data that a model moves functionally while
// its timing is carried by separate timed transactions (the tile-level
// model's functional mode).

#include <cstdint>

namespace planaria {

class DataPort {
public:
    virtual ~DataPort() = default;
    /// False when the memory refused the access (address error, no such memory).
    virtual bool read(std::uint64_t address, void* data, std::uint64_t bytes) = 0;
    virtual bool write(std::uint64_t address, const void* data, std::uint64_t bytes) = 0;
};

}  // namespace planaria
