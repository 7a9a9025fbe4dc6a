// Functional mode of the tile-level model: real int16 data flows through the
// sequencers' loads, tiles and stores, and every tensor an inference stores
// equals the plain reference execution (testbench/reference_inference.h) bit
// for bit; the timing is that of a timing-only run.
#include <catch2/catch.hpp>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "hw/sequencer/sequencer_context.h"
#include "testbench/functional_image.h"
#include "testbench/replay.h"
#include "support/functional_tenant.h"

using namespace planaria;
using namespace planaria::test;

TEST_CASE("a small model computes bit-exactly on every subarray count", "[functional]") {
    const Tenant t(small_model(), 7);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    const std::vector<unsigned> counts = {1, 2, 3, 4, 6, 8, 12, 16};
    add_on_counts(platform, t, counts);
    sc_core::sc_start();
    for (std::size_t j = 0; j < counts.size(); ++j) {
        INFO("k = " << counts[j]);
        check_outputs(platform, j, t);
    }
}

TEST_CASE("co-located tenants compute bit-exactly", "[functional]") {
    const Tenant small(small_model(), 11);
    const Tenant mobilenet(zoo("mobilenet_v1", "image=3x32x32"), 12);
    ReplayPlatform functional("functional", ArchConfig{});
    functional.enable_functional_data();
    add_colocated(functional, mobilenet, small);
    sc_core::sc_start();
    check_outputs(functional, 0, mobilenet);
    check_outputs(functional, 1, small);
    check_outputs(functional, 2, small);
}

TEST_CASE("ResNet-50 at reduced resolution computes bit-exactly on the whole chip", "[functional]") {
    const Tenant resnet(zoo("resnet50", "image=3x32x32"), 21);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    ReplayJob job;
    job.bundle = &resnet.bundle;
    job.subarrays = 16;
    job.data = &resnet.image;
    platform.add(job);
    sc_core::sc_start();
    check_outputs(platform, 0, resnet);
}

TEST_CASE("a model functional mode cannot run is refused naming the layer", "[functional]") {
    const Model gnmt = load_model_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/gnmt.yaml");
    ModelParameters params;
    params.layers.resize(gnmt.layers.size());
    std::vector<Tensor> inputs;
    for (const auto& in : gnmt.inputs) inputs.push_back({in.shape, std::vector<std::int16_t>(in.shape.elements(), 0)});
    CHECK_THROWS_WITH(functional_image(gnmt, params, inputs, ArchConfig{}), Catch::Matchers::Contains("cannot run functionally"));
}

namespace {

/// The contexts job `j` saved (one per position), and how many held a tile of results.
unsigned saved_tiles(ReplayPlatform& platform, std::size_t job, unsigned positions) {
    const unsigned slots = ArchConfig{}.subarray.weight_buffer_bytes / 2;
    unsigned with_results = 0;
    for (unsigned p = 0; p < positions; ++p) {
        std::vector<std::uint8_t> bytes =
            platform.read_bytes(job, ReplayPlatform::context_address(p), SequencerContext::header_bytes(slots));
        const std::uint64_t extra = SequencerContext::results_bytes(bytes, slots);
        const auto rest = platform.read_bytes(job, ReplayPlatform::context_address(p) + bytes.size(), extra);
        bytes.insert(bytes.end(), rest.begin(), rest.end());
        const SequencerContext c = SequencerContext::deserialize(bytes, slots);
        bool nonzero = false;
        for (auto v : c.outputs) nonzero = nonzero || v != 0;
        with_results += c.held_vectors * c.held_cols > 0 && nonzero;
    }
    return with_results;
}

}  // namespace

TEST_CASE("a tenant preempted mid-layer resumes on other subarrays bit-exactly", "[functional][preemption]") {
    const Tenant first(small_model(), 31), second(small_model(), 32);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    const ReplayJob a = add_preempted(platform, first, second);
    sc_core::sc_start();
    const ReplayResult& r = platform.results()[0];
    CHECK(r.preemptions == 1);
    CHECK(saved_tiles(platform, 0, 4) > 0);  // the stop fell inside a layer: a tile of results was saved
    CHECK(r.tiles == first.bundle.per_k[3].table.total_tiles());
    CHECK(platform.results()[1].arrival > *a.preempt_after);
    CHECK(r.finish > platform.results()[1].finish);
    check_outputs(platform, 0, first);
    check_outputs(platform, 1, second);
}

