// The compile cache a run shares with its tile-level child runs: a model is
// compiled once, read back equal to a fresh compile, and found again only
// under the same architecture, model, inputs and options.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "compiler/compiler.h"
#include "compiler/model.h"
#include "hw/bundle/bundle_io.h"
#include "hw/config/arch_config.h"
#include "hw/config/arch_yaml.h"
#include "testbench/bundle_cache.h"

using namespace planaria;

namespace {

struct Folder {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("planaria-bundle-cache-test-" + std::to_string(::getpid()));
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

const std::string kModel = std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/tiny_yolo.yaml";

}  // namespace

TEST_CASE("a cached bundle is compiled once and read back equal to a fresh compile", "[bundle]") {
    const Folder folder;
    const BundleCache cache(folder.path.string());
    const ArchConfig cfg;  // the Planaria design point
    const CompileOptions options(Objective::Cycles, 4, true);
    const std::vector<InputOverride> inputs{InputOverride::parse("image=3x32x32")};

    const std::string at = cache.path(cfg, options, kModel, inputs);
    REQUIRE_FALSE(std::filesystem::exists(at));
    const Bundle first = cache.get(cfg, options, kModel, inputs);
    REQUIRE(std::filesystem::exists(at));
    CHECK(first.arch_fingerprint == arch_fingerprint(to_yaml(cfg)));

    // Read back: the very bytes of a fresh compile (stamped as the cache stamps it).
    Bundle fresh = Compiler(cfg, options).compile(load_model_file(kModel, inputs));
    fresh.arch_fingerprint = first.arch_fingerprint;
    const auto write_time = std::filesystem::last_write_time(at);
    const Bundle again = cache.get(cfg, options, kModel, inputs);
    CHECK(std::filesystem::last_write_time(at) == write_time);  // not compiled again
    CHECK(serialize(again) == serialize(fresh));
    CHECK(serialize(first) == serialize(fresh));

    // Anything that shapes the bundle is another entry.
    CHECK(cache.path(cfg, options, kModel, {InputOverride::parse("image=3x64x64")}) != at);
    CHECK(cache.path(cfg, CompileOptions(Objective::Cycles, 4, false), kModel, inputs) != at);
    ArchConfig wider = cfg;
    wider.offchip.bandwidth_gbps *= 2;
    CHECK(cache.path(wider, options, kModel, inputs) != at);

    // A damaged entry is compiled again and replaced, not trusted.
    { std::ofstream(at, std::ios::binary | std::ios::trunc) << "not a bundle"; }
    CHECK(serialize(cache.get(cfg, options, kModel, inputs)) == serialize(fresh));
    CHECK(serialize(read_bundle(at)) == serialize(fresh));

    CHECK_THROWS_AS(BundleCache((folder.path / "absent").string()), std::invalid_argument);
}
