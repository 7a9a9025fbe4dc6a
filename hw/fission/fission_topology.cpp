#include "hw/fission/fission_topology.h"

#include <algorithm>
#include <numeric>
#include <sstream>

namespace planaria {

using regmap::Side;

SubarrayState SubarrayState::decode(std::uint32_t bits) {
    SubarrayState s;
    s.activation_westward = bits & regmap::kActivationWestward;
    s.partial_sum_northward = bits & regmap::kPartialSumNorthward;
    for (unsigned i = 0; i < regmap::kSides; ++i) s.link[i] = bits & regmap::link_bit(Side(i));
    return s;
}

std::uint32_t SubarrayState::encode() const {
    std::uint32_t bits = (activation_westward ? regmap::kActivationWestward : 0) |
                         (partial_sum_northward ? regmap::kPartialSumNorthward : 0);
    for (unsigned i = 0; i < regmap::kSides; ++i)
        if (link[i]) bits |= regmap::link_bit(Side(i));
    return bits;
}

FissionState FissionState::reset(const Floorplan& fp) {
    FissionState s;
    s.subarray.assign(fp.subarrays(), 0);
    s.selector.resize(fp.subarrays());
    for (unsigned i = 0; i < fp.subarrays(); ++i) s.selector[i] = fp.slot_of(i);
    return s;
}

const char* to_string(FissionErrorCode code) {
    switch (code) {
        case FissionErrorCode::None: return "none";
        case FissionErrorCode::ReservedBits: return "reserved bits set";
        case FissionErrorCode::MissingNeighbour: return "link to a missing neighbour";
        case FissionErrorCode::OneSidedLink: return "one-sided link";
        case FissionErrorCode::DirectionConflict: return "directions contradict the link";
        case FissionErrorCode::PortConflict: return "edge used twice";
        case FissionErrorCode::Cycle: return "data would circulate";
        case FissionErrorCode::NotRectangular: return "not a rectangular array";
        case FissionErrorCode::OutputConflict: return "output buffer written twice";
        case FissionErrorCode::BadSelector: return "crossbar selector out of range";
    }
    return "unknown";
}

namespace {

constexpr int kNone = -1;

/// The edges of one subarray in flow terms, given its direction bits.
struct Edges {
    Side act_in, act_out, ps_in, ps_out;
    explicit Edges(const SubarrayState& s)
        : act_in(s.activation_westward ? Side::East : Side::West),
          act_out(s.activation_westward ? Side::West : Side::East),
          ps_in(s.partial_sum_northward ? Side::South : Side::North),
          ps_out(s.partial_sum_northward ? Side::North : Side::South) {}
};

class Resolver {
public:
    Resolver(const Floorplan& fp, const FissionState& st)
        : fp_(fp), n_(fp.subarrays()), edge_used_(n_ * regmap::kSides, 0),
          act_next_(n_, kNone), act_prev_(n_, kNone), ps_next_(n_, kNone), ps_prev_(n_, kNone) {
        state_.reserve(n_);
        for (unsigned i = 0; i < n_; ++i) state_.push_back(SubarrayState::decode(st.subarray[i]));
        raw_ = st.subarray;
        selector_ = st.selector;
    }

    FissionResolution run() {
        FissionResolution r;
        if (!check_encoding() || !check_links() || !classify_through_links() ||
            !classify_turns() || !form_arrays() || !check_crossbars()) {
            r.error = error_;
            return r;
        }
        r.topology = std::move(topo_);
        return r;
    }

private:
    bool fail(FissionErrorCode code, unsigned unit, Side side, const std::string& what) {
        std::ostringstream os;
        os << what;
        error_ = FissionError{code, unit, side, os.str()};
        return false;
    }
    static std::string sub(unsigned i) { return "subarray " + std::to_string(i); }

    bool check_encoding() {
        for (unsigned i = 0; i < n_; ++i)
            if (raw_[i] & ~regmap::kSubarrayStateMask)
                return fail(FissionErrorCode::ReservedBits, i, Side::North,
                            sub(i) + ": state uses bits beyond the 6 defined ones");
        return true;
    }

    bool check_links() {
        for (unsigned i = 0; i < n_; ++i) {
            for (unsigned k = 0; k < regmap::kSides; ++k) {
                const Side side = Side(k);
                if (!state_[i].has_link(side)) continue;
                const auto other = fp_.neighbour(i, side);
                if (!other)
                    return fail(FissionErrorCode::MissingNeighbour, i, side,
                                sub(i) + ": link " + regmap::side_name(side) +
                                    " switched on, but there is no neighbour on that side");
                if (!state_[*other].has_link(regmap::opposite(side)))
                    return fail(FissionErrorCode::OneSidedLink, i, side,
                                sub(i) + ": link " + regmap::side_name(side) + " to " + sub(*other) +
                                    " is on, but " + sub(*other) + " has its " +
                                    regmap::side_name(regmap::opposite(side)) + " link off");
            }
        }
        return true;
    }

    std::uint8_t& used(unsigned s, Side e) { return edge_used_[s * regmap::kSides + unsigned(e)]; }

