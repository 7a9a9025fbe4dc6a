#include "hw/datapath/systolic_datapath.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace planaria {

SystolicDatapath::SystolicDatapath(sc_core::sc_module_name name, const ArchConfig& cfg, Fidelity fidelity)
    : sc_module(name),
      cfg_(cfg),
      fidelity_(fidelity),
      regs_("registers", cfg_),
      activation_ring_("activation_ring_bus", regs_.floorplan(), cfg_.ring_bus.pipeline_stages, cfg_.subarray.rows,
                       cfg_.data.activation_bits),
      partial_sum_ring_("partial_sum_ring_bus", regs_.floorplan(), cfg_.ring_bus.pipeline_stages,
                        cfg_.subarray.cols, cfg_.data.accumulator_bits),
      clock_period_(cfg_.clock_period_ns(), sc_core::SC_NS),
      loader_("loader"),
      pe_dmi_(cfg_.subarray.count),
      pod_dmi_(cfg_.pod.count) {
    loader_.register_invalidate_direct_mem_ptr(this, &SystolicDatapath::invalidate_loader);
    for (unsigned i = 0; i < cfg_.subarray.count; ++i) {
        const std::string n = "subarray_" + std::to_string(i);
        subarrays_.push_back(
            std::make_unique<OmniDirectionalSubarray>(n.c_str(), cfg_, i, fidelity_ == Fidelity::Cycle));
        simd_.push_back(std::make_unique<SimdSegment>(("simd_" + std::to_string(i)).c_str(), cfg_));
        loader_.bind(subarrays_.back()->weight_bus);
    }
    for (unsigned p = 0; p < cfg_.pod.count; ++p) {
        pods_.push_back(std::make_unique<FissionPod>(("pod_" + std::to_string(p)).c_str(), cfg_, p, regs_));
        loader_.bind(pods_.back()->memory().port);
        // A crossbar's port has one binding per subarray slot, in slot order.
        for (unsigned q = 0; q < cfg_.subarrays_per_pod(); ++q) {
            OmniDirectionalSubarray& sub = *subarrays_.at(floorplan().subarray_of(p, q));
            sub.activation_port.bind(pods_.back()->activation_crossbar().port);
            sub.output_port.bind(pods_.back()->output_crossbar().port);
        }
    }
    // Each subarray reaches other pods' output buffers through its own pod's router and the links.
    for (unsigned s = 0; s < cfg_.subarray.count; ++s)
        subarrays_[s]->remote_port.bind(pods_.at(floorplan().pod_of(s))->links_in);
    for (const auto& [from, to] : floorplan().inter_pod_links()) {
        links_.push_back(std::make_unique<InterPodLink>(
            ("inter_pod_link_" + std::to_string(from) + "_" + std::to_string(to)).c_str(), cfg_, from, to));
        pods_[from]->links_out().bind(links_.back()->in);  // in the order of the pod's next_pods()
        links_.back()->out.bind(pods_[to]->links_in);
    }
    // Last on the loader: the ring buses' debug view of their pipeline registers.
    loader_.bind(activation_ring_.socket);
    loader_.bind(partial_sum_ring_.socket);
}

SystolicDatapath::~SystolicDatapath() = default;

// ---------------------------------------------------------------------------
// Cycle-by-cycle trace of one subarray
// ---------------------------------------------------------------------------

struct SystolicDatapath::Trace {
    SignalTrace* vcd;
    unsigned subarray;
    std::vector<std::pair<unsigned, unsigned>> pes;
    std::vector<unsigned> act_in, act_out, psum_in, psum_out;  // one variable per lane
    unsigned act_in_valid, act_out_valid, psum_in_valid, psum_out_valid;
    std::vector<unsigned> pe_act, pe_psum, pe_weight;
};

