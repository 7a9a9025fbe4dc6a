#pragma once
// The derived figures of an architecture, as a person reads them.

#include <string>

#include "hw/config/arch_config.h"

namespace planaria {

/// "16384" -> "16,384".
std::string with_thousands(std::uint64_t value);

/// A short table: PEs, peak MAC/s, on-chip bytes, off-chip bandwidth, clock.
std::string arch_summary(const ArchConfig& cfg);

}  // namespace planaria
