// Architecture configuration: the shipped files, defaults, every validation
// rule and the YAML error messages.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "hw/config/arch_summary.h"
#include "hw/config/arch_yaml.h"

using namespace planaria;

namespace {
const std::string kArchDir = std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Parses `yaml`, expecting a ConfigError at `path` whose rule contains `rule`.
void expect_error(const std::string& yaml, const std::string& path, const std::string& rule) {
    INFO("YAML:\n" << yaml);
    try {
        parse_arch(yaml, "bad.yaml");
        FAIL("accepted an invalid architecture");
    } catch (const ConfigError& e) {
        CHECK(e.path() == path);
        CHECK_THAT(e.rule(), Catch::Contains(rule));
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.yaml"));
        CHECK(std::string(e.what()).find('\n') == std::string::npos);  // one line
    }
}
}  // namespace

TEST_CASE("planaria.yaml is the paper's design point and equals the built-in defaults", "[arch]") {
    const ArchConfig cfg = load_arch_file(kArchDir + "planaria.yaml");
    CHECK(cfg.pe_count() == 16384);
    CHECK(cfg.subarray.count == 16);
    CHECK(cfg.subarray.rows == 32);
    CHECK(cfg.pod.count == 4);
    CHECK(cfg.subarrays_per_pod() == 4);
    CHECK(cfg.clock_mhz == 700.0);
    CHECK(cfg.on_chip_bytes() == 12ull * 1024 * 1024);
    CHECK(cfg.weight_buffer_bytes_total() == 4ull * 1024 * 1024);
    CHECK(cfg.pod_memory_bytes_total() == 8ull * 1024 * 1024);
    CHECK(cfg.offchip_bandwidth_gbps() == Approx(250.0));
    CHECK(cfg.offchip.channels == cfg.pod.count);
    CHECK(cfg.ring_bus.pipeline_stages == 12);
    CHECK(cfg.instruction_buffer.bytes == 4096);
    CHECK(cfg.energy.bus_pj_per_bit_hop == Approx(0.64));
    // Every key written out in the file is the default: the two are one truth.
    CHECK(to_yaml(cfg) == to_yaml(ArchConfig{}));
}

TEST_CASE("monolithic.yaml has the same PEs, memory, clock and bandwidth as Planaria", "[arch]") {
    const ArchConfig mono = load_arch_file(kArchDir + "monolithic.yaml");
    const ArchConfig plan = load_arch_file(kArchDir + "planaria.yaml");
    CHECK(mono.subarray.count == 1);
    CHECK(mono.subarray.rows == 128);
    CHECK(mono.subarray.cols == 128);
    CHECK(mono.pe_count() == plan.pe_count());
    CHECK(mono.on_chip_bytes() == plan.on_chip_bytes());
    CHECK(mono.clock_mhz == plan.clock_mhz);
    CHECK(mono.offchip_bandwidth_gbps() == Approx(plan.offchip_bandwidth_gbps()));
}

TEST_CASE("granularity configs cut the same chip into 16x16 and 64x64 subarrays", "[arch]") {
    const ArchConfig plan = load_arch_file(kArchDir + "planaria.yaml");
    for (const auto& [file, side, count] :
         {std::tuple{"granularity-16.yaml", 16u, 64u}, std::tuple{"granularity-64.yaml", 64u, 4u}}) {
        INFO(file);
        const ArchConfig g = load_arch_file(kArchDir + file);
        CHECK(g.subarray.rows == side);
        CHECK(g.subarray.cols == side);
        CHECK(g.subarray.count == count);
        CHECK(g.pe_count() == plan.pe_count());
        CHECK(g.on_chip_bytes() == plan.on_chip_bytes());
        CHECK(g.offchip_bandwidth_gbps() == Approx(plan.offchip_bandwidth_gbps()));
        CHECK(g.pod.count == 4);
    }
}

TEST_CASE("an empty file is the default architecture", "[arch]") {
    CHECK(to_yaml(parse_arch("", "empty.yaml")) == to_yaml(ArchConfig{}));
    CHECK(to_yaml(parse_arch("# only a comment\n", "c.yaml")) == to_yaml(ArchConfig{}));
}

