#pragma once
// Where the subarrays and Fission Pods sit, and which subarrays are
// neighbours on the ring buses.
//
// Subarrays form a grid (4x4 on Planaria). Each Fission Pod owns a rectangular
// block of it (2x2). Every row and every column of the grid is one
// bi-directional ring (the activation and partial-sum ring buses run side by
// side), so a subarray has up to four neighbours, some in other pods
// (inter-pod links). A ring of three or more subarrays closes on itself
// (the wrap-around link); a "ring" of two is a single link and a ring of one
// has none. Numbering is pod-major: subarray i is slot i % n of pod i / n,
// slots row-major inside the pod's block, pods row-major on the pod grid.

#include <optional>
#include <utility>
#include <vector>

#include "hw/config/arch_config.h"
#include "tlm/register_map.h"

namespace planaria {

struct GridPos {
    unsigned row = 0;
    unsigned col = 0;
    bool operator==(const GridPos& o) const { return row == o.row && col == o.col; }
};

class Floorplan {
public:
    explicit Floorplan(const ArchConfig& cfg);

    unsigned subarrays() const { return subarrays_; }
    unsigned pods() const { return pods_; }
    unsigned subarrays_per_pod() const { return per_pod_; }
    GridShape grid() const { return grid_; }
    GridShape pod_block() const { return block_; }

    GridPos position(unsigned subarray) const;
    unsigned subarray_at(GridPos pos) const;
    unsigned pod_of(unsigned subarray) const { return subarray / per_pod_; }
    unsigned slot_of(unsigned subarray) const { return subarray % per_pod_; }
    unsigned subarray_of(unsigned pod, unsigned slot) const { return pod * per_pod_ + slot; }

    /// The neighbour on the given side, if the ring bus has a link there.
    std::optional<unsigned> neighbour(unsigned subarray, regmap::Side side) const;
    /// True when the link on that side joins two different Fission Pods.
    bool is_inter_pod(unsigned subarray, regmap::Side side) const;

    /// The pods on their grid: the direct inter-pod links join neighbours.
    GridShape pod_grid() const { return pod_grid_; }
    /// Inter-pod hops between two pods (Manhattan distance on the pod grid).
    unsigned pod_hops(unsigned a, unsigned b) const;
    /// The directed inter-pod links a transfer from `from` to `to` crosses:
    /// along the pod row first, then along the column.
    std::vector<std::pair<unsigned, unsigned>> pod_route(unsigned from, unsigned to) const;
    /// Every directed inter-pod link (a, b) of neighbouring pods, ordered by a, then b.
    std::vector<std::pair<unsigned, unsigned>> inter_pod_links() const;

    /// Bits of one Pod Memory crossbar selector (ceil(log2(subarrays per pod))).
    unsigned selector_bits() const { return selector_bits_; }

private:
    unsigned subarrays_, pods_, per_pod_, selector_bits_;
    GridShape grid_, pod_grid_, block_;
};

}  // namespace planaria
