#include "testbench/tile_level_node.h"

#include "hw/timing/tile_activity.h"

namespace planaria {

namespace {
// Sparse: programs at Host::Options::program_region (in region 0), the
// nodes' data regions above it, 2,047 of them.
constexpr std::uint64_t kMemoryBytes = 1ull << 58;
}  // namespace

TileLevelNode::TileLevelNode(sc_core::sc_module_name name, const ArchConfig& cfg,
                             const std::map<std::string, const Bundle*>& bundles, const std::string& policy,
                             std::vector<Request> requests, Options options)
    : sc_module(name), cfg_(cfg), accel_("accelerator", cfg_, options.fidelity), irq_("irq") {
    for (unsigned c = 0; c < cfg_.offchip.channels; ++c) {
        memories_.push_back(std::make_unique<ChannelMemory<64>>(("memory_" + std::to_string(c)).c_str(), kMemoryBytes,
                                                                cfg_.offchip.bandwidth_gbps, cfg_.offchip.latency_ns));
        channel_checkers_.push_back(std::make_unique<ProtocolChecker<64>>(("channel_checker_" + std::to_string(c)).c_str()));
        accel_.memory[c].bind(channel_checkers_.back()->target);
        channel_checkers_.back()->initiator.bind(memories_.back()->socket);
        ChannelMemory<64>* with = options.share_memory_with ? options.share_memory_with->memories_.front().get()
                                                            : (c > 0 ? memories_.front().get() : nullptr);
        if (with) memories_.back()->share_storage(*with);
    }
    if (!options.host.energy_meter)
        options.host.energy_meter = [this](unsigned s) {
            const SubarraySequencer& q = accel_.sequencer(s);
            return activity_energy(cfg_, q.bytes_moved(), q.activity()).scaled(1e-12);
        };
    // Region 0 holds the instruction streams; a node's data spans fill a region of their own.
    if (options.host.data_region == 0) options.host.data_region = kDataRegionBytes;
    if (options.host.data_span) options.host.data_slots = unsigned(kDataRegionBytes / options.host.data_span);
    ChannelMemory<64>& memory = *memories_.front();
    Host::Loader loader = [&memory](std::uint64_t address, const std::vector<std::uint8_t>& bytes) {
        memory.load(address, bytes.data(), bytes.size());
    };
    if (options.share_memory_with) loader = [](std::uint64_t, const std::vector<std::uint8_t>&) {};  // loaded once
    host_ = std::make_unique<Host>("host", cfg_, bundles, make_policy(policy, options.policy), std::move(requests),
                                   std::move(loader), options.host);
    host_->socket.bind(host_checker_.target);
    host_checker_.initiator.bind(accel_.host);
    accel_.irq.bind(irq_);
    host_->irq.bind(irq_);
}

TileLevelNode::TileLevelNode(sc_core::sc_module_name name, const ArchConfig& cfg,
                             const std::map<std::string, const Bundle*>& bundles, const std::string& policy,
                             std::vector<Request> requests)
    : TileLevelNode(name, cfg, bundles, policy, std::move(requests), Options{}) {}

WorkloadMetrics TileLevelNode::metrics() const {
    return evaluate(host_->records(), host_->busy_subarray_seconds(), cfg_.subarray.count);
}

}  // namespace planaria
