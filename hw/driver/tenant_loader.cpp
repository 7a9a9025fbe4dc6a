#include "hw/driver/tenant_loader.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "hw/fission/fission_configurations.h"
#include "hw/fission/floorplan.h"
#include "hw/sequencer/sequencer_context.h"

namespace planaria {

namespace {
std::uint64_t align_up(std::uint64_t x, std::uint64_t align) { return align ? (x + align - 1) / align * align : x; }
}  // namespace

TenantLoader::TenantLoader(const Bundle& bundle, unsigned k, const ArchConfig& cfg)
    : bundle_(bundle), k_(k), floorplan_(cfg) {
    const std::string what = "bundle '" + bundle.model_key + "'";
    if (k == 0 || k > bundle.per_k.size() || bundle.per_k[k - 1].programs.size() != k)
        throw std::invalid_argument(what + " has no instruction streams for " + std::to_string(k) + " subarrays");
    if (k > cfg.subarray.count)
        throw std::invalid_argument(what + ": " + std::to_string(k) + " subarrays, the chip '" + cfg.name + "' has " +
                                    std::to_string(cfg.subarray.count));
    // A preempted subarray saves its state and the one tile of accumulators
    // in its output buffer: at most the longest tile of these programs.
    std::uint64_t vectors = 0;
    for (const SubarrayProgram& p : bundle.per_k[k - 1].programs) {
        programs_.push_back(encode_program(p.instructions));
        for (const Instruction& in : p.instructions)
            if (in.opcode == Opcode::Compute) vectors = std::max<std::uint64_t>(vectors, in.a64 & 0xFFFF);
    }
    const unsigned slots = cfg.subarray.weight_buffer_bytes / 2;
    context_bytes_ = SequencerContext::header_bytes(slots) +
                     vectors * cfg.subarray.cols * SequencerContext::kAccumulatorBytes;
}

std::uint64_t TenantLoader::program_bytes(unsigned position) const { return programs_.at(position).size(); }
std::uint64_t TenantLoader::data_bytes() const { return bundle_.per_k[k_ - 1].data_bytes; }
std::uint64_t TenantLoader::weight_bytes() const { return bundle_.data.weight_bytes; }

TenantRegions TenantLoader::place(std::uint64_t base, std::uint64_t align) const {
    TenantRegions at;
    std::uint64_t next = align_up(base, align);
    const auto take = [&](std::uint64_t bytes) {
        const std::uint64_t here = next;
        next = align_up(next + bytes, align);
        return here;
    };
    for (unsigned p = 0; p < k_; ++p) at.programs.push_back(take(program_bytes(p)));
    at.data = take(data_bytes());
    at.weights = take(weight_bytes());
    for (unsigned p = 0; p < k_; ++p) at.contexts.push_back(take(context_bytes_));
    return at;
}

std::uint64_t TenantLoader::footprint(std::uint64_t align) const {
    const TenantRegions at = place(0, align);
    return align_up(at.contexts.back() + context_bytes_, align);
}

void TenantLoader::check(const TenantRegions& at) const {
    if (at.programs.size() != k_ || at.contexts.size() != k_)
        throw std::invalid_argument("tenant regions: " + std::to_string(k_) + " programs and contexts needed, got " +
                                    std::to_string(at.programs.size()) + " and " + std::to_string(at.contexts.size()));
    struct Range {
        std::uint64_t begin, end;
        std::string name;
    };
    std::vector<Range> ranges;
    for (unsigned p = 0; p < k_; ++p) {
        ranges.push_back({at.programs[p], at.programs[p] + program_bytes(p), "program " + std::to_string(p)});
        ranges.push_back({at.contexts[p], at.contexts[p] + context_bytes_, "context " + std::to_string(p)});
    }
    ranges.push_back({at.data, at.data + data_bytes(), "data"});
    ranges.push_back({at.weights, at.weights + weight_bytes(), "weights"});
    for (const Range& r : ranges)
        if (r.end < r.begin) throw std::invalid_argument("tenant regions: " + r.name + " wraps around the address space");
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
    for (std::size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].begin < ranges[i - 1].end && ranges[i].begin < ranges[i].end)
            throw std::invalid_argument("tenant regions: " + ranges[i - 1].name + " and " + ranges[i].name + " overlap");
}

std::vector<MemorySegment> TenantLoader::image(const TenantRegions& at, const std::vector<MemoryBlock>& blocks) const {
    check(at);
    std::vector<MemorySegment> out;
    for (unsigned p = 0; p < k_; ++p) out.push_back({at.programs[p], programs_[p]});
    for (const MemoryBlock& b : blocks) {
        const bool weights = b.region == MemoryBlock::Region::Weights;
        const std::uint64_t size = weights ? weight_bytes() : data_bytes(), bytes = b.values.size() * 2;
        if (b.address > size || bytes > size - b.address)
            throw std::invalid_argument(std::string("memory block of ") + std::to_string(bytes) + " bytes at offset " +
                                        std::to_string(b.address) + " lies beyond the " +
                                        (weights ? "weights" : "data") + " region (" + std::to_string(size) + " bytes)");
        MemorySegment s{(weights ? at.weights : at.data) + b.address, std::vector<std::uint8_t>(bytes)};
        for (std::size_t i = 0; i < b.values.size(); ++i) {  // int16, little-endian as the chip reads them
            s.bytes[2 * i] = std::uint8_t(std::uint16_t(b.values[i]));
            s.bytes[2 * i + 1] = std::uint8_t(std::uint16_t(b.values[i]) >> 8);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<unsigned> TenantLoader::region(unsigned pod_offset) const { return job_region(floorplan_, k_, pod_offset); }

AcceleratorDriver::Tenant TenantLoader::tenant(std::uint32_t id, const TenantRegions& at) const {
    return tenant(id, at, region());
}

AcceleratorDriver::Tenant TenantLoader::tenant(std::uint32_t id, const TenantRegions& at,
                                               const std::vector<unsigned>& subarrays) const {
    check(at);
    if (subarrays.size() != k_)
        throw std::invalid_argument("tenant: " + std::to_string(k_) + " subarrays needed, got " +
                                    std::to_string(subarrays.size()));
    AcceleratorDriver::Tenant t;
    t.id = id;
    t.subarrays = subarrays;
    t.programs = at.programs;
    t.contexts = at.contexts;
    t.data_base = at.data;
    t.weights_base = at.weights;
    return t;
}

std::uint64_t TenantLoader::input_address(const TenantRegions& at, std::size_t i) const {
    return at.data + bundle_.data.inputs.at(i);
}

std::uint64_t TenantLoader::output_address(const TenantRegions& at, std::size_t layer) const {
    return at.data + bundle_.data.outputs.at(layer);
}

}  // namespace planaria
