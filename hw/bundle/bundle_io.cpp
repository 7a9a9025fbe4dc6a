#include "hw/bundle/bundle_io.h"

#include "hw/config/output_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <cstring>
#include <limits>
#include <memory>

namespace planaria {

namespace {

constexpr char kMagic[8] = {'P', 'L', 'N', 'R', 'B', 'N', 'D', 'L'};

// Smallest encodings, used to refuse counts the remaining bytes cannot hold
// before anything is allocated for them.
constexpr std::uint64_t kMinLayerEntryBytes = 4 + 4 + 3 * 4 + 6 * 8 + 8;
constexpr std::uint64_t kMinProgramBytes = 4 + 4;
constexpr std::uint64_t kMinCompiledForKBytes = 4 + 4 + 4 + 8;

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= data[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

std::string hex(std::uint64_t value, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buf;
}

std::string at_k(std::size_t k_index) { return "k=" + std::to_string(k_index + 1); }

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------
class PayloadWriter {
public:
    explicit PayloadWriter(std::vector<std::uint8_t>& out) : out_(out) {}

    void u32(std::uint32_t v) { le(v, 4); }
    void u64(std::uint64_t v) { le(v, 8); }
    void f64(double v) {
        std::uint64_t bits;
        static_assert(sizeof bits == sizeof v, "double must be IEEE-754 binary64");
        std::memcpy(&bits, &v, sizeof bits);
        u64(bits);
    }
    void count(std::size_t n, const std::string& what) {
        if (n > std::numeric_limits<std::uint32_t>::max())
            throw std::invalid_argument("cannot serialize bundle: " + what + " has " + std::to_string(n) +
                                        " entries, more than a u32 count holds");
        u32(static_cast<std::uint32_t>(n));
    }
    void str(const std::string& s, const std::string& what) {
        count(s.size(), what);
        out_.insert(out_.end(), s.begin(), s.end());
    }
    void bytes(const std::uint8_t* p, std::size_t n) { out_.insert(out_.end(), p, p + n); }

private:
    void le(std::uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    std::vector<std::uint8_t>& out_;
};

void put_u32_at(std::vector<std::uint8_t>& out, std::size_t pos, std::uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) out[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u64_at(std::vector<std::uint8_t>& out, std::size_t pos, std::uint64_t v) {
    for (unsigned i = 0; i < 8; ++i) out[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------
std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint64_t get_u64(const std::uint8_t* p) { return std::uint64_t(get_u32(p)) | std::uint64_t(get_u32(p + 4)) << 32; }

class PayloadReader {
public:
    PayloadReader(const std::uint8_t* data, std::size_t size, const std::string& source)
        : data_(data), size_(size), source_(source) {}

    std::size_t remaining() const { return size_ - pos_; }
    std::size_t offset() const { return pos_; }

    std::uint32_t u32(const std::string& what) { return get_u32(take(4, what)); }
    std::uint64_t u64(const std::string& what) { return get_u64(take(8, what)); }
    double f64(const std::string& what) {
        const std::uint64_t bits = u64(what);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    std::string str(const std::string& what) {
        const std::uint32_t n = counted(1, "length", what);
        const std::uint8_t* p = take(n, what);
        return std::string(reinterpret_cast<const char*>(p), n);
    }
    /// A vector's element count, refused if the remaining payload cannot
    /// possibly hold that many elements of at least `min_element_bytes`.
    std::uint32_t count(std::uint64_t min_element_bytes, const std::string& what) {
        return counted(min_element_bytes, "count", what);
    }
    const std::uint8_t* take(std::uint64_t n, const std::string& what) {
        if (n > remaining())
            fail("malformed payload: " + what + " at payload offset " + std::to_string(pos_) + " needs " +
                 std::to_string(n) + " bytes, only " + std::to_string(remaining()) + " left");
        const std::uint8_t* p = data_ + pos_;
        pos_ += static_cast<std::size_t>(n);
        return p;
    }
    [[noreturn]] void fail(const std::string& problem) const { throw BundleError(source_, problem); }

private:
    std::uint32_t counted(std::uint64_t min_element_bytes, const char* kind, const std::string& what) {
        const std::size_t at = pos_;
        const std::uint32_t n = u32(what + " " + kind);
        if (n > remaining() / min_element_bytes)
            fail("implausible " + std::string(kind) + " " + std::to_string(n) + " of " + what +
                 " at payload offset " + std::to_string(at) + " (only " + std::to_string(remaining()) +
                 " bytes left)");
        return n;
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    const std::string& source_;
};

LayerEntry read_layer(PayloadReader& in, const std::string& where) {
    LayerEntry e;
    e.layer = in.str("name of " + where);
    const std::string named = where + " '" + e.layer + "'";
    e.configuration = in.str("configuration of " + named);
    e.block_rows = in.u32("block_rows of " + named);
    e.block_cols = in.u32("block_cols of " + named);
    e.clusters = in.u32("clusters of " + named);
    e.tiles = in.u64("tiles of " + named);
    e.cycles_per_tile = in.u64("cycles_per_tile of " + named);
    e.cycles = in.u64("cycles of " + named);
    e.compute_cycles = in.u64("compute_cycles of " + named);
    e.dram_bytes = in.u64("dram_bytes of " + named);
    e.compulsory_bytes = in.u64("compulsory_bytes of " + named);
    e.macs = in.u64("macs of " + named);
    for (const auto& [component, field] : EnergyBreakdown::components())
        e.energy.*field = in.f64(std::string("energy.") + component + " of " + named);
    return e;
}

SubarrayProgram read_program(PayloadReader& in, std::size_t k_index, std::size_t program_index) {
    SubarrayProgram prog;
    const std::string where = at_k(k_index) + " program " + std::to_string(program_index);
    prog.subarray = in.u32("subarray of " + where);
    const std::string of = at_k(k_index) + " subarray " + std::to_string(prog.subarray);
    const std::uint32_t n = in.count(kInstructionBytes, "instructions of " + of);
    const std::uint8_t* stream = in.take(std::uint64_t(n) * kInstructionBytes, "instructions of " + of);
    prog.instructions.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint8_t* bytes = stream + std::size_t(i) * kInstructionBytes;
        try {
            prog.instructions.push_back(Instruction::decode(bytes));
        } catch (const std::invalid_argument&) {
            in.fail("bad opcode " + hex(bytes[0], 2) + " at " + of + " instruction " + std::to_string(i));
        }
    }
    return prog;
}

Bundle read_payload(PayloadReader& in) {
    Bundle b;
    b.model_key = in.str("model_key");
    b.model_name = in.str("model_name");
    b.arch_fingerprint = in.u64("arch_fingerprint");
    b.arch_name = in.str("arch_name");
    b.model_macs = in.u64("model_macs");
    b.model_params = in.u64("model_params");
    const auto offsets = [&](std::vector<std::uint64_t>& v, const std::string& what) {
        v.resize(in.count(8, what));
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = in.u64(what + " " + std::to_string(i));
    };
    offsets(b.data.inputs, "input offsets");
    offsets(b.data.outputs, "output offsets");
    offsets(b.data.weights, "weight offsets");
    b.data.weight_bytes = in.u64("weight_bytes");
    b.data.tensor_bytes = in.u64("tensor_bytes");
    const std::uint32_t ks = in.count(kMinCompiledForKBytes, "per_k entries");
    b.per_k.resize(ks);
    for (std::uint32_t k = 0; k < ks; ++k) {
        CompiledForK& c = b.per_k[k];
        c.table.subarrays = in.u32("subarrays of the table at " + at_k(k));
        const std::uint32_t layers = in.count(kMinLayerEntryBytes, "layers of the table at " + at_k(k));
        c.table.layers.reserve(layers);
        for (std::uint32_t l = 0; l < layers; ++l)
            c.table.layers.push_back(read_layer(in, "layer " + std::to_string(l) + " at " + at_k(k)));
        const std::uint32_t programs = in.count(kMinProgramBytes, "programs at " + at_k(k));
        c.programs.reserve(programs);
        for (std::uint32_t p = 0; p < programs; ++p) c.programs.push_back(read_program(in, k, p));
        c.data_bytes = in.u64("data_bytes at " + at_k(k));
    }
    if (in.remaining() != 0)
        in.fail(std::to_string(in.remaining()) + " trailing bytes in the payload after the bundle (at payload offset " +
                std::to_string(in.offset()) + ")");
    return b;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw BundleError(path, std::string("cannot open (") + std::strerror(errno) + ")");
    std::vector<std::uint8_t> bytes;
    std::uint8_t chunk[1 << 16];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
    if (std::ferror(f.get())) throw BundleError(path, std::string("cannot read (") + std::strerror(errno) + ")");
    return bytes;
}

}  // namespace

BundleError::BundleError(std::string source, std::string problem)
    : std::runtime_error(source + ": " + problem), source_(std::move(source)), problem_(std::move(problem)) {}

std::string bundle_summary(const Bundle& b) {
    std::ostringstream os;
    os << "format version   " << kBundleFormatVersion << "\n"
       << "model            " << b.model_key << " (" << b.model_name << "), " << b.model_macs << " MACs, "
       << b.model_params << " parameters\n"
       << "architecture     " << b.arch_name << ", fingerprint " << hex(b.arch_fingerprint, 16) << "\n"
       << "subarray counts  " << b.per_k.size() << " (tables for k = 1.." << b.per_k.size() << ")\n"
       << "memory           weights " << b.data.weight_bytes << " bytes, tensors " << b.data.tensor_bytes
       << " bytes, data region " << b.data_region_bytes() << " bytes at most (tensors and scratch)\n\n"
       << "   k  layers      tiles         cycles    DRAM MB  x compulsory  streams  instructions        bytes\n";
    std::uint64_t total = 0;
    for (const CompiledForK& c : b.per_k) {
        std::uint64_t instructions = 0;
        for (const SubarrayProgram& p : c.programs) instructions += p.instructions.size();
        total += instructions;
        os << std::setw(4) << c.table.subarrays << std::setw(8) << c.table.layers.size() << std::setw(11)
           << c.table.total_tiles() << std::setw(15) << c.table.total_cycles() << std::setw(11) << std::fixed
           << std::setprecision(1) << double(c.table.total_dram_bytes()) / 1e6 << std::setw(14) << std::setprecision(2)
           << double(c.table.total_dram_bytes()) / double(std::max<std::uint64_t>(1, c.table.total_compulsory_bytes()))
           << std::setw(9) << c.programs.size()
           << std::setw(14) << instructions << std::setw(13) << instructions * kInstructionBytes << "\n";
    }
    os << "\n" << total << " instructions in all (" << total * kInstructionBytes << " bytes of instruction streams)\n";
    return os.str();
}

std::uint64_t arch_fingerprint(const std::string& expanded_arch_yaml) {
    return fnv1a64(reinterpret_cast<const std::uint8_t*>(expanded_arch_yaml.data()), expanded_arch_yaml.size());
}

std::vector<std::uint8_t> serialize(const Bundle& b) {
    std::vector<std::uint8_t> out(kBundleHeaderBytes, 0);
    PayloadWriter w(out);
    w.str(b.model_key, "model_key");
    w.str(b.model_name, "model_name");
    w.u64(b.arch_fingerprint);
    w.str(b.arch_name, "arch_name");
    w.u64(b.model_macs);
    w.u64(b.model_params);
    for (const auto* v : {&b.data.inputs, &b.data.outputs, &b.data.weights}) {
        w.count(v->size(), "data layout offsets");
        for (std::uint64_t x : *v) w.u64(x);
    }
    w.u64(b.data.weight_bytes);
    w.u64(b.data.tensor_bytes);
    w.count(b.per_k.size(), "per_k");
    for (std::size_t k = 0; k < b.per_k.size(); ++k) {
        const CompiledForK& c = b.per_k[k];
        w.u32(c.table.subarrays);
        w.count(c.table.layers.size(), "layers at " + at_k(k));
        for (const LayerEntry& e : c.table.layers) {
            w.str(e.layer, "layer name at " + at_k(k));
            w.str(e.configuration, "configuration of layer '" + e.layer + "' at " + at_k(k));
            w.u32(e.block_rows);
            w.u32(e.block_cols);
            w.u32(e.clusters);
            w.u64(e.tiles);
            w.u64(e.cycles_per_tile);
            w.u64(e.cycles);
            w.u64(e.compute_cycles);
            w.u64(e.dram_bytes);
            w.u64(e.compulsory_bytes);
            w.u64(e.macs);
            for (const auto& [component, field] : EnergyBreakdown::components()) w.f64(e.energy.*field);
        }
        w.count(c.programs.size(), "programs at " + at_k(k));
        for (const SubarrayProgram& p : c.programs) {
            const std::string of = at_k(k) + " subarray " + std::to_string(p.subarray);
            w.u32(p.subarray);
            w.count(p.instructions.size(), "instructions of " + of);
            for (std::size_t i = 0; i < p.instructions.size(); ++i) {
                const auto bytes = p.instructions[i].encode();
                // Refused here rather than at read time: a bundle that
                // cannot be read back must not be written.
                try {
                    Instruction::decode(bytes.data());
                } catch (const std::invalid_argument&) {
                    throw std::invalid_argument("cannot serialize bundle: bad opcode " + hex(bytes[0], 2) + " at " +
                                                of + " instruction " + std::to_string(i));
                }
                w.bytes(bytes.data(), bytes.size());
            }
        }
        w.u64(c.data_bytes);
    }
    const std::size_t payload = out.size() - kBundleHeaderBytes;
    std::memcpy(out.data(), kMagic, sizeof kMagic);
    put_u32_at(out, 8, kBundleFormatVersion);
    put_u32_at(out, 12, 0);
    put_u64_at(out, 16, payload);
    put_u64_at(out, 24, fnv1a64(out.data() + kBundleHeaderBytes, payload));
    return out;
}

Bundle deserialize(const std::vector<std::uint8_t>& bytes, const std::string& source) {
    const std::size_t size = bytes.size();
    auto fail = [&](const std::string& problem) { throw BundleError(source, problem); };
    auto truncated = [&](const std::string& expected) {
        fail("truncated (expected " + expected + " bytes, got " + std::to_string(size) + ")");
    };

    if (size == 0) fail("not a planaria bundle (empty file)");
    // A short prefix of the magic is a truncated bundle, not a foreign file.
    if (std::memcmp(bytes.data(), kMagic, std::min(size, sizeof kMagic)) != 0)
        fail("not a planaria bundle (bad magic)");
    if (size < 12) truncated("at least " + std::to_string(kBundleHeaderBytes));
    // The version comes before the rest of the header: a later version may
    // lay the header out differently.
    const std::uint32_t version = get_u32(&bytes[8]);
    if (version != kBundleFormatVersion)
        fail("unsupported bundle format version " + std::to_string(version) + " (this build reads version " +
             std::to_string(kBundleFormatVersion) + ")");
    if (size < 24) truncated("at least " + std::to_string(kBundleHeaderBytes));
    const std::uint64_t payload = get_u64(&bytes[16]);
    const std::uint64_t available = size >= kBundleHeaderBytes ? size - kBundleHeaderBytes : 0;
    if (payload > std::numeric_limits<std::uint64_t>::max() - kBundleHeaderBytes)
        fail("truncated (header announces " + std::to_string(payload) + " payload bytes, got " +
             std::to_string(size) + " bytes)");
    if (size < kBundleHeaderBytes || payload > available) truncated(std::to_string(kBundleHeaderBytes + payload));
    if (payload < available)
        fail(std::to_string(available - payload) + " trailing bytes after the payload (expected " +
             std::to_string(kBundleHeaderBytes + payload) + " bytes, got " + std::to_string(size) + ")");
    const std::uint32_t flags = get_u32(&bytes[12]);
    if (flags != 0) fail("unsupported flags " + hex(flags, 8) + " (format version " + std::to_string(kBundleFormatVersion) + " defines none)");
    const std::uint8_t* data = bytes.data() + kBundleHeaderBytes;
    const std::uint64_t recorded = get_u64(&bytes[24]);
    const std::uint64_t actual = fnv1a64(data, static_cast<std::size_t>(payload));
    if (recorded != actual)
        fail("checksum mismatch (corrupted): header records " + hex(recorded, 16) + ", payload hashes to " +
             hex(actual, 16));

    PayloadReader in(data, static_cast<std::size_t>(payload), source);
    return read_payload(in);
}

void write_bundle(const Bundle& bundle, const std::string& path) {
    const std::vector<std::uint8_t> bytes = serialize(bundle);
    // Complete or absent: a killed compile leaves no truncated bundle under its name.
    try {
        write_file_atomically(path, bytes.data(), bytes.size());
    } catch (const std::runtime_error& e) {
        throw BundleError(path, std::string("cannot write (") + e.what() + ")");
    }
}

Bundle read_bundle(const std::string& path) { return deserialize(read_file(path), path); }

Bundle read_bundle(const std::string& path, std::uint64_t expected_arch_fingerprint) {
    Bundle b = read_bundle(path);
    if (b.arch_fingerprint != expected_arch_fingerprint)
        throw BundleError(path, "built for architecture '" + b.arch_name + "' (fingerprint " +
                                    hex(b.arch_fingerprint, 16) + "), not this one (" +
                                    hex(expected_arch_fingerprint, 16) + ")");
    return b;
}

}  // namespace planaria
