#pragma once
// Loading one compiled DNN into a SoC: how much memory each of its regions
// needs, where they go (bases the SoC chooses, or back to back from one
// base), the bytes to put there, and the tenant the driver starts
// (hw/driver/accelerator_driver.h). Needs only the hw and tlm layers: the
// bundle is the hardware/software contract (hw/bundle/), read from its file.
//
//   const Bundle bundle = read_bundle("resnet50.bundle");
//   const TenantLoader loader(bundle, 8, cfg);
//   const TenantRegions at = loader.place(0x8000'0000);        // back to back
//   for (const MemorySegment& s : loader.image(at, blocks))     // programs, inputs, weights
//       my_memory.load(s.address, s.bytes);
//   driver.start(loader.tenant(1, at));                         // register writes and doorbells
//
// The regions (README "A tenant's memory"): one program per subarray, the
// DATA region (tensors, then the scratch of the layers the chip only times),
// the WEIGHTS region (read only: tenants running the same model may share
// it), and one context area per subarray for preemption.

#include <cstdint>
#include <vector>

#include "hw/bundle/bundle.h"
#include "hw/config/arch_config.h"
#include "hw/driver/accelerator_driver.h"
#include "hw/fission/floorplan.h"

namespace planaria {

/// Where a tenant's regions lie (absolute addresses in the SoC's memory).
struct TenantRegions {
    std::vector<std::uint64_t> programs;  ///< per position of the bundle's programs
    std::uint64_t data = 0, weights = 0;
    std::vector<std::uint64_t> contexts;  ///< per position
};

/// Bytes to place at `address`.
struct MemorySegment {
    std::uint64_t address = 0;
    std::vector<std::uint8_t> bytes;
};

class TenantLoader {
public:
    /// The bundle's programs for `k` subarrays of the chip `cfg`; throws
    /// std::invalid_argument when the bundle has none (compiled for other
    /// counts, or without instruction streams). The bundle must outlive the loader.
    TenantLoader(const Bundle& bundle, unsigned k, const ArchConfig& cfg);

    unsigned subarrays() const { return k_; }
    std::uint64_t program_bytes(unsigned position) const;
    std::uint64_t data_bytes() const;
    std::uint64_t weight_bytes() const;
    /// The largest context a subarray saves when preempted in these programs.
    std::uint64_t context_bytes() const { return context_bytes_; }
    /// All regions back to back, each aligned to `align` bytes (place()).
    std::uint64_t footprint(std::uint64_t align = 4096) const;

    /// Every region back to back from `base`, each aligned to `align`:
    /// programs, data, weights, contexts.
    TenantRegions place(std::uint64_t base, std::uint64_t align = 4096) const;
    /// Throws std::invalid_argument when `at` does not give every position a
    /// program and a context, or two regions overlap.
    void check(const TenantRegions& at) const;

    /// What to put in memory: every program, then `blocks` (model inputs in
    /// DATA, blocked weights in WEIGHTS: hw/bundle/data_layout.h) where
    /// `at` places their regions. Throws std::invalid_argument for a block
    /// beyond its region.
    std::vector<MemorySegment> image(const TenantRegions& at, const std::vector<MemoryBlock>& blocks = {}) const;

    /// The subarrays the programs run on, in the order of their positions:
    /// the region they were compiled for moved by `pod_offset` whole Fission
    /// Pods (hw/fission/fission_configurations.h: job_region).
    std::vector<unsigned> region(unsigned pod_offset = 0) const;

    /// The tenant the driver starts, on `subarrays` (by default region()).
    AcceleratorDriver::Tenant tenant(std::uint32_t id, const TenantRegions& at) const;
    AcceleratorDriver::Tenant tenant(std::uint32_t id, const TenantRegions& at, const std::vector<unsigned>& subarrays) const;

    /// Where input `i` and the output of layer `layer` lie.
    std::uint64_t input_address(const TenantRegions& at, std::size_t i) const;
    std::uint64_t output_address(const TenantRegions& at, std::size_t layer) const;

private:
    const Bundle& bundle_;
    unsigned k_;
    std::vector<std::vector<std::uint8_t>> programs_;  ///< encoded, per position
    Floorplan floorplan_;
    std::uint64_t context_bytes_ = 0;
};

}  // namespace planaria
