#include "hw/fission/floorplan.h"

#include <cstdlib>

namespace planaria {

Floorplan::Floorplan(const ArchConfig& cfg)
    : subarrays_(cfg.subarray.count),
      pods_(cfg.pod.count),
      per_pod_(cfg.subarrays_per_pod()),
      selector_bits_(0),
      grid_(cfg.subarray.grid),
      pod_grid_(cfg.pod.grid),
      block_(cfg.pod_subarray_grid()) {
    while ((1u << selector_bits_) < per_pod_) ++selector_bits_;
}

GridPos Floorplan::position(unsigned subarray) const {
    const unsigned pod = pod_of(subarray), slot = slot_of(subarray);
    const unsigned pod_row = pod / pod_grid_.cols, pod_col = pod % pod_grid_.cols;
    const unsigned slot_row = slot / block_.cols, slot_col = slot % block_.cols;
    return {pod_row * block_.rows + slot_row, pod_col * block_.cols + slot_col};
}

unsigned Floorplan::subarray_at(GridPos pos) const {
    const unsigned pod = (pos.row / block_.rows) * pod_grid_.cols + pos.col / block_.cols;
    const unsigned slot = (pos.row % block_.rows) * block_.cols + pos.col % block_.cols;
    return subarray_of(pod, slot);
}

namespace {
/// Step along one ring of `length` subarrays; nullopt where no link exists.
std::optional<unsigned> ring_step(unsigned at, int delta, unsigned length) {
    const int next = int(at) + delta;
    if (next >= 0 && next < int(length)) return unsigned(next);
    if (length >= 3) return unsigned((next + int(length)) % int(length));  // wrap-around link
    return std::nullopt;
}
}  // namespace

std::optional<unsigned> Floorplan::neighbour(unsigned subarray, regmap::Side side) const {
    GridPos p = position(subarray);
    std::optional<unsigned> step;
    switch (side) {
        case regmap::Side::North: step = ring_step(p.row, -1, grid_.rows); if (step) p.row = *step; break;
        case regmap::Side::South: step = ring_step(p.row, +1, grid_.rows); if (step) p.row = *step; break;
        case regmap::Side::West: step = ring_step(p.col, -1, grid_.cols); if (step) p.col = *step; break;
        case regmap::Side::East: step = ring_step(p.col, +1, grid_.cols); if (step) p.col = *step; break;
    }
    if (!step) return std::nullopt;
    return subarray_at(p);
}

bool Floorplan::is_inter_pod(unsigned subarray, regmap::Side side) const {
    const auto n = neighbour(subarray, side);
    return n && pod_of(*n) != pod_of(subarray);
}

unsigned Floorplan::pod_hops(unsigned a, unsigned b) const {
    const int ra = int(a / pod_grid_.cols), ca = int(a % pod_grid_.cols);
    const int rb = int(b / pod_grid_.cols), cb = int(b % pod_grid_.cols);
    return unsigned(std::abs(ra - rb) + std::abs(ca - cb));
}

std::vector<std::pair<unsigned, unsigned>> Floorplan::pod_route(unsigned from, unsigned to) const {
    std::vector<std::pair<unsigned, unsigned>> links;
    unsigned at = from;
    const unsigned cols = pod_grid_.cols;
    while (at % cols != to % cols) {
        const unsigned next = at % cols < to % cols ? at + 1 : at - 1;
        links.emplace_back(at, next);
        at = next;
    }
    while (at / cols != to / cols) {
        const unsigned next = at / cols < to / cols ? at + cols : at - cols;
        links.emplace_back(at, next);
        at = next;
    }
    return links;
}

std::vector<std::pair<unsigned, unsigned>> Floorplan::inter_pod_links() const {
    std::vector<std::pair<unsigned, unsigned>> links;
    for (unsigned a = 0; a < pods_; ++a)
        for (unsigned b = 0; b < pods_; ++b)
            if (pod_hops(a, b) == 1) links.emplace_back(a, b);
    return links;
}

}  // namespace planaria