TEST_CASE("the expanded YAML lists every schema key and reloads to the same config", "[arch]") {
    const std::string text = to_yaml(ArchConfig{});
    for (const auto& path : arch_key_paths()) {
        const std::string leaf = path.substr(path.rfind('.') + 1);
        CHECK(text.find(leaf + ":") != std::string::npos);
    }
    ArchConfig odd;
    odd.name = "odd";
    odd.clock_mhz = 1000.5;
    odd.offchip.latency_ns = 42.25;
    CHECK(to_yaml(parse_arch(to_yaml(odd), "roundtrip")) == to_yaml(odd));
}

TEST_CASE("overrides from the command line change keys without YAML copies", "[arch]") {
    const ArchConfig cfg = parse_arch("", "x", {ArchOverride::parse("subarray.rows=64"),
                                                ArchOverride::parse("pod.activation_buffer.banks=64"),
                                                ArchOverride::parse("offchip.bandwidth_gbps=125")});
    CHECK(cfg.subarray.rows == 64);
    CHECK(cfg.offchip_bandwidth_gbps() == Approx(500.0));
    CHECK_THROWS_AS(ArchOverride::parse("subarray.rows"), ConfigError);
    CHECK_THROWS_AS(ArchOverride::parse("=3"), ConfigError);
    try {
        parse_arch("", "x", {ArchOverride::parse("subarray.rowz=64")});
        FAIL("unknown override accepted");
    } catch (const ConfigError& e) {
        CHECK(e.path() == "subarray.rowz");
        CHECK(e.rule() == "unknown key");
    }
    // An override that breaks a rule is reported like a file would be.
    try {
        parse_arch("", "x", {ArchOverride::parse("subarray.rows=64")});
        FAIL("inconsistent override accepted");
    } catch (const ConfigError& e) {
        CHECK(e.path() == "pod.activation_buffer.banks");
    }
}

TEST_CASE("a missing file is reported with its name", "[arch]") {
    try {
        load_arch_file("/nonexistent/arch.yaml");
        FAIL("missing file accepted");
    } catch (const ConfigError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("/nonexistent/arch.yaml"));
        CHECK_THAT(std::string(e.what()), Catch::Contains("cannot open"));
    }
}

TEST_CASE("YAML errors name the file, the line and the key", "[arch][validation]") {
    SECTION("malformed YAML") {
        try {
            parse_arch("subarray:\n  rows: [32\n", "broken.yaml");
            FAIL("malformed YAML accepted");
        } catch (const ConfigError& e) {
            CHECK_THAT(e.rule(), Catch::StartsWith("malformed YAML"));
            CHECK_THAT(std::string(e.what()), Catch::StartsWith("broken.yaml:"));
        }
    }
    SECTION("the line of a bad value") {
        try {
            parse_arch("name: x\nsubarray:\n  rows: many\n", "typed.yaml");
            FAIL("string accepted for a number");
        } catch (const ConfigError& e) {
            CHECK_THAT(std::string(e.what()), Catch::StartsWith("typed.yaml:3: subarray.rows: must be a whole number"));
        }
    }
    expect_error("subarray:\n  rowz: 32\n", "subarray.rowz", "unknown key");
    expect_error("colour: blue\n", "colour", "unknown key");
    expect_error("subarray: 32\n", "subarray", "must be a mapping");
    expect_error("- 1\n- 2\n", "<document>", "must be a mapping");
    expect_error("subarray:\n  rows: -4\n", "subarray.rows", "must not be negative");
    expect_error("subarray:\n  rows: 3.5\n", "subarray.rows", "must be a whole number");
    expect_error("subarray:\n  rows: [1, 2]\n", "subarray.rows", "must be a whole number");
    expect_error("clock_mhz: fast\n", "clock_mhz", "must be a number");
    expect_error("clock_mhz: -700\n", "clock_mhz", "must be a positive number");
    expect_error("subarray:\n  grid: [4]\n", "subarray.grid", "list of two whole numbers");
    expect_error("subarray:\n  grid: 16\n", "subarray.grid", "list of two whole numbers");
    expect_error("name: [a, b]\n", "name", "must be a string");
    expect_error("pod:\n  activation_buffer:\n    bytes: 99999999999999999999999\n", "pod.activation_buffer.bytes",
                 "too large");
}