void SystolicDatapath::trace(SignalTrace* vcd, unsigned subarray, const std::vector<std::pair<unsigned, unsigned>>& pes) {
    if (!vcd) {
        trace_.reset();
        return;
    }
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    if (subarray >= subarrays_.size()) throw DatapathError("trace: no subarray " + std::to_string(subarray));
    // Valid bits of one edge form one vector variable of at most 64 lanes.
    const unsigned lanes_r = std::min(rows, 64u), lanes_c = std::min(cols, 64u);
    auto t = std::make_unique<Trace>();
    t->vcd = vcd;
    t->subarray = subarray;
    t->pes = pes;
    const std::string scope = "subarray_" + std::to_string(subarray);
    const unsigned abits = cfg_.data.activation_bits, pbits = cfg_.data.accumulator_bits;
    for (unsigned r = 0; r < lanes_r; ++r) {
        t->act_in.push_back(vcd->declare(scope, "act_in_" + std::to_string(r), abits));
        t->act_out.push_back(vcd->declare(scope, "act_out_" + std::to_string(r), abits));
    }
    for (unsigned c = 0; c < lanes_c; ++c) {
        t->psum_in.push_back(vcd->declare(scope, "psum_in_" + std::to_string(c), pbits));
        t->psum_out.push_back(vcd->declare(scope, "psum_out_" + std::to_string(c), pbits));
    }
    t->act_in_valid = vcd->declare(scope, "act_in_valid", lanes_r);
    t->act_out_valid = vcd->declare(scope, "act_out_valid", lanes_r);
    t->psum_in_valid = vcd->declare(scope, "psum_in_valid", lanes_c);
    t->psum_out_valid = vcd->declare(scope, "psum_out_valid", lanes_c);
    for (const auto& [r, c] : pes) {
        if (r >= rows || c >= cols) throw DatapathError("trace: no PE " + std::to_string(r) + "," + std::to_string(c));
        const std::string pe = scope + ".pe_" + std::to_string(r) + "_" + std::to_string(c);
        t->pe_act.push_back(vcd->declare(pe, "activation", abits));
        t->pe_psum.push_back(vcd->declare(pe, "accumulator", pbits));
        t->pe_weight.push_back(vcd->declare(pe, "weight", cfg_.data.weight_bits));
    }
    trace_ = std::move(t);
}

void SystolicDatapath::record(std::uint64_t cycle, const ActivationEdge& act_in, const PartialSumEdge& psum_in,
                              const ActivationEdge& act_out, const PartialSumEdge& psum_out) {
    Trace& t = *trace_;
    const std::uint64_t time = std::uint64_t(cycle * cfg_.clock_period_ns() * 1000.0 + 0.5);  // ps
    const auto lanes = [&](const std::vector<std::uint8_t>& valid, unsigned n) {
        std::uint64_t bits = 0;
        for (unsigned i = 0; i < n; ++i) bits |= std::uint64_t(valid[i] & 1) << i;
        return bits;
    };
    for (unsigned r = 0; r < t.act_in.size(); ++r) {
        t.vcd->change(time, t.act_in[r], std::uint64_t(std::int64_t(act_in.value[r])));
        t.vcd->change(time, t.act_out[r], std::uint64_t(std::int64_t(act_out.value[r])));
    }
    for (unsigned c = 0; c < t.psum_in.size(); ++c) {
        t.vcd->change(time, t.psum_in[c], std::uint64_t(psum_in.value[c]));
        t.vcd->change(time, t.psum_out[c], std::uint64_t(psum_out.value[c]));
    }
    t.vcd->change(time, t.act_in_valid, lanes(act_in.valid, unsigned(t.act_in.size())));
    t.vcd->change(time, t.act_out_valid, lanes(act_out.valid, unsigned(t.act_out.size())));
    t.vcd->change(time, t.psum_in_valid, lanes(psum_in.valid, unsigned(t.psum_in.size())));
    t.vcd->change(time, t.psum_out_valid, lanes(psum_out.valid, unsigned(t.psum_out.size())));
    const PeState& st = subarrays_[t.subarray]->pes();
    for (std::size_t k = 0; k < t.pes.size(); ++k) {
        const unsigned pe = t.pes[k].first * st.cols + t.pes[k].second;
        t.vcd->change(time, t.pe_act[k], std::uint64_t(std::int64_t(st.activation(pe))));
        t.vcd->change(time, t.pe_psum[k], std::uint64_t(st.psum[pe]));
        t.vcd->change(time, t.pe_weight[k], std::uint64_t(std::int64_t(st.weight[pe])));
    }
}

const LogicalArray& SystolicDatapath::array_of(unsigned subarray) const {
    const FissionTopology& t = topology();
    return t.arrays.at(t.array_of.at(subarray));
}

FlowDirection SystolicDatapath::flow_of(unsigned subarray) const {
    const SubarrayState s = SubarrayState::decode(regs_.current().subarray[subarray]);
    return {s.activation_westward, s.partial_sum_northward};
}

SystolicDatapath::BufferEntry SystolicDatapath::locate(const std::vector<BufferReach::Buffer>& buffers, unsigned v) {
    const BufferReach::Buffer& b = buffers.at(v % buffers.size());
    const unsigned pod = floorplan().pod_of(b.subarray);
    return {&pods_[pod]->memory(), pod, regs_.current().selector[b.subarray], unsigned(v / buffers.size()), b.hops};
}

