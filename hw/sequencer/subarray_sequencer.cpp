#include "hw/sequencer/subarray_sequencer.h"

#include <algorithm>
#include <deque>
#include <sstream>

#include "hw/timing/tile_timing.h"
#include "tlm/memory_access.h"
#include "tlm/register_map.h"
#include "tlm/tenant_extension.h"
#include "tlm/timing_only_extension.h"

namespace planaria {

namespace rm = regmap;

namespace {
/// The tenant-wide barrier of sequencers resuming together.
constexpr std::uint32_t kResumeBarrier = 0xFFFF'FFFFu;
}  // namespace

SubarraySequencer::SubarraySequencer(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned subarray,
                                     SequencerServices& services, const sc_core::sc_time& quantum)
    : sc_module(name), cfg_(cfg), subarray_(subarray), services_(services),
      period_(cfg.clock_period_ns(), sc_core::SC_NS),
      latency_(cfg.offchip.latency_ns, sc_core::SC_NS),
      buffer_entries_(cfg.instruction_buffer.bytes / kInstructionBytes), floorplan_(cfg), keeper_(quantum) {
    SC_THREAD(thread);
}

bool SubarraySequencer::start(const TenantMemory& memory, std::uint32_t tenant) {
    if (busy_) return false;
    base_ = memory.program;
    data_base_ = memory.data;
    weights_base_ = memory.weights;
    tenant_ = tenant;
    busy_ = true;
    done_ = false;
    error_ = rm::kSeqErrorNone;
    pc_ = tiles_ = busy_cycles_ = bytes_ = 0;
    layer_ = 0;
    layer_bytes_.clear();
    preempt_requested_ = preempted_ = resuming_ = false;
    loops_.clear();
    act_shift_ = store_shift_ = 0;
    described_ = false;
    new_descriptor();
    weights_.assign(cfg_.subarray.weight_buffer_bytes / 2, {});
    weights_after_tile_ = false;
    held_vectors_ = held_cols_ = 0;
    activity_ = {};
    for (auto& c : chunks_) c.index = ~0ull;
    start_.notify(sc_core::SC_ZERO_TIME);
    return true;
}

bool SubarraySequencer::resume(const TenantMemory& memory, std::uint32_t tenant, std::uint64_t context,
                               unsigned parties) {
    if (!start(memory, tenant)) return false;
    context_ = context;
    resuming_ = true;
    resume_parties_ = std::max(parties, 1u);
    return true;
}

void SubarraySequencer::request_preempt(std::uint64_t context) {
    if (!busy_ || preempt_requested_) return;
    context_ = context;
    preempt_requested_ = true;
    preempt_event_.notify(sc_core::SC_ZERO_TIME);
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

void SubarraySequencer::fail_memory(const Refusal& r, const char* what) {
    if (error_) return;
    fail(rm::kSeqErrorMemory);
    std::ostringstream os;
    os << name() << " (tenant " << tenant_ << ", pc " << pc_ << "): " << what << " refused: "
       << (r.command == tlm::TLM_WRITE_COMMAND ? "write" : "read") << " of " << r.bytes << " bytes at 0x" << std::hex
       << r.address << std::dec << " answered " << response_name(r.status)
       << "; the sequencer stops with ERROR " << rm::kSeqErrorMemory << " (memory)";
    SC_REPORT_WARNING("/planaria/sequencer/memory", os.str().c_str());
}

sc_core::sc_time SubarraySequencer::dma(tlm::tlm_command cmd, std::uint64_t address, std::uint64_t bytes,
                                        sc_core::sc_time not_before, unsigned char* data) {
    const DmaRun run{address, bytes};
    return dma(cmd, 0, &run, 1, not_before, data);
}

sc_core::sc_time SubarraySequencer::dma(tlm::tlm_command cmd, std::uint64_t base, const DmaRun* runs,
                                        std::size_t count, sc_core::sc_time not_before, unsigned char* data) {
    // A request is dated `not_before`. The sequencer itself moves on at once:
    // a store waiting for its tile is posted with its date (the write queue
    // is the DMA engine's, apart from the reads, so it holds up neither the
    // next loads nor the sequencer). A read that must wait for room in the
    // activation buffer holds up the read queue behind it: the sequencer
    // follows it to within a quantum, so that sequencers sharing a channel
    // reach it in nearly the order of time.
    const sc_core::sc_time quantum = keeper_.effective();
    if (cmd == tlm::TLM_READ_COMMAND && not_before > now() + quantum)
        keeper_.set(not_before - quantum - sc_core::sc_time_stamp());
    if (keeper_.need_sync()) keeper_.sync();
    if (scratch_.size() < cfg_.offchip.burst_bytes) scratch_.resize(cfg_.offchip.burst_bytes);
    const sc_core::sc_time issue = std::max(not_before, now());
    BurstResult r{now(), 0, true, {}};
    for (std::size_t i = 0; i < count; ++i) {
        const DmaRun& run = runs[i];
        const BurstResult part = bursts(cmd, base + run.offset, data ? data + r.moved : scratch_.data(),
                                        data != nullptr, run.bytes, issue);
        r.done = std::max(r.done, part.done);
        r.moved += part.moved;
        if (!part.ok) {
            r.ok = false, r.refusal = part.refusal;
            break;
        }
    }
    if (!r.ok) fail_memory(r.refusal, "data transfer");
    bytes_ += r.moved;
    if (layer_bytes_.size() <= layer_) layer_bytes_.resize(std::size_t(layer_) + 1, 0);
    layer_bytes_[layer_] += r.moved;
    return r.done;
}

SubarraySequencer::BurstResult SubarraySequencer::bursts(tlm::tlm_command cmd, std::uint64_t address,
                                                         unsigned char* data, bool advance_data, std::uint64_t bytes,
                                                         sc_core::sc_time issue) {
    const unsigned burst = cfg_.offchip.burst_bytes;
    TenantExtension tenant(tenant_);
    // Bytes that only time the traffic (a timing-only run's scratch) say so.
    TimingOnlyExtension timing_only;
    BurstResult r{now(), 0, true, {}};
    for (std::uint64_t offset = 0; offset < bytes; offset += burst) {
        const unsigned n = unsigned(std::min<std::uint64_t>(burst, bytes - offset));
        // One payload for all bursts (a new one allocates its extension array), reset to a fresh one's attributes.
        tlm::tlm_generic_payload& trans = payload_;
        trans.set_byte_enable_ptr(nullptr);
        trans.set_byte_enable_length(0);
        trans.set_dmi_allowed(false);
        trans.set_gp_option(tlm::TLM_MIN_PAYLOAD);
        trans.set_command(cmd);
        trans.set_address(address + offset);
        trans.set_data_ptr(advance_data ? data + offset : data);
        trans.set_data_length(n);
        trans.set_streaming_width(n);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        // The extension lives on this stack: it must leave the payload before
        // the payload's destructor would free it, also when transport throws.
        trans.set_extension(&tenant);
        if (!advance_data) trans.set_extension(&timing_only);
        struct Detach {
            tlm::tlm_generic_payload& t;
            TenantExtension* e;
            TimingOnlyExtension* timing_only;
            ~Detach() {
                t.clear_extension(e);
                t.clear_extension(timing_only);
            }
        } detach{trans, &tenant, &timing_only};
        sc_core::sc_time delay = issue - sc_core::sc_time_stamp();
        services_.channel_transport(subarray_, trans, delay);
        if (!trans.is_response_ok()) {
            r.ok = false;
            r.refusal = {cmd, address + offset, n, trans.get_response_status()};
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
    // Running into what the memory refused to deliver is a memory error, not a bad instruction.
    if ((index % buffer_entries_ + 1) * kInstructionBytes > chunks_[0].valid) {
        fail_memory(chunks_[0].refusal, "instruction fetch");
        return Instruction::of(Opcode::End);
    }
    const std::uint8_t* bytes = chunks_[0].bytes.data() + (index % buffer_entries_) * kInstructionBytes;
    activity_.instruction_bits += kInstructionBytes * 8;
    return Instruction::decode(bytes);
}

sc_core::sc_time SubarraySequencer::dma_into(Chunk& chunk, std::uint64_t index) {
    // Instruction fetch shares the channel with data; a buffer-full beyond
    // the end of memory is cut short, not an error, unless nothing comes back.
    const std::uint64_t address = base_ + index * buffer_entries_ * kInstructionBytes;
    const BurstResult r = bursts(tlm::TLM_READ_COMMAND, address, chunk.bytes.data(), true, chunk.bytes.size(), now());
    bytes_ += r.moved;
    activity_.instruction_bits += r.moved * 8;  // the buffer's fill
    chunk.valid = r.moved;
    chunk.refusal = r.refusal;
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
    if (error_) return;
    // Decoded in both modes: the address generators need it to place the transfers.
    try {
        desc_ = LayerDescriptor::decode(data, bytes);
        described_ = true;
        new_descriptor();
        raw_load_ = 0;
    } catch (const std::invalid_argument&) {
        fail(rm::kSeqErrorBadInstruction);
        return;
    }
    if (TileBuffers* b = services_.buffers(subarray_)) {
        b->layer = desc_;
        b->described = true;
    }
}

void SubarraySequencer::new_descriptor() {
    footprints_.clear();
    operands_known_ = false;
}

void SubarraySequencer::checkpoint(const Horizon& h) {
    // The tile in flight finishes and its stores drain first: what is saved
    // is then exactly the one tile of results still in the output buffer.
    const sc_core::sc_time quiet = std::max({h.operands, h.compute_free, h.stores_done});
    SequencerContext c;
    c.pc = pc_, c.layer = layer_, c.tiles = tiles_, c.busy_cycles = busy_cycles_, c.bytes = bytes_;
    for (std::size_t i = 0; i < Activity::kCounters; ++i) c.activity[i] = activity_.*Activity::counters()[i];
    c.act_shift = act_shift_, c.store_shift = store_shift_;
    c.loops = loops_;
    std::uint32_t state = 0, staged = 0;
    unsigned selector = 0, staged_selector = 0;
    services_.configuration(subarray_, state, selector);
    c.state = state, c.selector = selector;
    if (services_.staged_configuration(subarray_, staged, staged_selector))
        c.staged = 1, c.staged_state = staged, c.staged_selector = staged_selector;
    c.weights = weights_;
    c.raw_load = raw_load_;
    c.held_vectors = held_vectors_, c.held_cols = held_cols_;
    c.described = described_;
    c.descriptor = desc_;
    if (const TileBuffers* b = services_.buffers(subarray_)) {
        if (b->out_vectors * b->out_cols == held_vectors_ * held_cols_) c.outputs = b->outputs;
    }
    const unsigned slots = unsigned(weights_.size());
    std::vector<std::uint8_t> bytes = c.serialize(slots);
    // The context is control state: its transfer carries it in both data modes.
    const sc_core::sc_time saved = dma(tlm::TLM_WRITE_COMMAND, context_, bytes.size(), quiet, bytes.data());
    if (saved > now()) keeper_.set(saved - sc_core::sc_time_stamp());
    stop_preempted();
}

void SubarraySequencer::stop_preempted() {
    keeper_.sync();
    busy_ = false;
    preempt_requested_ = false;
    preempted_ = !error_;
    finished_at_ = sc_core::sc_time_stamp();
    services_.finished(subarray_, error_ != 0);
}

void SubarraySequencer::restore(Horizon& h) {
    resuming_ = false;
    const unsigned slots = unsigned(weights_.size());
    // The header says how large the saved tile of results is.
    const std::uint64_t header = SequencerContext::header_bytes(slots);
    std::vector<std::uint8_t> bytes(header);
    SequencerContext c;
    sc_core::sc_time read = dma(tlm::TLM_READ_COMMAND, context_, header, now(), bytes.data());
    try {
        if (error_) throw std::invalid_argument("unreadable");
        bytes.resize(header + SequencerContext::results_bytes(bytes, slots));
        if (bytes.size() > header)
            read = dma(tlm::TLM_READ_COMMAND, context_ + header, bytes.size() - header, read, bytes.data() + header);
        c = SequencerContext::deserialize(bytes, slots);
    } catch (const std::invalid_argument&) {
        fail(rm::kSeqErrorMemory);
        return;
    }
    h.operands = std::max(h.operands, read);
    pc_ = c.pc, layer_ = std::uint32_t(c.layer), tiles_ = c.tiles, busy_cycles_ = c.busy_cycles;
    for (std::size_t i = 0; i < Activity::kCounters; ++i) activity_.*Activity::counters()[i] = c.activity[i];
    bytes_ += c.bytes;  // the restore's own traffic is already counted
    act_shift_ = c.act_shift, store_shift_ = c.store_shift;
    loops_ = c.loops;
    weights_ = c.weights;
    held_vectors_ = c.held_vectors, held_cols_ = c.held_cols;
    // The tenant's resumed sequencers re-form its logical arrays together.
    services_.stage_configuration(subarray_, std::uint32_t(c.state), unsigned(c.selector));
    keeper_.sync();
    SequencerServices::BarrierSync sync{h.compute_free, h.stores_done};
    const bool ok = services_.barrier(subarray_, tenant_, kResumeBarrier, resume_parties_, true, sync);
    keeper_.reset();
    if (!ok) {
        fail(sync.aborted ? rm::kSeqErrorAborted : rm::kSeqErrorConfiguration);
        return;
    }
    if (sync.withdrawn) {
        // Preempted again before the tenant's arrays were re-formed: it stops
        // where it was. The context in memory is still the one it read, so
        // nothing is saved (its arrays are not in the registers to be saved;
        // what it staged is dropped when the subarray's next run starts).
        stop_preempted();
        return;
    }
    if (c.staged) services_.stage_configuration(subarray_, std::uint32_t(c.staged_state), unsigned(c.staged_selector));
    // The PE weight buffers were lost to the subarrays' other users: reload the resident set.
    desc_ = c.descriptor;
    described_ = c.described != 0;
    new_descriptor();
    TileBuffers* b = services_.buffers(subarray_);
    if (b) {
        b->layer = desc_;
        b->described = described_;
    }
    for (unsigned slot = 0; slot < slots; ++slot) {
        const SequencerContext::WeightLoad& w = weights_[slot];
        if (!w.valid) continue;
        fetch_weights(h, w.address, w.bytes, slot);
    }
    // So were the raw pixels of a chunk whose later k tiles are still to
    // come (it stopped after a tile, so the last load's tile is done): its
    // loads so far come again.
    if (c.raw_load && described_ && transfers_generated(desc_)) {
        const std::optional<ActivationTile> last = activation_tile(desc_, c.raw_load - 1);
        if (last && last->k_tile + 1 < desc_.k_tiles) {
            const std::uint64_t unit = std::uint64_t(desc_.max_vectors) * desc_.tile_rows * 2;
            const unsigned vectors = unsigned(std::uint64_t(desc_.m) * (last->chunk + 1) / desc_.m_chunks -
                                              std::uint64_t(desc_.m) * last->chunk / desc_.m_chunks);
            for (std::uint64_t kt = 0; kt <= last->k_tile && !error_; ++kt)
                fetch_activations(h, c.raw_load - 1 - (last->k_tile - kt) * unit, kAnyBytes, vectors, now());
        }
    }
    if (b) {
        b->out_vectors = unsigned(c.held_vectors), b->out_cols = unsigned(c.held_cols);
        b->outputs = c.outputs;
    }
}

/// The activation buffer is a circular buffer of entries: a load takes
/// room, the tile that reads it gives the room back when it ends.
struct SubarraySequencer::ActivationBuffer {
    struct Room {
        std::uint64_t entries;
        sc_core::sc_time free_at;
        bool consumed;
    };
    std::deque<Room> rooms;
    std::uint64_t in_use = 0;
};

void SubarraySequencer::execute() {
    keeper_.reset();
    // Reads and writes queue separately, so a store waiting for its tile
    // does not hold up the loads of the next one.
    Horizon h{now(), now(), now(), now(), now()};
    ActivationBuffer act;
    if (resuming_) {
        restore(h);
        if (!busy_) return;  // preempted again before it could resume
    }

    while (!error_) {
        loop_end();
        Instruction in;
        try {
            in = fetch(pc_);
        } catch (const std::invalid_argument&) {
            fail(rm::kSeqErrorBadInstruction);
            break;
        }
        if (error_) break;
        ++pc_;
        Flow flow = Flow::Continue;
        switch (in.opcode) {
            case Opcode::LoadWeights: load_weights(in, h); break;
            case Opcode::LoadActivations: load_activations(in, h, act); break;
            case Opcode::Compute: flow = compute(in, h, act); break;
            case Opcode::Simd: flow = simd(in, h); break;
            case Opcode::Store: flow = store(in, h); break;
            case Opcode::Sync: flow = sync(in, h); break;
            case Opcode::Describe: describe(in.a32, in.a16); break;
            case Opcode::Data: break;  // payload outside a descriptor: nothing to do
            case Opcode::LayerBoundary: layer_boundary(in); break;
            case Opcode::Configure: configure(in); break;
            case Opcode::Loop: loop(in); break;
            case Opcode::End: end(h); return;
        }
        if (flow == Flow::Stopped) return;
        if (keeper_.need_sync()) keeper_.sync();
    }
    keeper_.sync();
    busy_ = false;
    finished_at_ = sc_core::sc_time_stamp();
    services_.finished(subarray_, true);
}

void SubarraySequencer::loop_end() {
    while (!loops_.empty() && pc_ == loops_.back().end) {
        SequencerContext::Loop& f = loops_.back();
        if (--f.left > 0) {
            act_shift_ += f.act_stride;
            store_shift_ += f.store_stride;
            pc_ = f.begin;
            return;
        }
        act_shift_ -= f.act_stride * (f.count - 1);
        store_shift_ -= f.store_stride * (f.count - 1);
        loops_.pop_back();
    }
}

// The DMA engine issues requests in order without waiting for their data
// (the channel queues them); a tile waits for its data.

void SubarraySequencer::read_operands(Horizon& h, std::uint64_t address, std::uint64_t bytes,
                                      sc_core::sc_time not_before, unsigned char* data) {
    const DmaRun run{address, bytes};
    read_operands(h, 0, &run, 1, not_before, data);
}

void SubarraySequencer::read_operands(Horizon& h, std::uint64_t base, const DmaRun* runs, std::size_t count,
                                      sc_core::sc_time not_before, unsigned char* data) {
    const sc_core::sc_time issue = std::max({h.read_free, now(), not_before});
    const sc_core::sc_time done = dma(tlm::TLM_READ_COMMAND, base, runs, count, issue, data);
    h.operands = std::max(h.operands, done);
    // The read queue issues its next request when this one's last byte has
    // left the channel (its data is then on the way back): an engine keeps
    // the channel busy on its own, yet sequencers sharing a channel take
    // turns on it, as an arbiter would serve them, instead of the first to
    // run booking all of its requests ahead of the others'.
    h.read_free = done > issue + latency_ ? done - latency_ : issue;
}

void SubarraySequencer::load_weights(const Instruction& in, Horizon& h) {
    // The first load after a tile starts a new resident set (the tiles before it are done with theirs).
    if (weights_after_tile_) weights_.assign(weights_.size(), {});
    weights_after_tile_ = false;
    if (in.a16 < weights_.size()) weights_[in.a16] = {1, in.a64, in.a32};
    activity_.weight_buffer_bits += std::uint64_t(in.a32) * 8;
    fetch_weights(h, in.a64, in.a32, in.a16);
}

void SubarraySequencer::fetch_weights(Horizon& h, std::uint64_t offset, std::uint64_t bytes, unsigned slot) {
    TileBuffers* b = services_.buffers(subarray_);
    if (!b || !b->described || b->layer.k_tiles == 0) {
        read_operands(h, weights_base_ + offset, bytes);
        return;
    }
    // The weights ride in the load's own transactions (hw/isa/weight_layout.h).
    staging_.assign(bytes, 0);
    const std::uint32_t before = error_;
    read_operands(h, weights_base_ + offset, bytes, sc_core::SC_ZERO_TIME, staging_.data());
    if (error_ != before) return;  // the memory refused it: ERROR 2 already
    if (!functional::load_weights(*b, staging_.data(), offset, bytes, slot, block())) fail(rm::kSeqErrorFunctional);
}

const BufferReach& SubarraySequencer::reach() {
    const LogicalArray& a = services_.array_of(subarray_);
    if (!reach_array_ || reach_array_->block_rows != a.block_rows || reach_array_->subarrays != a.subarrays) {
        reach_array_ = a;
        reach_.emplace(cfg_, floorplan_, a);
    }
    return *reach_;
}

void SubarraySequencer::load_activations(const Instruction& in, Horizon& h, ActivationBuffer& act) {
    const std::uint64_t capacity = reach().activation_entries();
    const std::uint64_t entries = std::min<std::uint64_t>(std::max<std::uint64_t>(in.a16, 1), capacity);
    sc_core::sc_time room = sc_core::SC_ZERO_TIME;  // when the tiles before have freed enough of it
    while (act.in_use + entries > capacity && !act.rooms.empty() && act.rooms.front().consumed) {
        room = std::max(room, act.rooms.front().free_at);
        act.in_use -= act.rooms.front().entries;
        act.rooms.pop_front();
    }
    act.rooms.push_back({entries, sc_core::SC_ZERO_TIME, false});
    activity_.activation_buffer_bits += std::uint64_t(in.a32) * 8;
    act.in_use += entries;
    const std::uint64_t tiled = in.a64 + act_shift_;
    // A layer the chip only times reads its share of the tiled range.
    if (described_ && transfers_generated(desc_))
        fetch_activations(h, tiled, in.a32, std::max<unsigned>(in.a16, 1), room);
    else if (described_ && simd_generated(desc_))
        fetch_operands(h, in.a32, room);
    else
        read_operands(h, data_base_ + tiled, in.a32, room);
}

void SubarraySequencer::fetch_activations(Horizon& h, std::uint64_t tiled, std::uint64_t bytes, unsigned vectors,
                                          sc_core::sc_time not_before) {
    const std::optional<ActivationTile> tile = activation_tile(desc_, tiled);
    if (!tile) {
        fail(rm::kSeqErrorFunctional);
        return;
    }
    // Raw pixels serve the chunk's later k tiles: a preempted run fetches them again when it resumes.
    raw_load_ = desc_.raw ? tiled + 1 : 0;
    spans_.clear();
    activation_spans(desc_, block(), *tile, cfg_.offchip.read_through_bytes / 2, spans_, &footprints_);
    const std::vector<DmaRun> runs = activation_runs(desc_, *tile, spans_);
    if (!read_generated(h, runs, bytes, not_before)) return;
    if (!functional::load_activations(*services_.buffers(subarray_), desc_, *tile, spans_, staging_.data(), vectors,
                                      block()))
        fail(rm::kSeqErrorFunctional);
}

void SubarraySequencer::fetch_operands(Horizon& h, std::uint64_t bytes, sc_core::sc_time not_before) {
    if (!operands_known_) {
        operand_spans_.clear();
        simd_operand_spans(desc_, cfg_.offchip.read_through_bytes / 2, operand_spans_);
        operand_runs_ = simd_operand_runs(desc_, operand_spans_);
        operands_known_ = true;
    }
    if (!read_generated(h, operand_runs_, bytes, not_before)) return;
    functional::load_operands(*services_.buffers(subarray_), operand_spans_, staging_.data());
}

bool SubarraySequencer::read_generated(Horizon& h, const std::vector<DmaRun>& runs, std::uint64_t bytes,
                                       sc_core::sc_time not_before) {
    const std::uint64_t generated = run_bytes(runs);
    if (bytes != kAnyBytes && generated != bytes) {  // the program and its descriptor disagree
        fail(rm::kSeqErrorFunctional);
        return false;
    }
    const bool functional = services_.buffers(subarray_) != nullptr;
    if (functional) staging_.assign(generated, 0);
    const std::uint32_t before = error_;
    read_operands(h, data_base_, runs.data(), runs.size(), not_before, functional ? staging_.data() : nullptr);
    return functional && error_ == before;  // timing only, or the memory refused it: ERROR 2 already
}

SubarraySequencer::Flow SubarraySequencer::compute(const Instruction& in, Horizon& h, ActivationBuffer& act) {
    const unsigned rows = cfg_.subarray.rows, cols = cfg_.subarray.cols;
    const unsigned m = unsigned(in.a64 & 0xFFFF), k = unsigned(in.a64 >> 16 & 0xFFFF),
                   n = unsigned(in.a64 >> 32 & 0xFFFF);
    const LogicalArray& array = services_.array_of(subarray_);
    if (m == 0 || k == 0 || n == 0 || k > array.block_rows * rows || n > array.block_cols * cols) {
        fail(rm::kSeqErrorTile);
        return Flow::Continue;
    }
    const ArrayShape shape{array.block_rows, array.block_cols};
    const TileShape tile{m, k, n};
    std::uint64_t cycles = (timing_ ? timing_(cfg_, shape, tile, in.a16 != 0, reach().stripe())
                                    : tile_cycles(cfg_, shape, tile, in.a16 != 0, reach().stripe()))
                               .total();
    if (TileBuffers* b = services_.buffers(subarray_))
        b->pending = {true, (in.flags & 1) != 0, m, unsigned(in.a64 >> 48 & 0xFFFF)};
    const sc_core::sc_time start = std::max(h.compute_free, h.operands);
    const TileOutcome outcome = services_.issue_tile(
        subarray_, {tile, unsigned(in.a64 >> 48 & 0xFFFF), (in.flags & 1) != 0, in.a16 != 0, cycles, layer_, start});
    if (outcome.error) fail(outcome.error);
    if (outcome.measured) cycles = outcome.cycles;  // the datapath's own cycles are the time the tile takes
    h.compute_free = start + period_ * double(cycles);
    if (observer_) observer_({subarray_, tenant_, layer_, start, h.compute_free});
    for (auto it = act.rooms.rbegin(); it != act.rooms.rend() && !it->consumed; ++it) {
        it->consumed = true;
        it->free_at = h.compute_free;
    }
    busy_cycles_ += cycles;
    // A tile of a cluster is counted once, by its first subarray.
    if (array.subarrays.front() == subarray_) ++tiles_;
    weights_after_tile_ = true;
    const BlockPosition at = block();
    activity_ += tile_activity(cfg_, shape, at.row, at.col, tile, cycles, (in.flags & 1) != 0, reach().stripe());
    if (at.row + 1 == array.block_rows) {  // the last block row holds the output buffer
        held_vectors_ = m;
        held_cols_ = block_extent(n, at.col, cols);
        if (in.a16) activity_.simd_ops += std::uint64_t(m) * held_cols_;
    }
    // A subarray alone stands at a tile boundary after each tile.
    if (array.subarrays.size() == 1 && preempt_requested_) {
        checkpoint(h);
        return Flow::Stopped;
    }
    if (services_.reconfiguration_pending()) {
        // Stop at the tile boundary until the new configuration is in.
        keeper_.set(h.compute_free - sc_core::sc_time_stamp());
        keeper_.sync();
        services_.tile_boundary(subarray_);
        keeper_.reset();
        h.compute_free = std::max(h.compute_free, now());
    }
    return Flow::Continue;
}

SubarraySequencer::Flow SubarraySequencer::simd(const Instruction& in, Horizon& h) {
    const std::uint64_t cycles = (in.a64 + cfg_.simd.lanes - 1) / cfg_.simd.lanes + cfg_.simd.pipeline_stages;
    const sc_core::sc_time start = std::max(h.compute_free, h.operands);
    h.compute_free = start + period_ * double(cycles);
    busy_cycles_ += cycles;
    activity_.simd_ops += in.a64;
    ++tiles_;  // a SIMD layer is one tile on each of the tenant's subarrays, as the table counts it
    if (observer_) observer_({subarray_, tenant_, layer_, start, h.compute_free});
    const bool generated = described_ && simd_generated(desc_);
    if (TileBuffers* b = services_.buffers(subarray_))
        if (!functional::simd(*b, numerics::NumberFormat{cfg_.data.activation_bits})) fail(rm::kSeqErrorFunctional);
    // The share's tile ends with its store (the results are not saved in a context).
    if (preempt_requested_ && !error_ && !generated) {
        checkpoint(h);
        return Flow::Stopped;
    }
    return Flow::Continue;
}

SubarraySequencer::Flow SubarraySequencer::store(const Instruction& in, Horizon& h) {
    const sc_core::sc_time issue = std::max({h.write_free, now(), h.compute_free});
    const std::uint64_t tiled = in.a64 + store_shift_;
    TileBuffers* b = services_.buffers(subarray_);
    const bool simd_share = described_ && simd_generated(desc_);
    if (described_ && transfers_generated(desc_)) {
        // A GEMM layer's output block goes where the tensor lies, column by column (dma_runs.h).
        const std::vector<DmaRun> runs = store_runs(desc_, tiled, in.a32, block());
        if (runs.empty()) {
            fail(rm::kSeqErrorFunctional);
            return Flow::Continue;
        }
        unsigned char* data = nullptr;
        if (b) {
            // In a functional run the output buffer's values ride in the store, column major.
            const std::uint64_t cols = std::uint64_t(b->out_cols), vectors = b->out_vectors;
            if (cols * vectors * 2 != in.a32) {
                fail(rm::kSeqErrorFunctional);
                return Flow::Continue;
            }
            staging_.assign(in.a32, 0);
            std::int16_t* out = reinterpret_cast<std::int16_t*>(staging_.data());
            for (std::uint64_t j = 0; j < cols; ++j)
                for (std::uint64_t v = 0; v < vectors; ++v) out[j * vectors + v] = std::int16_t(b->outputs[v * cols + j]);
            data = staging_.data();
        }
        h.stores_done = std::max(h.stores_done, dma(tlm::TLM_WRITE_COMMAND, data_base_, runs.data(), runs.size(), issue, data));
    } else if (simd_share) {
        // A SIMD share's results go where the output tensor holds them (hw/isa/simd_share.h).
        const std::vector<DmaRun> runs = simd_result_runs(desc_);
        const std::uint64_t bytes = run_bytes(runs);
        if (bytes != in.a32 || (b && b->results.size() * 2 != bytes)) {
            fail(rm::kSeqErrorFunctional);
            return Flow::Continue;
        }
        unsigned char* data = b ? reinterpret_cast<unsigned char*>(b->results.data()) : nullptr;
        h.stores_done = std::max(h.stores_done, dma(tlm::TLM_WRITE_COMMAND, data_base_, runs.data(), runs.size(), issue, data));
    } else {
        h.stores_done = std::max(h.stores_done, dma(tlm::TLM_WRITE_COMMAND, data_base_ + tiled, in.a32, issue));
    }
    h.write_free = issue;
    held_vectors_ = held_cols_ = 0;
    activity_.output_buffer_bits += std::uint64_t(in.a32) * 8;
    if (simd_share && preempt_requested_ && !error_) {
        checkpoint(h);
        return Flow::Stopped;
    }
    return Flow::Continue;
}

SubarraySequencer::Flow SubarraySequencer::sync(const Instruction& in, Horizon& h) {
    // The cluster's subarrays meet at the tile boundary: they agree
    // on when the tile ends (the latest member) and go on issuing.
    const bool tenant_wide = in.flags & 1;
    // A preempted sequencer does not join a tenant-wide barrier:
    // it stops before it, and meets it again when it resumes.
    if (tenant_wide && preempt_requested_) {
        --pc_;
        checkpoint(h);
        return Flow::Stopped;
    }
    keeper_.sync();
    SequencerServices::BarrierSync agreed{h.compute_free, h.stores_done};
    const bool ok = services_.barrier(subarray_, tenant_, in.a32, in.a16, tenant_wide, agreed);
    keeper_.reset();
    if (agreed.withdrawn) {
        --pc_;
        checkpoint(h);
        return Flow::Stopped;
    }
    if (!ok) fail(agreed.error ? agreed.error : agreed.aborted ? rm::kSeqErrorAborted : rm::kSeqErrorConfiguration);
    h.compute_free = agreed.compute_done;
    // A data barrier: the next layer reads what the members stored.
    if (in.flags & 2) {
        h.read_free = std::max(h.read_free, agreed.stores_done);
        h.operands = std::max(h.operands, agreed.stores_done);
    }
    // A cluster stops together, at the boundary of the tile it just issued.
    if (agreed.stop && !error_) {
        checkpoint(h);
        return Flow::Stopped;
    }
    return Flow::Continue;
}

void SubarraySequencer::layer_boundary(const Instruction& in) {
    layer_ = in.a32;
    weights_.assign(weights_.size(), {});  // a layer loads its own weights
    weights_after_tile_ = false;
}

void SubarraySequencer::configure(const Instruction& in) {
    // Staged only: applied, for all the tenant's subarrays at once, when their next Sync completes.
    services_.stage_configuration(subarray_, in.a16, in.a32);
}

void SubarraySequencer::loop(const Instruction& in) {
    // A loop without iterations or body, or nested deeper than a context can save, is a bad instruction.
    if (in.a16 == 0 || in.a32 == 0 || loops_.size() == SequencerContext::kMaxLoops) {
        fail(rm::kSeqErrorBadInstruction);
        return;
    }
    loops_.push_back({pc_, pc_ + in.a32, in.a16, in.a16, in.a64 & 0xFFFF'FFFFull, in.a64 >> 32});
}

void SubarraySequencer::end(const Horizon& h) {
    const sc_core::sc_time last = std::max({h.operands, h.compute_free, h.stores_done});
    if (last > now()) keeper_.set(last - sc_core::sc_time_stamp());
    keeper_.sync();
    busy_ = false;
    done_ = true;
    finished_at_ = sc_core::sc_time_stamp();
    services_.finished(subarray_, false);
}

}  // namespace planaria
