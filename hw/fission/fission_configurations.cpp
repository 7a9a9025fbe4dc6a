#include "hw/fission/fission_configurations.h"

#include <algorithm>
#include <functional>
#include <set>

namespace planaria {

std::string FissionConfiguration::name(const ArchConfig& cfg) const {
    return std::to_string(pe_rows(cfg)) + "x" + std::to_string(pe_cols(cfg)) + "-" + std::to_string(clusters);
}

namespace {

/// Positions of a rows x cols grid in boustrophedon order.
std::vector<GridPos> snake(unsigned rows, unsigned cols) {
    std::vector<GridPos> order;
    for (unsigned r = 0; r < rows; ++r)
        for (unsigned c = 0; c < cols; ++c) order.push_back({r, r % 2 ? cols - 1 - c : c});
    return order;
}

/// Bounds a placement search by the number of cells it tries, so that large
/// floorplans (64 subarrays and more) stay fast; a search that runs out
/// reports "no placement". Counted in steps, not time: results stay
/// deterministic.
class SearchBudget {
public:
    explicit SearchBudget(std::uint64_t steps) : left_(steps) {}
    bool spend() { return left_ ? (--left_, true) : false; }

private:
    std::uint64_t left_;
};

constexpr std::uint64_t kSearchSteps = 20000;

/// Depth-first search for one cluster: every block_rows x block_cols array on
/// free subarrays that contains the lowest free subarray (so that a search
/// placing several clusters never tries the same division twice) and that the
/// hardware forms exactly when encoded on top of `state`.
class ClusterSearch {
public:
    /// Called for each cluster found with the state that forms it; returning
    /// true ends the search.
    using Visit = std::function<bool(const LogicalArray&, const FissionState&)>;

    /// Without `allow_turns`, activations may only step along grid rows and
    /// partial sums along grid columns (no omni-directional turn links).
    ClusterSearch(const Floorplan& fp, const std::set<unsigned>& free, unsigned br, unsigned bc, bool allow_turns,
                  SearchBudget& budget)
        : fp_(fp), free_(free), br_(br), bc_(bc), allow_turns_(allow_turns), budget_(budget),
          cells_(std::size_t(br) * bc) {}

    bool run(const FissionState& state, const Visit& visit) {
        if (free_.size() < cells_.size()) return false;
        state_ = &state;
        visit_ = &visit;
        lowest_ = *free_.begin();
        for (unsigned origin : free_) {
            cells_[0] = origin;
            if (grow(1)) return true;
        }
        return false;
    }

private:
    /// Fills cell `n` (row-major) of the cluster.
    bool grow(unsigned n) {
        if (!budget_.spend()) return false;
        if (n == cells_.size()) return finish();
        const unsigned r = n / bc_, c = n % bc_;
        const unsigned anchor = c > 0 ? cells_[n - 1] : cells_[n - bc_];
        std::vector<unsigned> options;
        // Downstream sides first: a plain grid is found before wrap-arounds.
        for (regmap::Side side : {regmap::Side::East, regmap::Side::South, regmap::Side::West, regmap::Side::North}) {
            const bool along_row = side == regmap::Side::East || side == regmap::Side::West;
            if (!allow_turns_ && along_row != (c > 0)) continue;
            const auto nb = fp_.neighbour(anchor, side);
            if (!nb || !free_.count(*nb) || std::count(cells_.begin(), cells_.begin() + n, *nb)) continue;
            if (c > 0 && r > 0 && !adjacent(*nb, cells_[n - bc_], !allow_turns_)) continue;
            if (std::find(options.begin(), options.end(), *nb) == options.end()) options.push_back(*nb);
        }
        for (unsigned s : options) {
            cells_[n] = s;
            if (grow(n + 1)) return true;
        }
        return false;
    }

    /// b is a neighbour of a (only north or south of it when `column_only`).
    bool adjacent(unsigned a, unsigned b, bool column_only) const {
        for (regmap::Side side : {regmap::Side::North, regmap::Side::South, regmap::Side::East, regmap::Side::West}) {
            if (column_only && (side == regmap::Side::East || side == regmap::Side::West)) continue;
            if (fp_.neighbour(a, side) == b) return true;
        }
        return false;
    }