// ---------------------------------------------------------------------------
// Loader
// ---------------------------------------------------------------------------

// The whole-array loads are the block loads (below) of each block of the array.

void SystolicDatapath::write_weights(const LogicalArray& array, unsigned slot, const std::vector<Weight>& w,
                                     unsigned k, unsigned n) {
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    if (w.size() != std::size_t(k) * n) throw DatapathError("write_weights: W is not K x N");
    if (k > array.block_rows * rows || n > array.block_cols * cols)
        throw DatapathError("write_weights: a " + std::to_string(k) + "x" + std::to_string(n) +
                            " weight tile does not fit the array");
    if (slot >= subarrays_.front()->weight_slots()) throw DatapathError("write_weights: no weight-buffer slot " + std::to_string(slot));
    for (unsigned r = 0; r < array.block_rows; ++r)
        for (unsigned c = 0; c < array.block_cols; ++c) {
            const unsigned block_rows = block_extent(k, r, rows), block_cols = block_extent(n, c, cols);
            std::vector<Weight> block(std::size_t(block_rows) * block_cols);
            for (unsigned i = 0; i < block_rows; ++i)
                for (unsigned j = 0; j < block_cols; ++j)
                    block[std::size_t(i) * block_cols + j] = w[std::size_t(r * rows + i) * n + c * cols + j];
            if (!block.empty()) write_weight_block(array.at(r, c), slot, block.data(), block_rows, block_cols);
        }
}

void SystolicDatapath::write_activations(const LogicalArray& array, unsigned base, const std::vector<Activation>& a,
                                         unsigned m, unsigned k) {
    const unsigned rows = cfg_.subarray.rows;
    if (a.size() != std::size_t(m) * k) throw DatapathError("write_activations: A is not M x K");
    if (k > array.block_rows * rows) throw DatapathError("write_activations: K exceeds the array's rows");
    check_formed(array);
    const BufferReach reach(cfg_, floorplan(), array);
    if (std::uint64_t(base) + m > reach.activation_entries())
        throw DatapathError("write_activations: " + std::to_string(m) + " vectors from entry " + std::to_string(base) +
                            " exceed the activation buffers the array reaches (" +
                            std::to_string(reach.activation_entries()) + ")");
    for (unsigned b = 0; b * rows < k; ++b) {
        const unsigned block_rows = block_extent(k, b, rows);
        std::vector<Activation> block(std::size_t(m) * block_rows);
        for (unsigned v = 0; v < m; ++v)
            for (unsigned r = 0; r < block_rows; ++r) block[std::size_t(v) * block_rows + r] = a[std::size_t(v) * k + b * rows + r];
        write_activation_block(array, b, base, block.data(), m, block_rows);
    }
}

std::vector<Accumulator> SystolicDatapath::read_outputs(const LogicalArray& array, unsigned base, unsigned m,
                                                        unsigned n) {
    const unsigned cols = cfg_.subarray.cols;
    if (n > array.block_cols * cols) throw DatapathError("read_outputs: N exceeds the array's columns");
    check_formed(array);
    const BufferReach reach(cfg_, floorplan(), array);
    if (std::uint64_t(base) + m > reach.output_entries())
        throw DatapathError("read_outputs: beyond the output buffers the array reaches (" +
                            std::to_string(reach.output_entries()) + ")");
    std::vector<Accumulator> out(std::size_t(m) * n);
    for (unsigned c = 0; c * cols < n; ++c) {
        const unsigned block_cols = block_extent(n, c, cols);
        std::vector<Accumulator> block(std::size_t(m) * block_cols);
        read_output_block(array, c, base, block.data(), m, block_cols);
        for (unsigned v = 0; v < m; ++v)
            for (unsigned j = 0; j < block_cols; ++j) out[std::size_t(v) * n + c * cols + j] = block[std::size_t(v) * block_cols + j];
    }
    return out;
}

// ---------------------------------------------------------------------------
// Block staging, through the loader's DMI pointers
// ---------------------------------------------------------------------------

void SystolicDatapath::invalidate_loader(int target, sc_dt::uint64, sc_dt::uint64) {
    const auto t = unsigned(target);
    if (t < subarrays_.size()) pe_dmi_[t].clear();
    else if (t - subarrays_.size() < pod_dmi_.size()) pod_dmi_[t - subarrays_.size()].clear();
}