    /// Visits every switched-on link once, from its west or north end.
    template <class F>
    bool for_each_link(F&& f) {
        for (unsigned i = 0; i < n_; ++i)
            for (Side side : {Side::East, Side::South})
                if (state_[i].has_link(side))
                    if (!f(i, side, *fp_.neighbour(i, side))) return false;
        return true;
    }

    void connect(unsigned from, Side from_side, unsigned to, Side from_edge, Side to_edge, LinkRole role) {
        used(from, from_edge) = true;
        used(to, to_edge) = true;
        const bool act = role == LinkRole::ActivationThrough || role == LinkRole::ActivationTurn;
        (act ? act_next_ : ps_next_)[from] = int(to);
        (act ? act_prev_ : ps_prev_)[to] = int(from);
        topo_.links.push_back({from, to, from_side, from_edge, to_edge, role, fp_.is_inter_pod(from, from_side)});
    }

    bool classify_through_links() {
        return for_each_link([&](unsigned a, Side side, unsigned b) {
            const SubarrayState& sa = state_[a];
            const SubarrayState& sb = state_[b];
            const bool along_row = side == Side::East;  // a is west of b, else north of b
            if (along_row) {
                if (sa.partial_sum_northward != sb.partial_sum_northward) return true;  // a turn
                if (sa.activation_westward != sb.activation_westward)
                    return fail(FissionErrorCode::DirectionConflict, a, side,
                                sub(a) + " and " + sub(b) + " are linked east-west with opposite "
                                "activation directions and equal partial-sum directions");
                if (!sa.activation_westward) connect(a, Side::East, b, Side::East, Side::West, LinkRole::ActivationThrough);
                else connect(b, Side::West, a, Side::West, Side::East, LinkRole::ActivationThrough);
            } else {
                if (sa.activation_westward != sb.activation_westward) return true;  // a turn
                if (sa.partial_sum_northward != sb.partial_sum_northward)
                    return fail(FissionErrorCode::DirectionConflict, a, side,
                                sub(a) + " and " + sub(b) + " are linked north-south with opposite "
                                "partial-sum directions and equal activation directions");
                if (!sa.partial_sum_northward) connect(a, Side::South, b, Side::South, Side::North, LinkRole::PartialSumThrough);
                else connect(b, Side::North, a, Side::North, Side::South, LinkRole::PartialSumThrough);
            }
            return true;
        });
    }

    bool classify_turns() {
        return for_each_link([&](unsigned a, Side side, unsigned b) {
            const SubarrayState& sa = state_[a];
            const SubarrayState& sb = state_[b];
            const bool along_row = side == Side::East;
            const bool is_turn = along_row ? sa.partial_sum_northward != sb.partial_sum_northward
                                           : sa.activation_westward != sb.activation_westward;
            if (!is_turn) return true;
            // A turn is a U-turn of the bus: lane i arrives as lane width-1-i,
            // so the subarray beyond it must be mirrored in the other
            // dimension too, or rows (columns) would be swapped.
            const bool other_flips = along_row ? sa.activation_westward != sb.activation_westward
                                               : sa.partial_sum_northward != sb.partial_sum_northward;
            if (!other_flips)
                return fail(FissionErrorCode::DirectionConflict, a, side,
                            sub(a) + " and " + sub(b) + " are joined by a turn link, which needs both direction "
                            "bits to differ, but only the " + (along_row ? "partial-sum" : "activation") +
                            " directions do");
            // A turn joins same-side edges: east/west edges for activations
            // (a column link), south/north edges for partial sums (a row link).
            const Side first = along_row ? Side::South : Side::East;
            for (Side edge : {first, regmap::opposite(first)}) {
                if (used(a, edge) || used(b, edge)) continue;
                // Data leaves the subarray for which this edge is an output.
                const bool a_outputs = along_row ? Edges(sa).ps_out == edge : Edges(sa).act_out == edge;
                const unsigned from = a_outputs ? a : b, to = a_outputs ? b : a;
                const Side from_side = a_outputs ? side : regmap::opposite(side);
                connect(from, from_side, to, edge, edge,
                        along_row ? LinkRole::PartialSumTurn : LinkRole::ActivationTurn);
                return true;
            }
            return fail(FissionErrorCode::PortConflict, a, side,
                        sub(a) + " and " + sub(b) + ": the turn link on the " + regmap::side_name(side) +
                            " side finds no free edge pair");
        });
    }

    bool form_arrays() {
        // Clusters are the connected components of the links in use.
        std::vector<unsigned> root(n_);
        std::iota(root.begin(), root.end(), 0u);
        auto find = [&](unsigned x) { while (root[x] != x) x = root[x] = root[root[x]]; return x; };
        for (const auto& l : topo_.links) {
            const unsigned a = find(l.from), b = find(l.to);
            root[std::max(a, b)] = std::min(a, b);
        }
        topo_.array_of.assign(n_, 0);
        std::vector<int> array_of_root(n_, kNone);
        std::vector<std::vector<unsigned>> members;
        for (unsigned i = 0; i < n_; ++i) {
            const unsigned r = find(i);
            if (array_of_root[r] == kNone) {
                array_of_root[r] = int(members.size());
                members.emplace_back();
            }
            members[array_of_root[r]].push_back(i);
        }
        for (const auto& group : members)
            if (!form_array(group)) return false;
        return true;
    }