TEST_CASE("every consistency rule rejects what no chip could be", "[arch][validation]") {
    expect_error("pod:\n  count: 3\n  grid: [1, 3]\n", "pod.count", "not divisible by pod count 3");
    expect_error("subarray:\n  grid: [2, 8]\npod:\n  grid: [4, 1]\n", "pod.grid", "tile the subarray grid");
    expect_error("pod:\n  grid: [1, 2]\n", "pod.grid", "holds 2 pods, but pod.count is 4");
    expect_error("subarray:\n  count: 12\n", "subarray.grid", "holds 16 subarrays, but subarray.count is 12");
    expect_error("subarray:\n  rows: 0\n", "subarray.rows", "at least 1");
    expect_error("subarray:\n  count: 0\n", "subarray.count", "at least 1");
    expect_error("subarray:\n  count: 128\n  grid: [8, 16]\n", "subarray.count", "at most 64");
    expect_error("subarray:\n  weight_buffer_bytes: 1\n", "subarray.weight_buffer_bytes", "at least one weight");
    expect_error("subarray:\n  weight_buffer_bytes: 257\n", "subarray.weight_buffer_bytes", "whole number of weights");
    expect_error("data:\n  activation_bits: 32\n", "data.activation_bits", "int16");
    expect_error("data:\n  weight_bits: 1\n", "data.weight_bits", "two bits");
    expect_error("data:\n  accumulator_bits: 24\n", "data.accumulator_bits", "one full product");
    expect_error("data:\n  accumulator_bits: 96\n", "data.accumulator_bits", "int64");
    expect_error("pod:\n  activation_buffer:\n    banks: 16\n", "pod.activation_buffer.banks",
                 "one activation bank per PE row");
    expect_error("pod:\n  output_buffer:\n    banks: 64\n", "pod.output_buffer.banks", "one output bank per PE column");
    expect_error("pod:\n  activation_buffer:\n    bytes: 32\n", "pod.activation_buffer.bytes",
                 "too small to hold one row");
    expect_error("pod:\n  output_buffer:\n    bank_width_bits: 8\n", "pod.output_buffer.bank_width_bits",
                 "one value");
    expect_error("pod:\n  output_buffer:\n    bank_width_bits: 20\n", "pod.output_buffer.bank_width_bits",
                 "multiple of 8");
    expect_error("offchip:\n  channels: 3\n", "offchip.channels", "not divisible by channel count 3");
    expect_error("offchip:\n  channels: 0\n", "offchip.channels", "at least 1");
    expect_error("offchip:\n  bandwidth_gbps: 0\n", "offchip.bandwidth_gbps", "positive");
    expect_error("offchip:\n  latency_ns: -1\n", "offchip.latency_ns", "must not be negative");
    expect_error("offchip:\n  burst_bytes: 48\n", "offchip.burst_bytes", "power of two");
    expect_error("ring_bus:\n  pipeline_stages: 0\n", "ring_bus.pipeline_stages", "at least 1");
    expect_error("simd:\n  lanes: 0\n", "simd.lanes", "at least 1");
    expect_error("instruction_buffer:\n  bytes: 4100\n", "instruction_buffer.bytes", "whole number");
    expect_error("instruction_buffer:\n  instruction_bytes: 16\n", "instruction_buffer.instruction_bytes",
                 "unknown key (retired: no replacement, the instruction format fixes 16 bytes per instruction)");
    expect_error("instruction_buffer:\n  bytes: 24\n", "instruction_buffer.bytes", "16-byte instructions");
    expect_error("energy:\n  mac_pj: -0.1\n", "energy.mac_pj", "must not be negative");
    expect_error("energy:\n  dram_pj_per_bit: -7\n", "energy.dram_pj_per_bit", "must not be negative");
    expect_error("host:\n  quantum_ns: 0\n", "host.quantum_ns", "positive");
    expect_error("name: ''\n", "name", "must not be empty");
    expect_error("subarray:\n  count: 64\n  grid: [8, 8]\npod:\n  count: 1\n  grid: [1, 1]\n", "pod.count",
                 "16 selectors");
}

