#pragma once
// From reconfiguration register state to logical accelerators.
//
// The hardware has no other notion of a logical accelerator than the 6-bit
// state of each subarray and the Pod Memory crossbar selectors; this file is
// the one place that reads them. The register file calls it to refuse a next
// state no hardware could realise, the datapath to know how data flows.
//
// How a switched-on link is used follows from the direction bits of the two
// subarrays it joins (the paper: "the direction of connectivity can be deduced
// from the direction of the subarray"):
//
//  - both direction bits equal: a through link. Along a row (east-west) it
//    carries activations, along a column (north-south) partial sums.
//  - both direction bits differ: a turn. Along a column it carries
//    activations, along a row partial sums.
//  - one bit equal, the other different: a contradiction, refused.
//
// A through link joins facing edges (east edge of the west subarray to the
// west edge of the east one), lane i to lane i. A turn joins two edges on the
// same side, which only omni-directional subarrays can use: activations
// leaving one subarray's east edge enter the other's east edge and flow
// westward (the snake of the paper's 32x512 and 64x256 configurations). Like
// a bent ribbon, a turn mirrors its lanes (lane i arrives as lane width-1-i),
// so the subarray beyond it is mirrored in the other dimension as well: that
// is why both bits flip. A turn takes the east (for partial sums: south)
// edges when both are free, else the west (north) ones; data then flows from
// the subarray whose output edge it is.
//
// The subarrays joined by links must form a rectangular systolic array: every
// activation chain equally long, every partial-sum chain equally long, and
// the two chain systems crossing like a grid. Each such rectangle is one
// cluster of a logical accelerator: its first column reads activations from
// Pod Memory, its last row writes outputs to Pod Memory, through the pod's
// crossbars.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw/fission/floorplan.h"

namespace planaria {

/// Decoded 6-bit reconfiguration state of one subarray.
struct SubarrayState {
    bool activation_westward = false;  ///< activations flow east to west
    bool partial_sum_northward = false;///< partial sums flow south to north
    bool link[regmap::kSides] = {false, false, false, false};

    static SubarrayState decode(std::uint32_t bits);
    std::uint32_t encode() const;
    bool has_link(regmap::Side s) const { return link[static_cast<unsigned>(s)]; }
};

/// The whole chip's reconfiguration state, as the registers hold it.
struct FissionState {
    std::vector<std::uint32_t> subarray;  ///< 6-bit state per subarray
    std::vector<unsigned> selector;       ///< Pod Memory buffer selected by each subarray (slot in its pod)

    /// Reset state: all links off, default directions, identity crossbars:
    /// every subarray its own 1x1 array on its own buffers.
    static FissionState reset(const Floorplan& fp);
};

enum class FissionErrorCode : std::uint8_t {
    None = 0,
    ReservedBits = 1,      ///< a state value uses bits beyond the 6 defined ones
    MissingNeighbour = 2,  ///< a link to a neighbour that does not exist
    OneSidedLink = 3,      ///< a link switched on at one end only
    DirectionConflict = 4, ///< the directions contradict the link
    PortConflict = 5,      ///< two links need the same edge of a subarray
    Cycle = 6,             ///< data would circulate around a ring
    NotRectangular = 7,    ///< linked subarrays do not form a rectangular array
    OutputConflict = 8,    ///< two subarrays write the same Pod Memory output buffer
    BadSelector = 9,       ///< a crossbar selector names a buffer the pod does not have
};

const char* to_string(FissionErrorCode code);

struct FissionError {
    FissionErrorCode code = FissionErrorCode::None;
    unsigned unit = 0;                       ///< subarray (or pod, for selectors) concerned
    regmap::Side side = regmap::Side::North; ///< link side, where relevant
    std::string message;                     ///< one line naming the subarray and the rule
};

enum class LinkRole : std::uint8_t { ActivationThrough, PartialSumThrough, ActivationTurn, PartialSumTurn };

/// A switched-on ring-bus link and what it carries, in the direction of flow.
struct LinkUse {
    unsigned from = 0, to = 0;   ///< upstream and downstream subarray
    regmap::Side from_side{};    ///< side of `from` on which the link lies
    regmap::Side from_edge{};    ///< edge of `from` the data leaves by
    regmap::Side to_edge{};      ///< edge of `to` the data enters by
    LinkRole role{};
    bool inter_pod = false;
    bool carries_activations() const {
        return role == LinkRole::ActivationThrough || role == LinkRole::ActivationTurn;
    }
    bool is_turn() const { return role == LinkRole::ActivationTurn || role == LinkRole::PartialSumTurn; }
};

/// One rectangular systolic array formed from subarrays (a cluster).
struct LogicalArray {
    unsigned block_rows = 1;          ///< subarrays along the partial-sum flow
    unsigned block_cols = 1;          ///< subarrays along the activation flow
    std::vector<unsigned> subarrays;  ///< [r * block_cols + c], logical order
    bool omni_directional = false;    ///< uses at least one turn link
    bool spans_pods = false;          ///< its subarrays belong to more than one pod

    unsigned at(unsigned r, unsigned c) const { return subarrays[r * block_cols + c]; }
};

/// A realisable configuration: the links in use and the logical arrays.
struct FissionTopology {
    std::vector<LinkUse> links;
    std::vector<LogicalArray> arrays;      ///< ordered by lowest subarray index
    std::vector<unsigned> array_of;        ///< logical array of each subarray
};

struct FissionResolution {
    std::optional<FissionError> error;     ///< set when no hardware could realise the state
    FissionTopology topology;              ///< valid only without error
    bool ok() const { return !error.has_value(); }
};

/// Decodes and checks a whole-chip state. Deterministic: the first broken
/// rule in subarray order is reported.
FissionResolution resolve_fission(const Floorplan& fp, const FissionState& state);

}  // namespace planaria