Weight* SystolicDatapath::weight_buffer(unsigned subarray, unsigned pe) {
    std::vector<Weight*>& cache = pe_dmi_.at(subarray);
    if (cache.empty()) cache.assign(subarrays_[subarray]->rows() * subarrays_[subarray]->cols(), nullptr);
    if (Weight* w = cache.at(pe)) return w;
    if (subarray >= loader_.size())
        throw DatapathError("loader: the datapath's sockets work once elaboration is complete (after sc_start)");
    const OmniDirectionalSubarray& sub = *subarrays_[subarray];
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(sub.pe_address(pe / sub.cols(), pe % sub.cols()));
    tlm::tlm_dmi dmi;
    if (!loader_[subarray]->get_direct_mem_ptr(trans, dmi) || !dmi.is_write_allowed())
        throw DatapathError("loader: subarray " + std::to_string(subarray) + " grants no DMI to PE " +
                            std::to_string(pe) + "'s weight buffer");
    cache[pe] = reinterpret_cast<Weight*>(dmi.get_dmi_ptr() + (trans.get_address() - dmi.get_start_address()));
    return cache[pe];
}

unsigned char* SystolicDatapath::pod_memory_pointer(unsigned pod, std::uint64_t address) {
    for (const DmiRegion& r : pod_dmi_.at(pod))
        if (address >= r.start && address <= r.end) return r.pointer + (address - r.start);
    const unsigned target = unsigned(subarrays_.size()) + pod;
    if (target >= loader_.size())
        throw DatapathError("loader: the datapath's sockets work once elaboration is complete (after sc_start)");
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(address);
    tlm::tlm_dmi dmi;
    if (!loader_[target]->get_direct_mem_ptr(trans, dmi) || !dmi.is_write_allowed())
        throw DatapathError("loader: Pod Memory " + std::to_string(pod) + " grants no DMI at address " +
                            std::to_string(address));
    pod_dmi_[pod].push_back({dmi.get_start_address(), dmi.get_end_address(), dmi.get_dmi_ptr()});
    return dmi.get_dmi_ptr() + (address - dmi.get_start_address());
}

void SystolicDatapath::write_weight_block(unsigned subarray, unsigned slot, const Weight* w, unsigned rows,
                                          unsigned cols) {
    OmniDirectionalSubarray& sub = *subarrays_.at(subarray);
    if (rows > sub.rows() || cols > sub.cols())
        throw DatapathError("write_weight_block: a " + std::to_string(rows) + "x" + std::to_string(cols) +
                            " block does not fit subarray " + std::to_string(subarray));
    if (slot >= sub.weight_slots()) throw DatapathError("write_weight_block: no weight-buffer slot " + std::to_string(slot));
    const FlowDirection f = flow_of(subarray);
    for (unsigned i = 0; i < rows; ++i) {
        const unsigned pr = f.northward ? sub.rows() - 1 - i : i;
        for (unsigned j = 0; j < cols; ++j) {
            const unsigned pc = f.westward ? sub.cols() - 1 - j : j;
            weight_buffer(subarray, pr * sub.cols() + pc)[slot] = w[std::size_t(i) * cols + j];
        }
    }
}

template <class T, class F>
void SystolicDatapath::for_each_entry(const LogicalArray& array, bool activations, unsigned block, unsigned base,
                                      unsigned m, F f) {
    check_formed(array);
    const BufferReach reach(cfg_, floorplan(), array);
    const std::uint64_t capacity = activations ? reach.activation_entries() : reach.output_entries();
    if (std::uint64_t(base) + m > capacity)
        throw DatapathError(std::string(activations ? "activation" : "output") + " block: " + std::to_string(m) +
                            " vectors from entry " + std::to_string(base) + " exceed the buffers the array reaches (" +
                            std::to_string(capacity) + ")");
    const unsigned edge = activations ? array.at(block, 0) : array.at(array.block_rows - 1, block);
    const FlowDirection flow = flow_of(edge);
    const unsigned lanes = activations ? cfg_.subarray.rows : cfg_.subarray.cols;
    const bool mirrored = activations ? flow.northward : flow.westward;
    const auto& buffers = activations ? reach.activation_buffers(block) : reach.output_buffers(block);
    for (unsigned v = 0; v < m; ++v) {
        const BufferEntry at = locate(buffers, base + v);
        const std::uint64_t address =
            activations ? at.memory->activation_base(at.buffer) + std::uint64_t(at.entry) * lanes * sizeof(T)
                        : at.memory->output_base(at.buffer) + std::uint64_t(at.entry) * lanes * sizeof(T);
        T* entry = reinterpret_cast<T*>(pod_memory_pointer(at.pod, address));
        f(v, [entry, lanes, mirrored](unsigned lane) -> T& { return entry[mirrored ? lanes - 1 - lane : lane]; });
    }
}

