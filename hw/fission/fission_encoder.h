#pragma once
// The inverse of resolve_fission(): the register state that forms a wanted
// logical array on given physical subarrays. The host scheduler and the tests
// use it to program the reconfiguration registers.

#include <stdexcept>

#include "hw/fission/fission_topology.h"

namespace planaria {

class PlacementError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Sets directions and links of the subarrays of `placement` (block_rows,
/// block_cols and the subarrays in logical order; the flags are ignored) in
/// `state`, and resets their Pod Memory selectors to their own buffers.
/// Other subarrays are left as they are; links towards them are switched off.
/// Throws PlacementError naming the subarrays when two logically adjacent
/// subarrays are not ring-bus neighbours, or when the flow cannot be encoded.
void encode_array(const Floorplan& fp, const LogicalArray& placement, FissionState& state);

/// Encodes `placement` into a copy of `state`, resolves the result and checks
/// that the hardware forms exactly that array. Returns the new state.
FissionState place_array(const Floorplan& fp, const LogicalArray& placement, const FissionState& state);

}  // namespace planaria
