// The compiler's output format: instruction encoding, the bundle file's
// byte layout, round trips, and every kind of damaged file named.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include "hw/bundle/bundle.h"
#include "hw/bundle/bundle_io.h"
#include "hw/config/arch_config.h"
#include "hw/config/arch_yaml.h"

using namespace planaria;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr Opcode kAllOpcodes[] = {Opcode::LoadWeights, Opcode::LoadActivations, Opcode::Compute, Opcode::Simd,
                                  Opcode::Store,       Opcode::Sync,            Opcode::LayerBoundary, Opcode::End,
                                  Opcode::Loop,        Opcode::Configure,       Opcode::Describe,      Opcode::Data};

// Written independently of the library so the test pins the format, not the
// implementation.
std::uint64_t fnv1a64(const std::uint8_t* p, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

std::uint64_t le64(const Bytes& b, std::size_t at) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= std::uint64_t(b[at + i]) << (8 * i);
    return v;
}
std::uint32_t le32(const Bytes& b, std::size_t at) {
    std::uint32_t v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= std::uint32_t(b[at + i]) << (8 * i);
    return v;
}
void put_le(Bytes& b, std::size_t at, std::uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Makes a hand-edited file consistent again (length and checksum), so the
/// reader gets past the header and must judge the payload itself.
void reseal(Bytes& b) {
    const std::size_t payload = b.size() - kBundleHeaderBytes;
    put_le(b, 16, payload, 8);
    put_le(b, 24, fnv1a64(b.data() + kBundleHeaderBytes, payload), 8);
}

std::uint64_t bits(double d) {
    std::uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

// Marks the first instruction of k=2, subarray 1, so tests can find it in the bytes.
const Instruction kMarker{Opcode::LoadWeights, 0x5a, 0x1234, 0xdeadbeef, 0x1122334455667788ull};

LayerEntry layer(const std::string& name, const std::string& config, std::uint32_t rows, std::uint32_t cols,
                 std::uint32_t clusters, std::uint64_t tiles, std::uint64_t cpt, double energy) {
    LayerEntry e;
    e.layer = name;
    e.configuration = config;
    e.block_rows = rows;
    e.block_cols = cols;
    e.clusters = clusters;
    e.tiles = tiles;
    e.cycles_per_tile = cpt;
    e.cycles = tiles * cpt + 3;
    e.compute_cycles = tiles * cpt / 2;
    e.dram_bytes = 4096 * tiles + 17;
    e.compulsory_bytes = 1024 * tiles + 5;
    e.macs = tiles * 32 * 32 * 32;
    // Every component distinct, so a field written in the wrong place shows;
    // component i gets (i + 1) / 78 of the total (1 + 2 + ... + 12 = 78).
    double share = 1;
    for (const auto& [name, field] : EnergyBreakdown::components()) e.energy.*field = energy * share++ / 78;
    return e;
}

Bundle make_bundle() {
    Bundle b;
    b.model_key = "tiny";
    b.model_name = "Tiny CNN (\xc3\xbc" "nicode)";
    b.arch_fingerprint = 0xfedcba9876543210ull;
    b.arch_name = "planaria-test";
    b.model_macs = 123456789012ull;
    b.model_params = std::numeric_limits<std::uint64_t>::max();
    b.data.inputs = {0};
    b.data.outputs = {0x800, 0x800, 0x1000};  // conv1 and its fused relu share a tensor
    b.data.weights = {0, 0, 0x4040};
    b.data.weight_bytes = 0x4080;
    b.data.tensor_bytes = 0x1040;

    CompiledForK k1;
    k1.table.subarrays = 1;
    k1.table.layers = {layer("conv1", "32x32-1", 32, 32, 1, 10, 100, 1234.5678),
                       layer("relu1", "simd", 0, 0, 0, 0, 0, 1e-300),
                       layer("fc", "32x32-1", 32, 32, 1, 3, 77, 0.1)};
    SubarrayProgram p0;
    p0.subarray = 0;
    p0.instructions = {{Opcode::LoadWeights, 0, 0, 2048, 0x1000},
                       {Opcode::Compute, 1, 0x0102, 0x00200010, 32ull | 32ull << 16 | 32ull << 32 | 1ull << 48},
                       {Opcode::LayerBoundary, 0, 0, 1, 0},
                       {Opcode::End, 0, 0, 0, 0}};
    k1.programs = {p0};
    k1.data_bytes = 0x1040;

    CompiledForK k2;
    k2.table.subarrays = 2;
    k2.table.layers = {layer("conv1", "64x32-1", 64, 32, 1, 5, 130, -2.5),
                       layer("relu1", "simd", 0, 0, 0, 0, 0, 5e-324),
                       layer("fc", "32x32-2", 32, 32, 2, 2, 77, 6.02214076e23)};
    SubarrayProgram q0, q1;
    q0.subarray = 0;
    q0.instructions = {{Opcode::LoadActivations, 0xff, 0xffff, 0xffffffff, std::numeric_limits<std::uint64_t>::max()},
                       {Opcode::Sync, 0, 2, 7, 0},
                       {Opcode::Store, 0, 3, 512, 0x8000'0000'0000'0000ull},
                       {Opcode::End, 0, 0, 0, 0}};
    q1.subarray = 1;
    q1.instructions = {kMarker, {Opcode::Simd, 0, 4, 0, 999}, {Opcode::Sync, 0, 2, 7, 0}, {Opcode::End, 0, 0, 0, 0}};
    k2.programs = {q0, q1};
    k2.data_bytes = 0x2'0000'1040ull;  // a scratch beyond 4 GiB

    b.per_k = {k1, k2};
    return b;
}

void require_equal(const Bundle& a, const Bundle& b) {
    REQUIRE(a.model_key == b.model_key);
    REQUIRE(a.model_name == b.model_name);
    REQUIRE(a.arch_fingerprint == b.arch_fingerprint);
    REQUIRE(a.arch_name == b.arch_name);
    REQUIRE(a.model_macs == b.model_macs);
    REQUIRE(a.model_params == b.model_params);
    REQUIRE(a.data.inputs == b.data.inputs);
    REQUIRE(a.data.outputs == b.data.outputs);
    REQUIRE(a.data.weights == b.data.weights);
    REQUIRE(a.data.weight_bytes == b.data.weight_bytes);
    REQUIRE(a.data.tensor_bytes == b.data.tensor_bytes);
    REQUIRE(a.data_region_bytes() == b.data_region_bytes());
    REQUIRE(a.per_k.size() == b.per_k.size());
    for (std::size_t k = 0; k < a.per_k.size(); ++k) {
        INFO("k=" << k + 1);
        const CompiledForK& x = a.per_k[k];
        const CompiledForK& y = b.per_k[k];
        REQUIRE(x.table.subarrays == y.table.subarrays);
        REQUIRE(x.data_bytes == y.data_bytes);
        REQUIRE(x.table.layers.size() == y.table.layers.size());
        for (std::size_t l = 0; l < x.table.layers.size(); ++l) {
            INFO("layer " << l);
            const LayerEntry& e = x.table.layers[l];
            const LayerEntry& f = y.table.layers[l];
            REQUIRE(e.layer == f.layer);
            REQUIRE(e.configuration == f.configuration);
            REQUIRE(e.block_rows == f.block_rows);
            REQUIRE(e.block_cols == f.block_cols);
            REQUIRE(e.clusters == f.clusters);
            REQUIRE(e.tiles == f.tiles);
            REQUIRE(e.cycles_per_tile == f.cycles_per_tile);
            REQUIRE(e.cycles == f.cycles);
            REQUIRE(e.compute_cycles == f.compute_cycles);
            REQUIRE(e.dram_bytes == f.dram_bytes);
            REQUIRE(e.compulsory_bytes == f.compulsory_bytes);
            REQUIRE(e.macs == f.macs);
            for (const auto& [name, field] : EnergyBreakdown::components())
                REQUIRE(bits(e.energy.*field) == bits(f.energy.*field));
        }
        REQUIRE(x.programs.size() == y.programs.size());
        for (std::size_t p = 0; p < x.programs.size(); ++p) {
            REQUIRE(x.programs[p].subarray == y.programs[p].subarray);
            REQUIRE(x.programs[p].instructions == y.programs[p].instructions);
        }
    }
}

std::string rejection(const Bytes& bytes, const std::string& source = "tiny.bundle") {
    try {
        deserialize(bytes, source);
    } catch (const BundleError& e) {
        return e.what();
    }
    FAIL("accepted");
    return {};
}

void expect_rejected(const Bytes& bytes, const std::string& contains) {
    const std::string what = rejection(bytes);
    INFO(what);
    CHECK(what.rfind("tiny.bundle: ", 0) == 0);
    CHECK(what.find(contains) != std::string::npos);
}

/// Offset in the file of the marker instruction's encoding.
std::size_t marker_offset(const Bytes& bytes) {
    const auto enc = kMarker.encode();
    const auto it = std::search(bytes.begin(), bytes.end(), enc.begin(), enc.end());
    REQUIRE(it != bytes.end());
    return static_cast<std::size_t>(it - bytes.begin());
}

/// A file in the temp directory, removed at the end of the test.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("planaria-bundle-test-" + std::to_string(::getpid()) + "-" + name)) {}
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    void write(const Bytes& bytes) const {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }
};

}  // namespace

TEST_CASE("bundle instructions round-trip through their 16-byte encoding", "[bundle]") {
    const std::uint64_t a64s[] = {0, 1, 0x8000'0000'0000'0000ull, std::numeric_limits<std::uint64_t>::max()};
    const std::uint32_t a32s[] = {0, 1, 0x8000'0000u, 0xffff'ffffu};
    const std::uint16_t a16s[] = {0, 1, 0x8000, 0xffff};
    const std::uint8_t flag_values[] = {0, 1, 0x80, 0xff};
    for (Opcode op : kAllOpcodes)
        for (std::uint8_t flags : flag_values)
            for (std::uint16_t a16 : a16s)
                for (std::uint32_t a32 : a32s)
                    for (std::uint64_t a64 : a64s) {
                        const Instruction in{op, flags, a16, a32, a64};
                        const auto bytes = in.encode();
                        REQUIRE(bytes.size() == kInstructionBytes);
                        REQUIRE(Instruction::decode(bytes.data()) == in);
                    }
    // Every byte the decoder accepts is a listed opcode, so a new opcode in
    // bundle.h cannot slip past this test.
    std::size_t accepted = 0;
    for (unsigned byte = 0; byte < 256; ++byte) {
        std::array<std::uint8_t, kInstructionBytes> bytes{};
        bytes[0] = static_cast<std::uint8_t>(byte);
        try {
            Instruction::decode(bytes.data());
            ++accepted;
        } catch (const std::invalid_argument&) {
        }
    }
    CHECK(accepted == std::size(kAllOpcodes));
}

TEST_CASE("a bundle instruction's bytes are laid out as documented", "[bundle]") {
    const Instruction in{Opcode::Compute, 0x01, 0x0203, 0x04050607, 0x08090a0b0c0d0e0full};
    const std::array<std::uint8_t, 16> expected = {0x03, 0x01, 0x03, 0x02, 0x07, 0x06, 0x05, 0x04,
                                                   0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08};
    CHECK(in.encode() == expected);
}

TEST_CASE("decoding a bundle instruction names a bad opcode byte", "[bundle]") {
    for (std::uint8_t bad : {std::uint8_t(0x00), std::uint8_t(0x0d), std::uint8_t(0xff)}) {
        std::array<std::uint8_t, 16> bytes{};
        bytes[0] = bad;
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", unsigned(bad));
        try {
            Instruction::decode(bytes.data());
            FAIL("accepted opcode " << hex);
        } catch (const std::invalid_argument& e) {
            CHECK_THAT(e.what(), Catch::Contains(std::string("bad opcode byte ") + hex));
        }
    }
}

TEST_CASE("bundle opcodes have their assembler names", "[bundle]") {
    CHECK(std::string(to_string(Opcode::LoadWeights)) == "load_weights");
    CHECK(std::string(to_string(Opcode::LoadActivations)) == "load_activations");
    CHECK(std::string(to_string(Opcode::Compute)) == "compute");
    CHECK(std::string(to_string(Opcode::Simd)) == "simd");
    CHECK(std::string(to_string(Opcode::Store)) == "store");
    CHECK(std::string(to_string(Opcode::Sync)) == "sync");
    CHECK(std::string(to_string(Opcode::LayerBoundary)) == "layer_boundary");
    CHECK(std::string(to_string(Opcode::End)) == "end");
    CHECK(std::string(to_string(Opcode::Loop)) == "loop");
    CHECK(std::string(to_string(Opcode::Configure)) == "configure");
}

TEST_CASE("a bundle's configuration table sums its layers", "[bundle]") {
    const Bundle b = make_bundle();
    const ConfigurationTable& t = b.per_k[0].table;
    CHECK(t.total_tiles() == 13);
    CHECK(t.total_cycles() == (10 * 100 + 3) + 3 + (3 * 77 + 3));
    CHECK(t.total_energy_pj() == Approx(1234.5678 + 1e-300 + 0.1));
    CHECK(ConfigurationTable{}.total_cycles() == 0);
    CHECK(ConfigurationTable{}.total_energy_pj() == 0.0);
}

TEST_CASE("a bundle round-trips through serialize and deserialize", "[bundle]") {
    const Bundle b = make_bundle();
    require_equal(deserialize(serialize(b), "memory"), b);
    require_equal(deserialize(serialize(Bundle{}), "memory"), Bundle{});
}

TEST_CASE("a bundle round-trips through a file", "[bundle]") {
    const Bundle b = make_bundle();
    TempFile file("roundtrip.bundle");
    write_bundle(b, file.path.string());
    require_equal(read_bundle(file.path.string()), b);
    require_equal(read_bundle(file.path.string(), b.arch_fingerprint), b);
}

TEST_CASE("serializing a bundle is deterministic", "[bundle]") {
    const Bundle b = make_bundle();
    const Bytes first = serialize(b);
    CHECK(serialize(b) == first);
    CHECK(serialize(make_bundle()) == first);
    CHECK(serialize(deserialize(first, "memory")) == first);
}

TEST_CASE("the bundle file header is laid out as documented", "[bundle]") {
    const Bytes bytes = serialize(make_bundle());
    REQUIRE(bytes.size() > kBundleHeaderBytes);
    CHECK(std::string(bytes.begin(), bytes.begin() + 8) == "PLNRBNDL");
    CHECK(le32(bytes, 8) == 5);
    CHECK(le32(bytes, 12) == 0);
    CHECK(le64(bytes, 16) == bytes.size() - kBundleHeaderBytes);
    CHECK(le64(bytes, 24) == fnv1a64(bytes.data() + kBundleHeaderBytes, bytes.size() - kBundleHeaderBytes));
    // The payload starts with the model key as u32 length + bytes.
    CHECK(le32(bytes, 32) == 4);
    CHECK(std::string(bytes.begin() + 36, bytes.begin() + 40) == "tiny");
}

TEST_CASE("an empty file is not a bundle", "[bundle]") {
    expect_rejected({}, "not a planaria bundle (empty file)");
}

TEST_CASE("a file with the wrong magic is not a bundle", "[bundle]") {
    Bytes bytes = serialize(make_bundle());
    bytes[7] = 'X';
    expect_rejected(bytes, "not a planaria bundle (bad magic)");
    const std::string text = "name: planaria\nclock_mhz: 700\n";
    expect_rejected(Bytes(text.begin(), text.end()), "not a planaria bundle (bad magic)");
}

TEST_CASE("a bundle of another format version is refused", "[bundle]") {
    Bytes bytes = serialize(make_bundle());
    put_le(bytes, 8, 1, 4);
    expect_rejected(bytes, "unsupported bundle format version 1 (this build reads version 5)");
}

TEST_CASE("unknown bundle header flags are refused", "[bundle]") {
    Bytes bytes = serialize(make_bundle());
    put_le(bytes, 12, 4, 4);
    expect_rejected(bytes, "unsupported flags 0x00000004");
}

TEST_CASE("every truncation of a bundle is reported", "[bundle]") {
    const Bytes whole = serialize(make_bundle());
    for (std::size_t n = 1; n < whole.size(); ++n) {
        INFO("prefix of " << n << " bytes");
        const std::string what = rejection(Bytes(whole.begin(), whole.begin() + n));
        INFO(what);
        CHECK(what.rfind("tiny.bundle: truncated (expected ", 0) == 0);
        CHECK_THAT(what, Catch::EndsWith(" bytes, got " + std::to_string(n) + ")"));
        if (n >= 24) CHECK_THAT(what, Catch::Contains("expected " + std::to_string(whole.size()) + " bytes"));
    }
}

TEST_CASE("a truncated bundle file names the path", "[bundle]") {
    const Bytes whole = serialize(make_bundle());
    TempFile file("truncated.bundle");
    file.write(Bytes(whole.begin(), whole.end() - 1));
    try {
        read_bundle(file.path.string());
        FAIL("accepted");
    } catch (const BundleError& e) {
        CHECK(std::string(e.what()) == file.path.string() + ": truncated (expected " + std::to_string(whole.size()) +
                                           " bytes, got " + std::to_string(whole.size() - 1) + ")");
        CHECK(e.source() == file.path.string());
    }
}

TEST_CASE("a flipped bundle payload byte fails the checksum", "[bundle]") {
    const Bytes whole = serialize(make_bundle());
    for (std::size_t at : {std::size_t(kBundleHeaderBytes), whole.size() / 2, whole.size() - 1}) {
        Bytes bytes = whole;
        bytes[at] ^= 0x10;
        expect_rejected(bytes, "checksum mismatch (corrupted)");
    }
}

TEST_CASE("implausible counts in a bundle are refused before anything is allocated", "[bundle]") {
    const Bundle b = make_bundle();
    const Bytes whole = serialize(b);

    SECTION("a string length") {
        Bytes bytes = whole;
        put_le(bytes, kBundleHeaderBytes, 0xfffffff0u, 4);
        reseal(bytes);
        expect_rejected(bytes, "implausible length 4294967280 of model_key at payload offset 0");
    }
    SECTION("the number of k") {
        const std::size_t layout = 3 * 4 + 8 * (b.data.inputs.size() + b.data.outputs.size() + b.data.weights.size()) + 16;
        const std::size_t at = kBundleHeaderBytes + 4 + b.model_key.size() + 4 + b.model_name.size() + 8 + 4 +
                               b.arch_name.size() + 8 + 8 + layout;
        REQUIRE(le32(whole, at) == 2);
        Bytes bytes = whole;
        put_le(bytes, at, 0xffffffffu, 4);
        reseal(bytes);
        expect_rejected(bytes, "implausible count 4294967295 of per_k entries");
    }
    SECTION("an instruction count") {
        const std::size_t at = marker_offset(whole) - 4;
        REQUIRE(le32(whole, at) == 4);
        Bytes bytes = whole;
        put_le(bytes, at, 0x10000000u, 4);
        reseal(bytes);
        expect_rejected(bytes, "implausible count 268435456 of instructions of k=2 subarray 1");
    }
    SECTION("any four bytes of the payload set to 0xffffffff or 0x7fffffff") {
        // Whatever field the four bytes land in, the reader reports or accepts;
        // it never crashes, hangs or throws anything but BundleError.
        for (std::uint32_t value : {0xffffffffu, 0x7fffffffu, 0x00010000u}) {
            for (std::size_t at = kBundleHeaderBytes; at + 4 <= whole.size(); ++at) {
                Bytes bytes = whole;
                put_le(bytes, at, value, 4);
                reseal(bytes);
                INFO("offset " << at << " value " << value);
                try {
                    deserialize(bytes, "tiny.bundle");
                } catch (const BundleError& e) {
                    CHECK(std::string(e.what()).rfind("tiny.bundle: ", 0) == 0);
                }
            }
        }
    }
}

TEST_CASE("a bundle payload cut short inside a field is reported", "[bundle]") {
    const Bundle b = make_bundle();
    Bytes bytes = serialize(b);
    const std::size_t model_macs = 4 + b.model_key.size() + 4 + b.model_name.size() + 8 + 4 + b.arch_name.size();
    bytes.resize(kBundleHeaderBytes + model_macs + 5);
    reseal(bytes);
    expect_rejected(bytes, "malformed payload: model_macs at payload offset " + std::to_string(model_macs) +
                               " needs 8 bytes, only 5 left");
}

TEST_CASE("trailing bytes after a bundle are refused", "[bundle]") {
    const Bytes whole = serialize(make_bundle());
    SECTION("after the payload") {
        Bytes bytes = whole;
        const std::string garbage = "garbage";
        bytes.insert(bytes.end(), garbage.begin(), garbage.end());
        expect_rejected(bytes, "7 trailing bytes after the payload (expected " + std::to_string(whole.size()) +
                                   " bytes, got " + std::to_string(bytes.size()) + ")");
    }
    SECTION("inside a well-sealed payload") {
        Bytes bytes = whole;
        bytes.push_back(0);
        bytes.push_back(0);
        reseal(bytes);
        expect_rejected(bytes, "2 trailing bytes in the payload after the bundle");
    }
}

TEST_CASE("a bad opcode in a bundle names k, subarray and instruction", "[bundle]") {
    Bytes bytes = serialize(make_bundle());
    bytes[marker_offset(bytes)] = 0xee;
    reseal(bytes);
    expect_rejected(bytes, "bad opcode 0xee at k=2 subarray 1 instruction 0");
}

TEST_CASE("serializing refuses a bundle instruction that could not be read back", "[bundle]") {
    Bundle b = make_bundle();
    b.per_k[1].programs[1].instructions[2].opcode = static_cast<Opcode>(0);
    CHECK_THROWS_WITH(serialize(b), Catch::Contains("bad opcode 0x00 at k=2 subarray 1 instruction 2"));
}

TEST_CASE("a bundle for another architecture is refused", "[bundle]") {
    ArchConfig other;
    other.subarray.rows = 64;
    const std::uint64_t here = arch_fingerprint(to_yaml(ArchConfig{}));
    const std::uint64_t there = arch_fingerprint(to_yaml(other));
    REQUIRE(here != there);

    Bundle b = make_bundle();
    b.arch_fingerprint = there;
    b.arch_name = "planaria-64";
    TempFile file("other-arch.bundle");
    write_bundle(b, file.path.string());
    CHECK_NOTHROW(read_bundle(file.path.string(), there));
    char expected[160];
    std::snprintf(expected, sizeof expected,
                  ": built for architecture 'planaria-64' (fingerprint 0x%016llx), not this one (0x%016llx)",
                  static_cast<unsigned long long>(there), static_cast<unsigned long long>(here));
    CHECK_THROWS_WITH(read_bundle(file.path.string(), here), file.path.string() + expected);
}

TEST_CASE("the bundle's architecture fingerprint is FNV-1a 64 of the expanded YAML", "[bundle]") {
    CHECK(arch_fingerprint("") == 0xcbf29ce484222325ull);
    CHECK(arch_fingerprint("a") == 0xaf63dc4c8601ec8cull);
    CHECK(arch_fingerprint("foobar") == 0x85944171f73967e8ull);
    const std::string yaml = to_yaml(ArchConfig{});
    CHECK(arch_fingerprint(yaml) == arch_fingerprint(to_yaml(ArchConfig{})));
}

TEST_CASE("a missing bundle file names the path", "[bundle]") {
    const std::string path = "/nonexistent-dir/missing.bundle";
    CHECK_THROWS_WITH(read_bundle(path), path + ": cannot open (No such file or directory)");
    CHECK_THROWS_AS(read_bundle(path, 0), BundleError);
    CHECK_THROWS_WITH(write_bundle(make_bundle(), path), Catch::StartsWith(path + ": cannot write ("));
}