TEST_CASE("check() reports every broken rule, validate() the first", "[arch][validation]") {
    ArchConfig cfg;
    cfg.subarray.rows = 0;
    cfg.offchip.channels = 0;
    const auto issues = check(cfg);
    REQUIRE(issues.size() >= 2);
    CHECK(issues.front().path == "subarray.rows");
    CHECK_THROWS_AS(validate(cfg, "mine"), ConfigError);
    CHECK(check(ArchConfig{}).empty());
}

TEST_CASE("the summary gives the derived figures of the design point", "[arch]") {
    const std::string s = arch_summary(ArchConfig{});
    CHECK_THAT(s, Catch::Contains("16,384 PEs"));
    CHECK_THAT(s, Catch::Contains("700 MHz"));
    CHECK_THAT(s, Catch::Contains("12 MB (12,582,912 bytes"));
    CHECK_THAT(s, Catch::Contains("250 GB/s"));
    CHECK_THAT(s, Catch::Contains("11.47 TMAC/s"));  // 16,384 x 700 MHz = 11.4688 T
    CHECK(with_thousands(0) == "0");
    CHECK(with_thousands(999) == "999");
    CHECK(with_thousands(1000) == "1,000");
    CHECK(with_thousands(12582912) == "12,582,912");
}

TEST_CASE("the shipped YAML files on disk parse the same as their text", "[arch]") {
    for (const char* f : {"planaria.yaml", "monolithic.yaml", "granularity-16.yaml", "granularity-64.yaml"}) {
        INFO(f);
        CHECK(to_yaml(load_arch_file(kArchDir + f)) == to_yaml(parse_arch(read_file(kArchDir + f), f)));
    }
}

// Inputs that are not what they seem are refused, naming the file and the key.
TEST_CASE("arch files that are not one YAML document are refused", "[arch][reliability]") {
    const auto dir = std::filesystem::temp_directory_path() / ("planaria-arch-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream((dir / name).string()) << text;
        return (dir / name).string();
    };
    const auto refused = [](const std::string& file, const std::string& path, const std::string& rule) {
        INFO(file);
        try {
            load_arch_file(file);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK_THAT(std::string(e.what()), Catch::StartsWith(file));
            CHECK(e.path() == path);
            CHECK_THAT(e.rule(), Catch::Contains(rule));
        }
    };
    refused(dir.string(), "<file>", "is a directory");
    refused(write("empty.yaml", ""), "<file>", "empty");
    refused(write("blank.yaml", "\n  \n"), "<file>", "empty");
    refused((dir / "missing.yaml").string(), "<file>", "no such file");
    refused(write("dup.yaml", "name: a\nclock_mhz: 700\nname: b\n"), "name", "duplicate key");
    refused(write("dup-nested.yaml", "subarray:\n  rows: 32\n  rows: 64\n"), "subarray.rows", "duplicate key");
    refused(write("two.yaml", "name: a\n---\nname: b\n"), "<document>", "second YAML document");
    refused(write("deep.yaml", "name: " + std::string(3000, '[') + std::string(3000, ']') + "\n"), "<document>",
            "nested deeper than");
    std::filesystem::remove_all(dir);
}

TEST_CASE("arch values are checked in 64 bits and within their documented ranges", "[arch][reliability]") {
    // 2 x 2147483656 wraps to 16 in 32 bits.
    expect_error("subarray:\n  grid: [2, 2147483656]\n", "subarray.grid", "at most 64");
    expect_error("pod:\n  grid: [4294967295, 1]\n", "pod.grid", "at most 64");
    expect_error("clock_mhz: 1e30\n", "clock_mhz", "between 1 and 10000 MHz");
    expect_error("clock_mhz: 1e-300\n", "clock_mhz", "between 1 and 10000 MHz");
    expect_error("offchip:\n  bandwidth_gbps: 1e300\n", "offchip.bandwidth_gbps", "GB/s");
    expect_error("energy:\n  mac_pj: 1e12\n", "energy.mac_pj", "pJ");
    expect_error("host:\n  quantum_ns: 1e300\n", "host.quantum_ns", "ns");
    expect_error("pod:\n  activation_buffer:\n    bytes: 1e12\n", "pod.activation_buffer.bytes", "1 GiB");
}
