#include "hw/sequencer/subarray_sequencer.h"

#include <algorithm>
#include <deque>

#include "hw/datapath/tile_timing.h"
#include "tlm/register_map.h"
#include "tlm/tenant_extension.h"

namespace planaria {

namespace rm = regmap;

SubarraySequencer::SubarraySequencer(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned subarray,
                                     SequencerServices& services)
    : sc_module(name), cfg_(cfg), subarray_(subarray), services_(services),
      period_(cfg.clock_period_ns(), sc_core::SC_NS),
      buffer_entries_(cfg.instruction_buffer.bytes / kInstructionBytes),
      act_entries_(cfg.pod.activation_buffer.bytes /
                   (std::uint64_t(cfg.pod.activation_buffer.banks) * cfg.pod.activation_buffer.bank_width_bits / 8)) {
    SC_THREAD(thread);
}

bool SubarraySequencer::start(std::uint64_t base, std::uint32_t tenant, std::uint64_t data_base) {
    if (busy_) return false;
    base_ = base;
    data_base_ = data_base;
    tenant_ = tenant;
    busy_ = true;
    done_ = false;
    error_ = rm::kSeqErrorNone;
    pc_ = tiles_ = busy_cycles_ = bytes_ = 0;
    layer_ = 0;
    for (auto& c : chunks_) c.index = ~0ull;
    start_.notify(sc_core::SC_ZERO_TIME);
    return true;
}

void SubarraySequencer::thread() {
    for (;;) {
        // The flag, not only the event: a doorbell rung before the simulation
        // started must not be lost.
        while (!busy_) sc_core::wait(start_);
        execute();
    }
}

void SubarraySequencer::fail(std::uint32_t code) {
    if (!error_) error_ = code;
}

sc_core::sc_time SubarraySequencer::dma(tlm::tlm_command cmd, std::uint64_t address, std::uint64_t bytes,
                                        sc_core::sc_time not_before) {
    // A request is dated `not_before`. The sequencer itself moves on at once
    // (a store waiting for its tile is posted, not waited for), but never
    // dates a request more than a quantum beyond its own time, so that
    // sequencers sharing a channel reach it in nearly the order of time.
    const sc_core::sc_time quantum = tlm_utils::tlm_quantumkeeper::get_global_quantum();
    if (not_before > now() + quantum) keeper_.set(not_before - quantum - sc_core::sc_time_stamp());
    if (keeper_.need_sync()) keeper_.sync();
    if (scratch_.size() < cfg_.offchip.burst_bytes) scratch_.resize(cfg_.offchip.burst_bytes);
    const BurstResult r = bursts(cmd, address, scratch_.data(), false, bytes, std::max(not_before, now()));
    if (!r.ok) fail(rm::kSeqErrorMemory);
    bytes_ += bytes;
    return r.done;
}

SubarraySequencer::BurstResult SubarraySequencer::bursts(tlm::tlm_command cmd, std::uint64_t address,
                                                         unsigned char* data, bool advance_data, std::uint64_t bytes,
                                                         sc_core::sc_time issue) {
    const unsigned burst = cfg_.offchip.burst_bytes;
    TenantExtension tenant(tenant_);
    BurstResult r{now(), 0, true};
    for (std::uint64_t offset = 0; offset < bytes; offset += burst) {
        const unsigned n = unsigned(std::min<std::uint64_t>(burst, bytes - offset));
        tlm::tlm_generic_payload trans;
        trans.set_command(cmd);
        trans.set_address(address + offset);
        trans.set_data_ptr(advance_data ? data + offset : data);
        trans.set_data_length(n);
        trans.set_streaming_width(n);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        trans.set_extension(&tenant);
        sc_core::sc_time delay = issue - sc_core::sc_time_stamp();
        services_.channel_transport(subarray_, trans, delay);
        trans.clear_extension(&tenant);
        if (!trans.is_response_ok()) {
            r.ok = false;
            break;
        }
        r.done = std::max(r.done, sc_core::sc_time_stamp() + delay);
        r.moved += n;
    }
    return r;
}

Instruction SubarraySequencer::fetch(std::uint64_t index) {
    const std::uint64_t chunk = index / buffer_entries_;
    if (chunks_[0].index != chunk) {
        if (chunks_[1].index == chunk) {
            std::swap(chunks_[0], chunks_[1]);
        } else {
            chunks_[0].index = chunk;
            chunks_[0].bytes.assign(std::size_t(buffer_entries_) * kInstructionBytes, 0);
            chunks_[0].ready = dma_into(chunks_[0], chunk);
        }
        // Prefetch the next buffer-full while this one drains.
        if (!error_ && chunks_[1].index != chunk + 1) {
            chunks_[1].index = chunk + 1;
            chunks_[1].bytes.assign(std::size_t(buffer_entries_) * kInstructionBytes, 0);
            chunks_[1].ready = dma_into(chunks_[1], chunk + 1);
        }
    }
    if (chunks_[0].ready > now()) keeper_.set(chunks_[0].ready - sc_core::sc_time_stamp());
    const std::uint8_t* bytes = chunks_[0].bytes.data() + (index % buffer_entries_) * kInstructionBytes;
    return Instruction::decode(bytes);
}

sc_core::sc_time SubarraySequencer::dma_into(Chunk& chunk, std::uint64_t index) {
    // Instruction fetch shares the channel with data; a buffer-full beyond
    // the end of memory is cut short, not an error, unless nothing comes back.
    const std::uint64_t address = base_ + index * buffer_entries_ * kInstructionBytes;
    const BurstResult r = bursts(tlm::TLM_READ_COMMAND, address, chunk.bytes.data(), true, chunk.bytes.size(), now());
    bytes_ += r.moved;
    return r.done;
}

BlockPosition SubarraySequencer::block() const {
    const LogicalArray& array = services_.array_of(subarray_);
    const auto it = std::find(array.subarrays.begin(), array.subarrays.end(), subarray_);
    const unsigned idx = unsigned(it - array.subarrays.begin());
    return {idx / array.block_cols, idx % array.block_cols, cfg_.subarray.rows, cfg_.subarray.cols};
}

void SubarraySequencer::describe(std::uint32_t bytes, unsigned slots) {
    // The payload is fetched like any instruction in both modes, so that
    // functional and timing-only runs take the same time.
    std::vector<Instruction> data;
    for (unsigned i = 0; i < slots && !error_; ++i) data.push_back(fetch(pc_++));
    TileBuffers* b = services_.buffers(subarray_);
    if (!b || error_) return;
    try {
        b->layer = LayerDescriptor::decode(data, bytes);
        b->described = true;
    } catch (const std::invalid_argument&) {
        fail(rm::kSeqErrorBadInstruction);
    }
}

void SubarraySequencer::execute() {
    keeper_.reset();
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    // Reads and writes queue separately, so a store waiting for its tile
    // does not hold up the loads of the next one.
    sc_core::sc_time read_free = now(), write_free = now(), compute_free = now(), operands = now(),
                     stores_done = now();
    // The activation buffer is a circular buffer of entries: a load takes
    // room, the tile that reads it gives the room back when it ends.
    struct Room {
        std::uint64_t entries;
        sc_core::sc_time free_at;
        bool consumed;
    };
    std::deque<Room> rooms;
    std::uint64_t in_use = 0;
    const std::uint64_t capacity = act_entries_;
    struct Frame {
        std::uint64_t begin, end;
        std::uint32_t left, count;
        std::uint64_t act_stride, store_stride;
    };
    std::vector<Frame> loops;
    std::uint64_t act_shift = 0, store_shift = 0;

    while (!error_) {
        // The end of a loop body: go round again, or leave it.
        while (!loops.empty() && pc_ == loops.back().end) {
            Frame& f = loops.back();
            if (--f.left > 0) {
                act_shift += f.act_stride;
                store_shift += f.store_stride;
                pc_ = f.begin;
                break;
            }
            act_shift -= f.act_stride * (f.count - 1);
            store_shift -= f.store_stride * (f.count - 1);
            loops.pop_back();
        }
        Instruction in;
        try {
            in = fetch(pc_);
        } catch (const std::invalid_argument&) {
            fail(rm::kSeqErrorBadInstruction);
            break;
        }
        if (error_) break;
        ++pc_;
        switch (in.opcode) {
            // The DMA engine issues requests in order without waiting for
            // their data (the channel queues them); a tile waits for its data.
            case Opcode::LoadWeights: {
                const sc_core::sc_time issue = std::max(read_free, now());
                operands = std::max(operands, dma(tlm::TLM_READ_COMMAND, data_base_ + in.a64, in.a32, issue));
                read_free = issue;
                if (TileBuffers* b = services_.buffers(subarray_))
                    if (!functional::load_weights(*b, services_.data_port(subarray_), data_base_, in.a64, in.a16, block()))
                        fail(rm::kSeqErrorFunctional);
                break;
            }
            case Opcode::LoadActivations: {
                const std::uint64_t entries = std::min<std::uint64_t>(std::max<std::uint64_t>(in.a16, 1), capacity);
                sc_core::sc_time issue = std::max(read_free, now());
                while (in_use + entries > capacity && !rooms.empty() && rooms.front().consumed) {
                    issue = std::max(issue, rooms.front().free_at);
                    in_use -= rooms.front().entries;
                    rooms.pop_front();
                }
                rooms.push_back({entries, sc_core::SC_ZERO_TIME, false});
                in_use += entries;
                operands = std::max(operands, dma(tlm::TLM_READ_COMMAND, data_base_ + in.a64 + act_shift, in.a32, issue));
                read_free = issue;
                if (TileBuffers* b = services_.buffers(subarray_)) {
                    // A SIMD layer's loads only time its traffic: the SIMD
                    // instruction reads its operands itself.
                    const bool gemm = b->described && b->layer.k_tiles > 0;
                    if (gemm && !functional::load_activations(*b, services_.data_port(subarray_), data_base_,
                                                              in.a64 + act_shift, std::max<unsigned>(in.a16, 1), block()))
                        fail(rm::kSeqErrorFunctional);
                }
                break;
            }
            case Opcode::Compute: {
                const unsigned m = unsigned(in.a64 & 0xFFFF), k = unsigned(in.a64 >> 16 & 0xFFFF),
                               n = unsigned(in.a64 >> 32 & 0xFFFF);
                const LogicalArray& array = services_.array_of(subarray_);
                if (m == 0 || k == 0 || n == 0 || k > array.block_rows * rows || n > array.block_cols * cols) {
                    fail(rm::kSeqErrorTile);
                    break;
                }
                const std::uint64_t cycles =
                    tile_cycles(cfg_, {array.block_rows, array.block_cols}, {m, k, n}, in.a16 != 0).total();
                const sc_core::sc_time start = std::max(compute_free, operands);
                compute_free = start + period_ * double(cycles);
                if (observer_) observer_({subarray_, tenant_, layer_, start, compute_free});
                for (auto it = rooms.rbegin(); it != rooms.rend() && !it->consumed; ++it) {
                    it->consumed = true;
                    it->free_at = compute_free;
                }
                busy_cycles_ += cycles;
                // A tile of a cluster is counted once, by its first subarray.
                if (array.subarrays.front() == subarray_) ++tiles_;
                if (TileBuffers* b = services_.buffers(subarray_)) {
                    b->pending = {true, (in.flags & 1) != 0, m, unsigned(in.a64 >> 48 & 0xFFFF)};
                    // A cluster's tile is computed at its barrier; a subarray alone computes now.
                    if (array.subarrays.size() == 1) services_.compute_tile(subarray_);
                }
                if (services_.reconfiguration_pending()) {
                    // Stop at the tile boundary until the new configuration is in.
                    keeper_.set(compute_free - sc_core::sc_time_stamp());
                    keeper_.sync();
                    services_.tile_boundary(subarray_);
                    keeper_.reset();
                    compute_free = std::max(compute_free, now());
                }
                break;
            }
            case Opcode::Simd: {
                const std::uint64_t cycles = (in.a64 + cfg_.simd.lanes - 1) / cfg_.simd.lanes + cfg_.simd.pipeline_stages;
                const sc_core::sc_time start = std::max(compute_free, operands);
                compute_free = start + period_ * double(cycles);
                busy_cycles_ += cycles;
                ++tiles_;  // a SIMD layer is one tile on each of the tenant's subarrays, as the table counts it
                if (observer_) observer_({subarray_, tenant_, layer_, start, compute_free});
                if (TileBuffers* b = services_.buffers(subarray_))
                    if (!functional::simd(*b, services_.data_port(subarray_), data_base_)) fail(rm::kSeqErrorFunctional);
                break;
            }
            case Opcode::Store: {
                const sc_core::sc_time issue = std::max({write_free, now(), compute_free});
                stores_done = std::max(stores_done, dma(tlm::TLM_WRITE_COMMAND, data_base_ + in.a64 + store_shift, in.a32, issue));
                write_free = issue;
                if (TileBuffers* b = services_.buffers(subarray_)) {
                    const bool gemm = b->described && b->layer.k_tiles > 0;
                    if (gemm && !functional::store(*b, services_.data_port(subarray_), data_base_, in.a64 + store_shift, block()))
                        fail(rm::kSeqErrorFunctional);
                }
                break;
            }
            case Opcode::Sync: {
                // The cluster's subarrays meet at the tile boundary: they agree
                // on when the tile ends (the latest member) and go on issuing.
                keeper_.sync();
                sc_core::sc_time stored = stores_done;
                if (!services_.barrier(subarray_, tenant_, in.a32, in.a16, in.flags & 1, compute_free, stored))
                    fail(rm::kSeqErrorConfiguration);
                keeper_.reset();
                // A data barrier: the next layer reads what the members stored.
                if (in.flags & 2) read_free = std::max(read_free, stored), operands = std::max(operands, stored);
                break;
            }
            case Opcode::Describe:
                describe(in.a32, in.a16);
                break;
            case Opcode::Data:  // payload outside a descriptor: nothing to do
                break;
            case Opcode::LayerBoundary:
                layer_ = in.a32;
                break;
            case Opcode::Configure:
                services_.stage_configuration(subarray_, in.a16, in.a32);
                break;
            case Opcode::Loop:
                if (in.a16 == 0 || in.a32 == 0) {
                    fail(rm::kSeqErrorBadInstruction);
                    break;
                }
                loops.push_back({pc_, pc_ + in.a32, in.a16, in.a16, in.a64 & 0xFFFF'FFFFull, in.a64 >> 32});
                break;
            case Opcode::End: {
                const sc_core::sc_time end = std::max({operands, compute_free, stores_done});
                if (end > now()) keeper_.set(end - sc_core::sc_time_stamp());
                keeper_.sync();
                busy_ = false;
                done_ = true;
                finished_at_ = sc_core::sc_time_stamp();
                services_.finished(subarray_, false);
                return;
            }
        }
        if (keeper_.need_sync()) keeper_.sync();
    }
    keeper_.sync();
    busy_ = false;
    finished_at_ = sc_core::sc_time_stamp();
    services_.finished(subarray_, true);
}

}  // namespace planaria