    bool form_array(const std::vector<unsigned>& group) {
        const unsigned size = unsigned(group.size());
        std::vector<unsigned> origins;
        for (unsigned s : group)
            if (act_prev_[s] == kNone && ps_prev_[s] == kNone) origins.push_back(s);
        if (origins.empty())
            return fail(FissionErrorCode::Cycle, group.front(), Side::North,
                        sub(group.front()) + ": its linked subarrays form a ring with no first subarray");
        const std::string where = "subarrays linked with " + sub(group.front());
        if (origins.size() > 1)
            return fail(FissionErrorCode::NotRectangular, origins[1], Side::North,
                        where + " have more than one first (north-west) corner");

        LogicalArray array;
        std::vector<std::vector<unsigned>> rows;
        for (int head = int(origins.front()); head != kNone; head = ps_next_[head]) {
            if (rows.size() >= size)
                return fail(FissionErrorCode::Cycle, unsigned(head), Side::North,
                            where + ": partial sums would circulate");
            std::vector<unsigned> row;
            for (int s = head; s != kNone; s = act_next_[s]) {
                if (row.size() >= size)
                    return fail(FissionErrorCode::Cycle, unsigned(s), Side::East,
                                where + ": activations would circulate");
                row.push_back(unsigned(s));
            }
            rows.push_back(std::move(row));
        }
        array.block_rows = unsigned(rows.size());
        array.block_cols = unsigned(rows.front().size());
        for (unsigned r = 0; r < array.block_rows; ++r)
            if (rows[r].size() != array.block_cols)
                return fail(FissionErrorCode::NotRectangular, origins.front(), Side::East,
                            where + ": activation chains differ in length");
        for (unsigned r = 0; r < array.block_rows; ++r) {
            for (unsigned c = 0; c < array.block_cols; ++c) {
                const int below = r + 1 < array.block_rows ? int(rows[r + 1][c]) : kNone;
                if (ps_next_[rows[r][c]] != below)
                    return fail(FissionErrorCode::NotRectangular, rows[r][c], Side::South,
                                where + ": partial-sum chains do not cross the activation chains as a grid");
            }
        }
        for (const auto& row : rows) array.subarrays.insert(array.subarrays.end(), row.begin(), row.end());
        std::vector<unsigned> sorted = array.subarrays;
        std::sort(sorted.begin(), sorted.end());
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() || sorted.size() != size)
            return fail(FissionErrorCode::NotRectangular, group.front(), Side::North,
                        where + " do not form one rectangular array");

        for (const auto& l : topo_.links)
            if (l.is_turn() && std::binary_search(sorted.begin(), sorted.end(), l.from))
                array.omni_directional = true;
        for (unsigned s : sorted)
            if (fp_.pod_of(s) != fp_.pod_of(sorted.front())) array.spans_pods = true;
        for (unsigned s : sorted) topo_.array_of[s] = unsigned(topo_.arrays.size());
        topo_.arrays.push_back(std::move(array));
        return true;
    }

    bool check_crossbars() {
        const unsigned per_pod = fp_.subarrays_per_pod();
        for (unsigned i = 0; i < n_; ++i)
            if (selector_[i] >= per_pod)
                return fail(FissionErrorCode::BadSelector, fp_.pod_of(i), Side::North,
                            sub(i) + ": crossbar selector " + std::to_string(selector_[i]) + " but pod " +
                                std::to_string(fp_.pod_of(i)) + " has " + std::to_string(per_pod) +
                                " buffers");
        // Only the last row of a logical array writes Pod Memory.
        std::vector<int> writer(n_, kNone);  // indexed by subarray owning the output buffer
        for (unsigned i = 0; i < n_; ++i) {
            if (ps_next_[i] != kNone) continue;
            const unsigned buffer = fp_.subarray_of(fp_.pod_of(i), selector_[i]);
            if (writer[buffer] != kNone)
                return fail(FissionErrorCode::OutputConflict, i, Side::South,
                            sub(i) + " and " + sub(unsigned(writer[buffer])) +
                                " both write the output buffer of " + sub(buffer));
            writer[buffer] = int(i);
        }
        return true;
    }

    const Floorplan& fp_;
    unsigned n_;
    std::vector<SubarrayState> state_;
    std::vector<std::uint32_t> raw_;
    std::vector<unsigned> selector_;
    std::vector<std::uint8_t> edge_used_;  // per subarray edge: claimed by a link
    std::vector<int> act_next_, act_prev_, ps_next_, ps_prev_;
    FissionTopology topo_;
    FissionError error_;
};

}  // namespace

FissionResolution resolve_fission(const Floorplan& fp, const FissionState& state) {
    return Resolver(fp, state).run();
}

}  // namespace planaria