void SystolicDatapath::write_activation_block(const LogicalArray& array, unsigned block_row, unsigned base,
                                              const Activation* a, unsigned m, unsigned rows) {
    if (rows > cfg_.subarray.rows) throw DatapathError("write_activation_block: more rows than a subarray's");
    for_each_entry<Activation>(array, true, block_row, base, m, [&](unsigned v, auto lane) {
        for (unsigned r = 0; r < rows; ++r) lane(r) = a[std::size_t(v) * rows + r];
    });
}

void SystolicDatapath::read_output_block(const LogicalArray& array, unsigned block_col, unsigned base,
                                         Accumulator* out, unsigned m, unsigned cols) {
    if (cols > cfg_.subarray.cols) throw DatapathError("read_output_block: more columns than a subarray's");
    for_each_entry<Accumulator>(array, false, block_col, base, m, [&](unsigned v, auto lane) {
        for (unsigned j = 0; j < cols; ++j) out[std::size_t(v) * cols + j] = lane(j);
    });
}

void SystolicDatapath::write_output_block(const LogicalArray& array, unsigned block_col, unsigned base,
                                          const Accumulator* in, unsigned m, unsigned cols) {
    if (cols > cfg_.subarray.cols) throw DatapathError("write_output_block: more columns than a subarray's");
    for_each_entry<Accumulator>(array, false, block_col, base, m, [&](unsigned v, auto lane) {
        for (unsigned j = 0; j < cols; ++j) lane(j) = in[std::size_t(v) * cols + j];
    });
}

// ---------------------------------------------------------------------------
// Tile execution
// ---------------------------------------------------------------------------

void SystolicDatapath::check_formed(const LogicalArray& array) const {
    // The array must be one the hardware forms now.
    const bool shaped = array.block_rows && array.block_cols &&
                        array.subarrays.size() == std::size_t(array.block_rows) * array.block_cols;
    if (!shaped) throw DatapathError("the logical array's subarrays do not fill its block rows and columns");
    const LogicalArray& formed = array_of(array.subarrays.front());
    if (formed.subarrays != array.subarrays || formed.block_rows != array.block_rows)
        throw DatapathError("the subarrays do not form this logical array in the current configuration");
}

void SystolicDatapath::check_command(const LogicalArray& array, const TileCommand& cmd, const BufferReach& reach) const {
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    const TileShape& t = cmd.shape;
    const auto bad = [](const std::string& why) { throw DatapathError("tile command: " + why); };
    if (t.vectors == 0 || t.rows == 0 || t.cols == 0) bad("empty tile");
    if (t.rows > array.block_rows * rows) bad("K = " + std::to_string(t.rows) + " exceeds the array's PE rows");
    if (t.cols > array.block_cols * cols) bad("N = " + std::to_string(t.cols) + " exceeds the array's PE columns");
    if (!cmd.weight_slots.empty() && cmd.weight_slots.size() != array.subarrays.size())
        bad("a weight slot per subarray of the array expected");
    for (unsigned slot : cmd.weight_slots.empty() ? std::vector<unsigned>{cmd.weight_slot} : cmd.weight_slots)
        if (slot >= subarrays_.front()->weight_slots()) bad("no weight-buffer slot " + std::to_string(slot));
    if (std::uint64_t(cmd.activation_base) + t.vectors > reach.activation_entries())
        bad("activations beyond the activation buffers the array reaches");
    if (std::uint64_t(cmd.output_base) + t.vectors > reach.output_entries())
        bad("outputs beyond the output buffers the array reaches");
    // A tile's outputs start a stripe row, so that its vector m goes to buffer m mod n.
    const std::size_t n = reach.output_buffers(0).size();
    if (cmd.output_base % n)
        bad("output base " + std::to_string(cmd.output_base) + " is not a multiple of the " + std::to_string(n) +
            " output buffers the array stripes over");
}

namespace {

/// The ring-bus link that carries data from `from` to `to`, if any.
const LinkUse* find_link(const FissionTopology& t, unsigned from, unsigned to) {
    for (const auto& l : t.links)
        if (l.from == from && l.to == to) return &l;
    return nullptr;
}

}  // namespace

