#include "hw/fission/fission_encoder.h"

#include <algorithm>
#include <optional>

namespace planaria {

using regmap::Side;

namespace {

std::string sub(unsigned i) { return "subarray " + std::to_string(i); }

std::optional<Side> side_towards(const Floorplan& fp, unsigned from, unsigned to) {
    for (unsigned k = 0; k < regmap::kSides; ++k)
        if (fp.neighbour(from, Side(k)) == to) return Side(k);
    return std::nullopt;
}

bool is_row_side(Side s) { return s == Side::East || s == Side::West; }

/// One direction bit per subarray of the array. Straight steps fix it; links
/// relate the bits of the two subarrays they join: equal across a through
/// link, different across a turn.
class DirectionSolver {
public:
    explicit DirectionSolver(std::size_t n) : bit_(n) {}

    void fix(std::size_t i, bool value, const std::string& why) {
        if (bit_[i] && *bit_[i] != value) throw PlacementError(why);
        bit_[i] = value;
    }
    void relate(std::size_t a, std::size_t b, bool differ, std::string why) {
        relations_.push_back({a, b, differ, std::move(why)});
    }
    bool value(std::size_t i) const { return bit_[i].value_or(false); }

    /// Propagates along the relations until nothing changes; a group of
    /// subarrays still free starts at 0 (west to east, north to south).
    void solve() {
        for (;;) {
            bool changed = false;
            for (const auto& t : relations_) {
                if (bit_[t.a] && !bit_[t.b]) { fix(t.b, *bit_[t.a] != t.differ, t.why); changed = true; }
                else if (bit_[t.b] && !bit_[t.a]) { fix(t.a, *bit_[t.b] != t.differ, t.why); changed = true; }
                else if (bit_[t.a] && (*bit_[t.a] != *bit_[t.b]) != t.differ) throw PlacementError(t.why);
            }
            if (changed) continue;
            const auto free = std::find_if(relations_.begin(), relations_.end(),
                                           [&](const Relation& t) { return !bit_[t.a] && !bit_[t.b]; });
            if (free == relations_.end()) return;
            fix(free->a, false, free->why);
        }
    }

private:
    struct Relation { std::size_t a, b; bool differ; std::string why; };
    std::vector<std::optional<bool>> bit_;
    std::vector<Relation> relations_;
};

}  // namespace

void encode_array(const Floorplan& fp, const LogicalArray& p, FissionState& state) {
    const unsigned rows = p.block_rows, cols = p.block_cols;
    if (rows == 0 || cols == 0 || p.subarrays.size() != std::size_t(rows) * cols)
        throw PlacementError("placement: " + std::to_string(p.subarrays.size()) + " subarrays do not fill a " +
                             std::to_string(rows) + "x" + std::to_string(cols) + " grid");
    for (unsigned s : p.subarrays)
        if (s >= fp.subarrays()) throw PlacementError("placement: no " + sub(s) + " on this chip");
    {
        std::vector<unsigned> sorted = p.subarrays;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
            throw PlacementError("placement: a subarray appears twice");
    }

    // The physical side of every logical step.
    auto step = [&](unsigned a, unsigned b) {
        const auto side = side_towards(fp, a, b);
        if (!side) throw PlacementError("placement: " + sub(a) + " and " + sub(b) +
                                        " are logically adjacent but not ring-bus neighbours");
        return *side;
    };
    const auto idx = [&](unsigned r, unsigned c) { return r * cols + c; };

    // Activation direction from the steps along each row of the array (a
    // step along a physical column is a turn); partial sums alike with rows
    // and columns exchanged.
    DirectionSolver act(p.subarrays.size()), ps(p.subarrays.size());
    for (unsigned r = 0; r < rows; ++r)
        for (unsigned c = 0; c + 1 < cols; ++c) {
            const unsigned a = idx(r, c), b = idx(r, c + 1);
            const Side s = step(p.at(r, c), p.at(r, c + 1));
            const std::string why = "placement: the activation link between " + sub(p.at(r, c)) + " and " +
                                    sub(p.at(r, c + 1)) + " cannot be encoded";
            const bool turn = !is_row_side(s);  // a turn flips both direction bits
            act.relate(a, b, turn, why);
            ps.relate(a, b, turn, why);
            if (!turn) act.fix(a, s == Side::West, why);
        }
    for (unsigned c = 0; c < cols; ++c)
        for (unsigned r = 0; r + 1 < rows; ++r) {
            const unsigned a = idx(r, c), b = idx(r + 1, c);
            const Side s = step(p.at(r, c), p.at(r + 1, c));
            const std::string why = "placement: the partial-sum link between " + sub(p.at(r, c)) + " and " +
                                    sub(p.at(r + 1, c)) + " cannot be encoded";
            const bool turn = is_row_side(s);
            act.relate(a, b, turn, why);
            ps.relate(a, b, turn, why);
            if (!turn) ps.fix(a, s == Side::North, why);
        }
    act.solve();
    ps.solve();

    // Clear the placed subarrays (and links pointing at them), then write.
    for (unsigned s : p.subarrays) {
        for (unsigned k = 0; k < regmap::kSides; ++k) {
            const auto n = fp.neighbour(s, Side(k));
            if (n) state.subarray[*n] &= ~regmap::link_bit(regmap::opposite(Side(k)));
        }
        state.subarray[s] = 0;
        state.selector[s] = fp.slot_of(s);
    }
    for (unsigned i = 0; i < p.subarrays.size(); ++i) {
        SubarrayState st;
        st.activation_westward = act.value(i);
        st.partial_sum_northward = ps.value(i);
        state.subarray[p.subarrays[i]] = st.encode();
    }
    auto link = [&](unsigned a, unsigned b) {
        const Side s = step(a, b);
        state.subarray[a] |= regmap::link_bit(s);
        state.subarray[b] |= regmap::link_bit(regmap::opposite(s));
    };
    for (unsigned r = 0; r < rows; ++r)
        for (unsigned c = 0; c < cols; ++c) {
            if (c + 1 < cols) link(p.at(r, c), p.at(r, c + 1));
            if (r + 1 < rows) link(p.at(r, c), p.at(r + 1, c));
        }
}

FissionState place_array(const Floorplan& fp, const LogicalArray& placement, const FissionState& state) {
    FissionState next = state;
    encode_array(fp, placement, next);
    const FissionResolution r = resolve_fission(fp, next);
    if (!r.ok()) throw PlacementError("placement: the encoded state is refused: " + r.error->message);
    const auto& arrays = r.topology.arrays;
    const auto it = std::find_if(arrays.begin(), arrays.end(), [&](const LogicalArray& a) {
        return a.block_rows == placement.block_rows && a.block_cols == placement.block_cols &&
               a.subarrays == placement.subarrays;
    });
    if (it == arrays.end())
        throw PlacementError("placement: the hardware would form a different array from these subarrays");
    return next;
}

}  // namespace planaria
