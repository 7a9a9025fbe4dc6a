#pragma once
// The bundle file: a compiled DNN for one architecture, written by the
// compiler and read by the scheduler and the testbench.
//
// Layout (all integers little-endian, fixed width):
//   header (32 bytes)
//     8 bytes  magic "PLNRBNDL"
//     u32      format version (kBundleFormatVersion)
//     u32      flags (0; anything else is refused, so later versions can use them)
//     u64      payload length in bytes
//     u64      FNV-1a 64 of the payload bytes
//   payload
//     Bundle: str model_key, str model_name, u64 arch_fingerprint, str arch_name,
//             u64 model_macs, u64 model_params,
//             vec<u64> input offsets, vec<u64> output offsets (per layer),
//             vec<u64> weight offsets (per layer), u64 weight_bytes, u64 tensor_bytes,
//             vec<CompiledForK> per_k
//     CompiledForK: ConfigurationTable table, vec<SubarrayProgram> programs, u64 data_bytes
//     ConfigurationTable: u32 subarrays, vec<LayerEntry> layers
//     LayerEntry: str layer, str configuration, u32 block_rows, u32 block_cols,
//                 u32 clusters, u64 tiles, u64 cycles_per_tile, u64 cycles,
//                 u64 compute_cycles, u64 dram_bytes, u64 compulsory_bytes, u64 macs,
//                 12 x f64 energy (pJ) by component, in EnergyBreakdown::components() order
//     SubarrayProgram: u32 subarray, vec<16-byte Instruction encoding> instructions
//   where str = u32 length + bytes, vec = u32 count + elements,
//   f64 = the IEEE-754 bit pattern as a u64.
//
// Reading never trusts the file: every length and count is checked against
// the bytes that remain, so a damaged file is reported, never a crash.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw/bundle/bundle.h"

namespace planaria {

constexpr std::uint32_t kBundleFormatVersion = 5;  // 3: compulsory bytes per layer; 4: energy by component; 5: memory map
constexpr unsigned kBundleHeaderBytes = 32;

/// A file that is not a readable bundle (or not one for this architecture);
/// what() is one line: "<source>: <problem>".
class BundleError : public std::runtime_error {
public:
    BundleError(std::string source, std::string problem);
    const std::string& source() const { return source_; }
    const std::string& problem() const { return problem_; }

private:
    std::string source_, problem_;
};

/// The file's bytes; deterministic (the same Bundle gives the same bytes).
/// Throws std::invalid_argument for a bundle that could not be read back
/// (an invalid opcode, a string or vector too long for a u32 count).
std::vector<std::uint8_t> serialize(const Bundle& bundle);

/// Throws BundleError naming `source` for anything but a well-formed bundle.
Bundle deserialize(const std::vector<std::uint8_t>& bytes, const std::string& source);

/// Throws BundleError naming `path` if the file cannot be written.
void write_bundle(const Bundle& bundle, const std::string& path);

/// Throws BundleError naming `path`.
Bundle read_bundle(const std::string& path);

/// Also refuses a bundle compiled for another architecture than the one with
/// `expected_arch_fingerprint` (see arch_fingerprint()).
Bundle read_bundle(const std::string& path, std::uint64_t expected_arch_fingerprint);

/// What a bundle holds, for a person: format version, architecture name and
/// fingerprint, model, and per subarray count the table (layers, tiles,
/// cycles) and the instruction streams (subarrays, instructions, bytes).
std::string bundle_summary(const Bundle& bundle);

/// FNV-1a 64 of the fully expanded architecture YAML (planaria::to_yaml(cfg)),
/// so any difference in any key, defaults included, makes a different fingerprint.
std::uint64_t arch_fingerprint(const std::string& expanded_arch_yaml);

}  // namespace planaria