    bool finish() {
        if (std::find(cells_.begin(), cells_.end(), lowest_) == cells_.end()) return false;
        LogicalArray cluster;
        cluster.block_rows = br_;
        cluster.block_cols = bc_;
        cluster.subarrays = cells_;
        FissionState next;
        try {
            next = place_array(fp_, cluster, *state_);
        } catch (const PlacementError&) {
            return false;
        }
        return (*visit_)(cluster, next);
    }

    const Floorplan& fp_;
    const std::set<unsigned>& free_;
    unsigned br_, bc_;
    bool allow_turns_;
    SearchBudget& budget_;
    std::vector<unsigned> cells_;
    unsigned lowest_ = 0;
    const FissionState* state_ = nullptr;
    const Visit* visit_ = nullptr;
};

/// Places `clusters` clusters of one shape on exactly the free subarrays.
bool place_clusters(const Floorplan& fp, std::set<unsigned>& free, unsigned br, unsigned bc, bool allow_turns,
                    const FissionState& state, std::vector<LogicalArray>& placed, SearchBudget& budget) {
    if (free.empty()) return true;
    const std::set<unsigned> snapshot = free;
    return ClusterSearch(fp, snapshot, br, bc, allow_turns, budget).run(state, [&](const LogicalArray& c, const FissionState& next) {
        for (unsigned s : c.subarrays) free.erase(s);
        placed.push_back(c);
        if (place_clusters(fp, free, br, bc, allow_turns, next, placed, budget)) return true;
        placed.pop_back();
        for (unsigned s : c.subarrays) free.insert(s);
        return false;
    });
}

}  // namespace

std::vector<unsigned> canonical_region(const Floorplan& fp, unsigned k) {
    std::vector<unsigned> order;
    const GridShape block = fp.pod_block();
    const GridShape pods{fp.grid().rows / block.rows, fp.grid().cols / block.cols};
    for (const GridPos& pod : snake(pods.rows, pods.cols))
        for (const GridPos& slot : snake(block.rows, block.cols))
            order.push_back(fp.subarray_at({pod.row * block.rows + slot.row, pod.col * block.cols + slot.col}));
    order.resize(std::min<std::size_t>(k, order.size()));
    return order;
}

std::vector<unsigned> job_region(const Floorplan& fp, unsigned k, unsigned pod_shift) {
    const GridShape block = fp.pod_block();
    const unsigned pod_cols = fp.grid().cols / block.cols, pod_rows = fp.grid().rows / block.rows;
    const unsigned dr = (pod_shift / pod_cols) % pod_rows * block.rows, dc = pod_shift % pod_cols * block.cols;
    std::vector<unsigned> region;
    for (unsigned s : canonical_region(fp, k)) {
        const GridPos p = fp.position(s);
        region.push_back(fp.subarray_at({(p.row + dr) % fp.grid().rows, (p.col + dc) % fp.grid().cols}));
    }
    return region;
}

const FissionConfiguration* squarest_single_array(const std::vector<FissionConfiguration>& configs) {
    const FissionConfiguration* best = nullptr;
    for (const auto& c : configs)
        if (c.clusters == 1 &&
            (!best || std::max(c.block_rows, c.block_cols) < std::max(best->block_rows, best->block_cols)))
            best = &c;
    return best;
}

std::vector<LogicalArray> find_placement(const Floorplan& fp, const std::vector<unsigned>& region, unsigned br,
                                         unsigned bc, unsigned clusters, const FissionState& base) {
    if (region.size() != std::size_t(br) * bc * clusters) return {};
    // Straight placements first: they need no omni-directional flow.
    for (bool allow_turns : {false, true}) {
        std::set<unsigned> free(region.begin(), region.end());
        std::vector<LogicalArray> placed;
        SearchBudget budget(kSearchSteps);
        if (place_clusters(fp, free, br, bc, allow_turns, base, placed, budget)) return placed;
    }
    return {};
}

std::vector<FissionConfiguration> enumerate_configurations(const Floorplan& fp, const std::vector<unsigned>& region) {
    std::vector<FissionConfiguration> out;
    const unsigned k = unsigned(region.size());
    const FissionState reset = FissionState::reset(fp);
    for (unsigned clusters = 1; clusters <= k; ++clusters) {
        if (k % clusters) continue;
        const unsigned per = k / clusters;
        for (unsigned br = 1; br <= per; ++br) {
            if (per % br) continue;
            FissionConfiguration cfg;
            cfg.block_rows = br;
            cfg.block_cols = per / br;
            cfg.clusters = clusters;
            cfg.placement = find_placement(fp, region, br, per / br, clusters, reset);
            if (cfg.placement.empty()) continue;
            FissionState st = reset;
            for (const auto& c : cfg.placement) st = place_array(fp, c, st);
            for (const auto& a : resolve_fission(fp, st).topology.arrays)
                if (std::find(region.begin(), region.end(), a.subarrays.front()) != region.end())
                    cfg.omni_directional = cfg.omni_directional || a.omni_directional;
            out.push_back(std::move(cfg));
        }
    }
    return out;
}

namespace {

/// Places tenants of the remaining sizes on exactly the free subarrays.
bool place_tenants(const Floorplan& fp, std::set<unsigned>& free, std::vector<unsigned>& remaining,
                   const FissionState& state, std::vector<LogicalArray>& placed, SearchBudget& budget) {
    if (remaining.empty()) return free.empty();
    const std::set<unsigned> snapshot = free;
    for (std::size_t i = 0; i < remaining.size(); ++i) {
        if (i > 0 && remaining[i] == remaining[i - 1]) continue;  // same size, same search
        const unsigned k = remaining[i];
        for (unsigned br = 1; br <= k; ++br) {
            if (k % br) continue;
            const bool found = ClusterSearch(fp, snapshot, br, k / br, true, budget)
                                   .run(state, [&](const LogicalArray& c, const FissionState& next) {
                                       for (unsigned s : c.subarrays) free.erase(s);
                                       remaining.erase(remaining.begin() + std::ptrdiff_t(i));
                                       placed.push_back(c);
                                       if (place_tenants(fp, free, remaining, next, placed, budget)) return true;
                                       placed.pop_back();
                                       remaining.insert(remaining.begin() + std::ptrdiff_t(i), k);
                                       for (unsigned s : c.subarrays) free.insert(s);
                                       return false;
                                   });
            if (found) return true;
        }
    }
    return false;
}

/// All partitions of n into parts no larger than `largest`, largest part first.
void partitions(unsigned n, unsigned largest, std::vector<unsigned>& prefix, std::vector<std::vector<unsigned>>& out) {
    if (n == 0) {
        out.push_back(prefix);
        return;
    }
    for (unsigned part = std::min(n, largest); part >= 1; --part) {
        prefix.push_back(part);
        partitions(n - part, part, prefix, out);
        prefix.pop_back();
    }
}

}  // namespace

std::vector<FissionScenario> enumerate_scenarios(const Floorplan& fp) {
    std::vector<std::vector<unsigned>> all;
    std::vector<unsigned> prefix;
    partitions(fp.subarrays(), fp.subarrays(), prefix, all);
    std::vector<FissionScenario> out;
    const FissionState reset = FissionState::reset(fp);
    for (const auto& sizes : all) {
        std::set<unsigned> free;
        for (unsigned s = 0; s < fp.subarrays(); ++s) free.insert(s);
        std::vector<unsigned> remaining = sizes;
        std::vector<LogicalArray> placed;
        SearchBudget budget(kSearchSteps);
        if (!place_tenants(fp, free, remaining, reset, placed, budget)) continue;
        // arrays[i] serves the tenant of sizes[i] (largest first).
        std::stable_sort(placed.begin(), placed.end(), [](const LogicalArray& a, const LogicalArray& b) {
            return a.subarrays.size() > b.subarrays.size();
        });
        out.push_back({sizes, placed});
    }
    return out;
}

}  // namespace planaria
