#include "hw/fission/buffer_reach.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>

namespace planaria {

namespace {

/// Deals the buffers of the array's members to its edge members (the given
/// block positions), pod by pod; pods without an edge member give theirs to
/// the nearest pod that has one when `across_pods`.
std::vector<std::vector<BufferReach::Buffer>> deal(const Floorplan& fp,
                                                   const LogicalArray& array, const std::vector<unsigned>& edge,
                                                   bool across_pods) {
    std::map<unsigned, std::vector<unsigned>> edge_in_pod;     // pod -> edge member indices (into `edge`)
    std::map<unsigned, std::vector<unsigned>> members_in_pod;  // pod -> subarrays of the array
    for (unsigned e = 0; e < edge.size(); ++e) edge_in_pod[fp.pod_of(edge[e])].push_back(e);
    for (unsigned s : array.subarrays) members_in_pod[fp.pod_of(s)].push_back(s);

    std::vector<std::vector<BufferReach::Buffer>> out(edge.size());
    // Local buffers first (the member's own, then its pod-mates'), so that
    // the stripe's low slots never leave the pod.
    for (const auto& [pod, es] : edge_in_pod) {
        std::vector<unsigned> buffers = members_in_pod[pod];
        std::stable_partition(buffers.begin(), buffers.end(), [&](unsigned s) {
            return std::find(edge.begin(), edge.end(), s) != edge.end();
        });
        for (std::size_t i = 0; i < buffers.size(); ++i) out[es[i % es.size()]].push_back({buffers[i], 0});
    }
    if (!across_pods) return out;
    std::map<unsigned, std::size_t> dealt;  // where each receiving pod's round-robin stands
    for (const auto& [pod, members] : members_in_pod) dealt[pod] = members.size();
    for (const auto& [pod, members] : members_in_pod) {
        if (edge_in_pod.count(pod)) continue;
        unsigned best = 0, best_hops = std::numeric_limits<unsigned>::max();
        for (const auto& [candidate, es] : edge_in_pod)
            if (fp.pod_hops(pod, candidate) < best_hops) best = candidate, best_hops = fp.pod_hops(pod, candidate);
        const std::vector<unsigned>& es = edge_in_pod[best];
        // Continue the round-robin where the pod's buffers so far left it.
        for (unsigned s : members) out[es[dealt[best]++ % es.size()]].push_back({s, best_hops});
    }
    return out;
}

}  // namespace

BufferReach::BufferReach(const ArchConfig& cfg, const Floorplan& fp, const LogicalArray& array) {
    const unsigned BR = array.block_rows, BC = array.block_cols;
    std::vector<unsigned> entry, exit;
    for (unsigned r = 0; r < BR; ++r) entry.push_back(array.at(r, 0));
    for (unsigned c = 0; c < BC; ++c) exit.push_back(array.at(BR - 1, c));
    act_ = deal(fp, array, entry, false);
    out_ = deal(fp, array, exit, true);

    std::size_t act_n = std::numeric_limits<std::size_t>::max(), out_n = act_n;
    for (const auto& b : act_) act_n = std::min(act_n, b.size());
    for (const auto& b : out_) out_n = std::min(out_n, b.size());
    for (auto& b : act_) b.resize(act_n);
    for (auto& b : out_) b.resize(out_n);
    act_entries_ = act_n * cfg.pod.activation_buffer.entries();
    act_bytes_ = act_n * cfg.pod.activation_buffer.bytes;
    out_entries_ = out_n * cfg.pod.output_buffer.entries();

    stripe_.buffers = unsigned(out_n);
    std::map<std::pair<unsigned, unsigned>, std::map<unsigned, unsigned>> crossing;  // link -> column -> buffers
    for (unsigned c = 0; c < BC; ++c) {
        std::vector<unsigned> hops;
        for (const Buffer& b : out_[c]) {
            hops.push_back(b.hops);
            if (b.hops)
                for (const auto& link : fp.pod_route(fp.pod_of(exit[c]), fp.pod_of(b.subarray))) ++crossing[link][c];
        }
        stripe_.hops.push_back(std::move(hops));
    }
    for (const auto& [link, users] : crossing) {
        OutputStripe::Link l;
        for (const auto& [col, buffers] : users) l.users.emplace_back(col, buffers);
        stripe_.links.push_back(std::move(l));
    }
}

PlacementReach placement_reach(const std::vector<BufferReach>& clusters) {
    PlacementReach p;
    for (std::size_t i = 0; i < clusters.size(); ++i) {
        const BufferReach& r = clusters[i];
        p.max_tile_vectors = i ? std::min(p.max_tile_vectors, r.max_tile_vectors()) : r.max_tile_vectors();
        p.activation_bytes = i ? std::min(p.activation_bytes, r.activation_bytes()) : r.activation_bytes();
    }
    return p;
}

PlacementReach placement_reach(const ArchConfig& cfg, const Floorplan& fp, const std::vector<LogicalArray>& placement) {
    std::vector<BufferReach> clusters;
    for (const LogicalArray& a : placement) clusters.emplace_back(cfg, fp, a);
    return placement_reach(clusters);
}

}  // namespace planaria