template <class T>
T* SystolicDatapath::through_port(tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray>& port,
                                  std::uint64_t address, bool write, std::int64_t& latency_cycles) {
    tlm::tlm_generic_payload trans;
    trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    trans.set_address(address);
    tlm::tlm_dmi dmi;
    if (!port->get_direct_mem_ptr(trans, dmi) || !(write ? dmi.is_write_allowed() : dmi.is_read_allowed()))
        throw DatapathError(std::string(port.name()) + ": no DMI to the buffer at address " + std::to_string(address));
    const sc_core::sc_time latency = write ? dmi.get_write_latency() : dmi.get_read_latency();
    latency_cycles = std::int64_t(latency / clock_period_ + 0.5);
    return reinterpret_cast<T*>(dmi.get_dmi_ptr() + (address - dmi.get_start_address()));
}

TileRun SystolicDatapath::compute_tile(const LogicalArray& array, const TileCommand& cmd) {
    check_formed(array);
    const BufferReach reach(cfg_, floorplan(), array);
    check_command(array, cmd, reach);
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    const unsigned BR = array.block_rows, BC = array.block_cols;
    const unsigned M = cmd.shape.vectors, K = cmd.shape.rows, N = cmd.shape.cols;
    const std::int64_t S = cfg_.ring_bus.pipeline_stages;
    std::int64_t L = -1;  // the activation crossbars' latency, from the DMI they grant
    const Floorplan& fp = floorplan();

    // Per block of the array: its subarray, flow, links in and out.
    struct Block {
        OmniDirectionalSubarray* sub;
        FlowDirection flow;
        int act_in = -1, act_out = -1, psum_in = -1, psum_out = -1;  // ring-bus link indices
        bool act_in_turn = false, psum_in_turn = false;                // the input link mirrors lanes
        ActivationEdge act_in_v, act_out_v;
        PartialSumEdge psum_in_v, psum_out_v;
        std::vector<Activation*> act_buffers;   // first column: the activation buffers it reaches, in stripe order
        std::vector<Accumulator*> out_buffers;  // last row: the output buffers it reaches
        std::vector<std::uint64_t> out_latency; // cycles a write takes to each: its crossbar, the inter-pod links
        // Per vector m of the tile: its entry (buffer m mod n of the stripe, entry m / n) and hops.
        std::vector<const Activation*> act_entry;
        std::vector<Accumulator*> out_entry;
        std::vector<std::uint64_t> out_entry_latency;
        SimdSegment* simd = nullptr;
    };
    std::vector<Block> blocks(std::size_t(BR) * BC);
    for (unsigned r = 0; r < BR; ++r)
        for (unsigned c = 0; c < BC; ++c) {
            Block& b = blocks[r * BC + c];
            const unsigned s = array.at(r, c);
            b.sub = subarrays_[s].get();
            b.flow = flow_of(s);
            b.act_in_v = ActivationEdge(rows);
            b.act_out_v = ActivationEdge(rows);
            b.psum_in_v = PartialSumEdge(cols);
            b.psum_out_v = PartialSumEdge(cols);
            const auto link = [&](unsigned from, unsigned to) -> const LinkUse& {
                const LinkUse* l = find_link(topology(), from, to);
                if (!l) throw DatapathError("no ring-bus link from subarray " + std::to_string(from) + " to " +
                                            std::to_string(to));
                return *l;
            };
            if (c > 0) {
                const LinkUse& l = link(array.at(r, c - 1), s);
                b.act_in = int(activation_ring_.link_index(l));
                b.act_in_turn = l.is_turn();
            }
            if (c + 1 < BC) b.act_out = int(activation_ring_.link_index(link(s, array.at(r, c + 1))));
            if (r > 0) {
                const LinkUse& l = link(array.at(r - 1, c), s);
                b.psum_in = int(partial_sum_ring_.link_index(l));
                b.psum_in_turn = l.is_turn();
            }
            if (r + 1 < BR) b.psum_out = int(partial_sum_ring_.link_index(link(s, array.at(r + 1, c))));
            // Each buffer is reached through the crossbar port of the subarray whose selector names it.
            if (c == 0)
                for (const BufferReach::Buffer& buf : reach.activation_buffers(r)) {
                    std::int64_t latency = 0;
                    b.act_buffers.push_back(
                        through_port<Activation>(subarrays_[buf.subarray]->activation_port, 0, false, latency));
                    if (L >= 0 && latency != L) throw DatapathError("the activation crossbars of one array differ in latency");
                    L = latency;
                }
            if (r == BR - 1) {
                // A buffer of another pod is reached through the exit subarray's remote
                // port: its pod routes the writes over the inter-pod links.
                for (const BufferReach::Buffer& buf : reach.output_buffers(c)) {
                    std::int64_t latency = 0;
                    const unsigned pod = fp.pod_of(buf.subarray), slot = fp.slot_of(buf.subarray);
                    b.out_buffers.push_back(
                        buf.hops == 0
                            ? through_port<Accumulator>(subarrays_[buf.subarray]->output_port, 0, true, latency)
                            : through_port<Accumulator>(subarrays_[s]->remote_port,
                                                        pods_[pod]->remote_address(pod, slot), true, latency));
                    b.out_latency.push_back(std::uint64_t(latency));
                }
                b.simd = simd_[s].get();
            }
            // Top row: partial sums start as valid zeros.
            if (r == 0) std::fill(b.psum_in_v.valid.begin(), b.psum_in_v.valid.end(), std::uint8_t(1));
        }

    const unsigned act_banks = rows, out_banks = cols;
    for (auto& b : blocks) {
        for (unsigned m = 0; m < M && !b.act_buffers.empty(); ++m) {
            const std::size_t v = cmd.activation_base + std::size_t(m), n = b.act_buffers.size();
            b.act_entry.push_back(b.act_buffers[v % n] + (v / n) * act_banks);
        }
        for (unsigned m = 0; m < M && !b.out_buffers.empty(); ++m) {
            const std::size_t v = cmd.output_base + std::size_t(m), n = b.out_buffers.size();
            b.out_entry.push_back(b.out_buffers[v % n] + (v / n) * out_banks);
            b.out_entry_latency.push_back(b.out_latency[v % n]);
        }
    }

    // Cycle 0: every PE latches its weight; the pipelines start empty.
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        Block& b = blocks[i];
        b.sub->latch_weights(cmd.weight_slots.empty() ? cmd.weight_slot : cmd.weight_slots[i]);
        b.sub->clear_pipeline();
        if (b.act_out >= 0) activation_ring_.clear(unsigned(b.act_out));
        if (b.psum_out >= 0) partial_sum_ring_.clear(unsigned(b.psum_out));
    }

    const std::uint64_t simd_delay = blocks.back().simd->latency(cmd.simd);
    // Vector m enters when the inter-pod links let it (every cycle unless
    // remote writes would exceed them): the stream cycle of each vector.
    const StreamPace pace = stream_pace(cfg_, reach.stripe(), cmd.shape);
    const std::uint64_t stream_cycles = pace.at(M - 1) + 1;
    // The vector entering at stream cycle u, if any: pace.at is strictly
    // increasing, so it is the one next to u / cycles_per_vector.
    const auto vector_at = [&](std::int64_t u) -> std::int64_t {
        if (u < 0 || std::uint64_t(u) >= stream_cycles) return -1;
        if (pace.cycles_per_vector <= 1.0) return u;
        const auto guess = std::int64_t(double(u) / pace.cycles_per_vector);
        for (std::int64_t m = std::max<std::int64_t>(0, guess - 1); m <= guess + 1 && m < std::int64_t(M); ++m)
            if (pace.at(std::uint64_t(m)) == std::uint64_t(u)) return m;
        return -1;
    };
    std::uint64_t max_write = 0;
    for (const auto& b : blocks) for (std::uint64_t w : b.out_latency) max_write = std::max(max_write, w);
    std::vector<unsigned> written_per_column(N, 0);
    std::uint64_t written = 0, last_write = 0;
    const std::uint64_t expected = std::uint64_t(M) * N;
    // Generous bound, independent of the closed form: a misaligned pipeline
    // never completes, and must not hang the simulation.
    const std::uint64_t watchdog =
        4 * (stream_cycles + BR * rows + BC * cols + S * (BR + BC) + L) + 64 + simd_delay + max_write;

    for (std::uint64_t t = 0; written < expected; ++t) {
        if (t > watchdog)
            throw DatapathError("tile did not complete: " + std::to_string(written) + " of " +
                                std::to_string(expected) + " outputs after " + std::to_string(t) + " cycles");
        for (unsigned r = 0; r < BR; ++r)
            for (unsigned c = 0; c < BC; ++c) {
                Block& b = blocks[r * BC + c];
                if (c == 0 && pace.cycles_per_vector <= 1.0) {
                    // Skewed read of the activation buffer, through the crossbar (L cycles):
                    // logical row i reads vector t - L - i - S*r, a diagonal of the buffer.
                    const std::int64_t first = std::int64_t(t) - L - std::int64_t(r) * (rows + S);
                    for (unsigned p = 0; p < rows; ++p) {
                        const unsigned q = b.flow.northward ? rows - 1 - p : p;  // row within the block
                        const std::int64_t m = first - std::int64_t(q);
                        const bool valid = m >= 0 && m < std::int64_t(M);
                        b.act_in_v.valid[p] = valid;
                        b.act_in_v.value[p] = valid && r * rows + q < K ? b.act_entry[std::size_t(m)][p] : 0;
                    }
                } else if (c == 0) {
                    // The same, with the stream paced by the inter-pod links.
                    for (unsigned p = 0; p < rows; ++p) {
                        const unsigned i = r * rows + (b.flow.northward ? rows - 1 - p : p);
                        const std::int64_t u = std::int64_t(t) - L - std::int64_t(i) - S * r;
                        const std::int64_t m = vector_at(u);
                        const bool valid = m >= 0;
                        b.act_in_v.valid[p] = valid;
                        if (valid && i < K) {
                            b.act_in_v.value[p] = b.act_entry[std::size_t(m)][p];
                        } else {
                            b.act_in_v.value[p] = 0;
                        }
                    }
                } else {
                    activation_ring_.pop(unsigned(b.act_in), t, b.act_in_v, b.act_in_turn);
                }
                if (r > 0) partial_sum_ring_.pop(unsigned(b.psum_in), t, b.psum_in_v, b.psum_in_turn);
                b.sub->step(b.flow, b.act_in_v, b.psum_in_v, b.act_out_v, b.psum_out_v);
                if (trace_ && trace_on_ && b.sub->index() == trace_->subarray)
                    record(cycles_run_ + 1 + t, b.act_in_v, b.psum_in_v, b.act_out_v, b.psum_out_v);
                if (b.act_out >= 0) activation_ring_.push(unsigned(b.act_out), t, b.act_out_v);
                if (b.psum_out >= 0) partial_sum_ring_.push(unsigned(b.psum_out), t, b.psum_out_v);
                if (r + 1 < BR) continue;
                // Last row: outputs through the SIMD segment and the output crossbar.
                unsigned lanes = 0;
                for (unsigned p = 0; p < cols; ++p) {
                    if (!b.psum_out_v.valid[p]) continue;
                    const unsigned j = c * cols + (b.flow.westward ? cols - 1 - p : p);
                    if (j >= N) continue;
                    const unsigned m = written_per_column[j]++;
                    if (m >= M) throw DatapathError("tile produced more outputs than vectors");
                    Accumulator& slot = b.out_entry[m][p];
                    const Accumulator sum = cmd.accumulate ? slot + b.psum_out_v.value[p] : b.psum_out_v.value[p];
                    slot = cmd.simd.op == SimdOp::None ? sum : b.simd->apply(cmd.simd, sum);  // bypassed: as is
                    ++lanes;
                    ++written;
                    // A write to another pod's buffer crosses the inter-pod links.
                    last_write = std::max(last_write, t + simd_delay + b.out_entry_latency[m]);
                }
                if (cmd.simd.op != SimdOp::None) b.simd->count(lanes);
            }
    }
    // Energy counters of the Pod Memory banks.
    for (unsigned r = 0; r < BR; ++r) {
        PodMemory& mem = pods_[fp.pod_of(array.at(r, 0))]->memory();
        mem.activation_bits_read += std::uint64_t(M) * std::min(rows, K > r * rows ? K - r * rows : 0u) *
                                    cfg_.data.activation_bits;
    }
    for (unsigned c = 0; c < BC; ++c) {
        PodMemory& mem = pods_[fp.pod_of(array.at(BR - 1, c))]->memory();
        const unsigned used = std::min(cols, N > c * cols ? N - c * cols : 0u);
        mem.output_bits_written += std::uint64_t(M) * used * cfg_.pod.output_buffer.bank_width_bits;
        if (cmd.accumulate) mem.output_bits_read += std::uint64_t(M) * used * cfg_.pod.output_buffer.bank_width_bits;
    }
    TileRun run;
    run.cycles = 1 + last_write + 1;  // the latch cycle, stream cycles 0..last_write
    cycles_run_ += run.cycles;
    run.macs = std::uint64_t(M) * K * N;
    return run;
}

TileRun SystolicDatapath::run_tile(const LogicalArray& array, const TileCommand& cmd) {
    const TileRun run = compute_tile(array, cmd);
    sc_core::wait(clock_period_ * double(run.cycles));
    return run;
}

}  // namespace planaria
