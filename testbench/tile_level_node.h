#pragma once
// One accelerator node at tile level: the chip-level TLM model (Accelerator,
// one ChannelMemory per off-chip channel over one address space) driven by
// the host scheduler, a TLM initiator (sched/host.h), over the accelerator's
// register interface, with completions by interrupt. Timing only. Several
// nodes may share one simulation: they do not interact, except that nodes
// built with `share_memory_with` keep one copy of the instruction streams
// (each node's tasks use their own data region).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hw/accelerator/accelerator.h"
#include "sched/host.h"
#include "testbench/metrics.h"
#include "tlm/channel_memory.h"
#include "tlm/protocol_checker.h"

namespace planaria {

class TileLevelNode : public sc_core::sc_module {
public:
    struct Options {
        PolicyOptions policy;
        Host::Options host;
        /// Share the off-chip memory contents with this node (same bundles and
        /// program region; give the two nodes different `host.data_region`s).
        TileLevelNode* share_memory_with = nullptr;
        /// The chip's fidelity (hw/datapath/fidelity.h).
        Fidelity fidelity = Fidelity::Tile;
    };
    /// `bundles`: every model the requests name, compiled with instruction
    /// streams for k = 1..cfg.subarray.count. Energy is metered from the
    /// sequencers' activity (testbench/replay.h activity_energy).
    TileLevelNode(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
                  const std::string& policy, std::vector<Request> requests, Options options);
    TileLevelNode(sc_core::sc_module_name name, const ArchConfig& cfg, const std::map<std::string, const Bundle*>& bundles,
                  const std::string& policy, std::vector<Request> requests);

    /// Bytes of off-chip address space each node owns for task data: as many
    /// 128 GiB task spans as the host has data slots (1,024, 128 TiB).
    static constexpr std::uint64_t kDataRegionBytes = 1ull << 47;

    const Host& host() const { return *host_; }
    Accelerator<64>& accelerator() { return accel_; }
    /// After the run.
    const std::vector<TaskRecord>& records() const { return host_->records(); }
    WorkloadMetrics metrics() const;

private:
    ArchConfig cfg_;
    Accelerator<64> accel_;
    std::vector<std::unique_ptr<ChannelMemory<64>>> memories_;
    // The base protocol checked on every external socket of the chip.
    std::vector<std::unique_ptr<ProtocolChecker<64>>> channel_checkers_;
    ProtocolChecker<64> host_checker_{"host_checker"};
    std::unique_ptr<Host> host_;
    sc_core::sc_signal<bool> irq_;
};

}  // namespace planaria