TEST_CASE("the whole chip preempted for another tenant resumes bit-exactly", "[functional][preemption]") {
    const Tenant first(zoo("mobilenet_v1", "image=3x32x32"), 41), second(small_model(), 42);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    ReplayJob a;
    a.bundle = &first.bundle;
    a.subarrays = 16;
    a.data = &first.image;
    a.preempt_after = sc_core::sc_time(60, sc_core::SC_US);
    a.resume_after = 1;
    platform.add(a);
    ReplayJob b;
    b.bundle = &second.bundle;
    b.subarrays = 16;
    b.data = &second.image;
    b.after_preemption_of = 0;
    platform.add(b);
    sc_core::sc_start();
    CHECK(platform.results()[0].preemptions == 1);
    CHECK(platform.results()[0].tiles == first.bundle.per_k[15].table.total_tiles());
    check_outputs(platform, 0, first);
    check_outputs(platform, 1, second);
}

TEST_CASE("preemptions at many moments lose nothing", "[functional][preemption]") {
    // The same inference preempted at a different moment on every subarray
    // count (in barriers, between layers, inside split-K tiles), resumed at
    // once on the same or another region: every output exact, every tile run once.
    const Tenant t(small_model(), 51);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    struct Case {
        unsigned k, resume_pod_offset;
        double after_us;
    };
    const std::vector<Case> cases = {{1, 1, 0.2}, {1, 2, 3.0},  {2, 0, 1.1},  {2, 3, 4.2}, {3, 1, 0.7},
                                     {4, 0, 2.9}, {6, 2, 1.3},  {8, 2, 0.05}, {8, 0, 2.4}, {12, 0, 1.7},
                                     {16, 0, 0.9}, {16, 0, 3.3}};
    for (std::size_t j = 0; j < cases.size(); ++j) {
        ReplayJob job;
        job.bundle = &t.bundle;
        job.subarrays = cases[j].k;
        job.after_previous = j > 0;
        job.data = &t.image;
        job.preempt_after = sc_core::sc_time(cases[j].after_us, sc_core::SC_US);
        job.resume_pod_offset = cases[j].resume_pod_offset;
        platform.add(job);
    }
    sc_core::sc_start();
    for (std::size_t j = 0; j < cases.size(); ++j) {
        INFO("k = " << cases[j].k << ", preempted after " << cases[j].after_us << " us");
        CHECK(platform.results()[j].preemptions == 1);
        CHECK(platform.results()[j].tiles == t.bundle.per_k[cases[j].k - 1].table.total_tiles());
        check_outputs(platform, j, t);
    }
}

// A reduction longer than the PE weight buffers hold (32 rows x 128 slots =
// 4096 on the design point) fetches its weights again for every m chunk; the
// boundary on both sides, a second wrap, and a convolution whose 3x3 window
// over 460 channels (K = 4140) spans several m chunks.
TEST_CASE("reductions longer than the weight buffers hold compute bit-exactly", "[functional]") {
    std::vector<Tenant> tenants;
    std::uint64_t seed = 20;
    for (unsigned K : {4095u, 4096u, 4097u, 8193u}) {
        const std::string yaml = "format: planaria-model/1\nname: fc\nkey: fc" + std::to_string(K) +
                                 "\nsource: test\ninputs:\n  - {name: x, shape: [" + std::to_string(K) +
                                 ", 1, 1]}\nlayers:\n  - {name: fc, type: fc, out_features: 40}\n";
        tenants.emplace_back(parse_model(yaml, "fc.yaml"), seed++);
    }
    tenants.emplace_back(parse_model(R"(
format: planaria-model/1
name: long conv
key: long_conv
source: test
inputs:
  - {name: image, shape: [460, 28, 28]}
layers:
  - {name: conv, type: conv, out_channels: 40, kernel: 3, padding: 1, bias: true}
)",
                                     "conv.yaml"),
                         seed++);
    ReplayPlatform platform("platform", ArchConfig{});
    platform.enable_functional_data();
    const std::vector<unsigned> counts = {1, 2, 4, 16};
    for (const Tenant& t : tenants)
        for (unsigned k : counts) {
            ReplayJob job;
            job.bundle = &t.bundle;
            job.subarrays = k;
            job.after_previous = true;
            job.data = &t.image;
            platform.add(job);
        }
    sc_core::sc_start();
    for (std::size_t i = 0; i < tenants.size(); ++i)
        for (std::size_t c = 0; c < counts.size(); ++c) {
            INFO(tenants[i].model.key << " on k = " << counts[c]);
            check_outputs(platform, i * counts.size() + c, tenants[i]);
        }
}
