#pragma once
// Functional tenants for tests: a model compiled for a chip, random weights
// and inputs from a seed, the reference execution of them, and the check
// that every tensor an inference stored equals the reference bit for bit.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "testbench/functional_image.h"
#include "testbench/reference_inference.h"
#include "testbench/replay.h"

namespace planaria::test {

// A few layers of every kind the chip computes: a padded 3x3 convolution
// whose K spans several tiles, depth-wise work, a biased 1x1 convolution,
// a residual addition, pooling, a biased classifier and a softmax.
inline const char* kSmallModel = R"(
format: planaria-model/1
name: Small
key: small
source: test
inputs:
  - {name: image, shape: [24, 12, 12]}
layers:
  - {name: conv1, type: conv, out_channels: 40, kernel: 3, padding: 1}
  - {name: conv1_bn, type: batchnorm}
  - {name: conv1_relu, type: relu}
  - {name: dw, type: depthwise_conv, kernel: 3, stride: 2, padding: 1}
  - {name: dw_relu6, type: relu6}
  - {name: pw, type: conv, out_channels: 40, kernel: 1, bias: true}
  - {name: pw2, type: conv, out_channels: 40, kernel: 1, input: dw_relu6}
  - {name: sum, type: add, inputs: [pw, pw2]}
  - {name: pool, type: maxpool, kernel: 3, stride: 2, padding: 1}
  - {name: gap, type: global_avgpool}
  - {name: fc, type: fc, out_features: 300}
  - {name: prob, type: softmax}
)";

struct Tenant {
    Model model;
    Bundle bundle;
    std::vector<Tensor> reference;
    FunctionalImage image;

    Tenant(Model m, std::uint64_t seed, const ArchConfig& cfg = ArchConfig{}) : model(std::move(m)) {
        bundle = Compiler(cfg).compile(model);
        const ModelParameters params = random_parameters(model, seed);
        const std::vector<Tensor> inputs = random_inputs(model, seed + 1);
        reference = run_reference(model, params, inputs);
        image = functional_image(model, params, inputs, cfg);
    }
};

inline Model small_model() { return parse_model(kSmallModel, "small.yaml"); }

inline Model zoo(const std::string& key, const std::string& input) {
    return load_model_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/" + key + ".yaml",
                           {InputOverride::parse(input)});
}

/// Every tensor the job stored equals the reference; reports the first difference.
inline void check_outputs(ReplayPlatform& platform, std::size_t job, const Tenant& t) {
    REQUIRE_FALSE(platform.results().at(job).error);
    const std::vector<LayerWork> work = lower(t.model);
    unsigned compared = 0;
    std::uint64_t values = 0, zeros = 0, saturated = 0;
    for (std::size_t i = 0; i < t.model.layers.size(); ++i) {
        if (i + 1 < work.size() && work[i + 1].fused) continue;  // not stored: the chain's end is
        const Tensor& want = t.reference[i];
        const std::vector<std::int16_t> got =
            platform.read_data(job, t.image.layout.outputs[i], want.data.size());
        std::size_t first = 0;
        while (first < got.size() && got[first] == want.data[first]) ++first;
        INFO(t.model.key << " job " << job << " layer " << t.model.layers[i].name << ": element " << first << " of "
                         << got.size());
        if (first < got.size()) CHECK(got[first] == want.data[first]);
        REQUIRE(first == got.size());
        ++compared;
        for (auto v : got) {
            ++values;
            zeros += v == 0;
            saturated += v == 32767 || v == -32768;
        }
    }
    CHECK(compared > 0);
    // Not a vacuous comparison: real values, neither mostly zero (after
    // ReLUs about half are) nor stuck at the rails.
    INFO(zeros << " zeros and " << saturated << " saturated of " << values);
    CHECK(zeros < values * 7 / 10);
    CHECK(saturated * 100 < values);
}

// Scenarios both fidelities run (functional_test, cycle_fidelity_test).

/// `t` once per subarray count, back to back (functional).
inline void add_on_counts(ReplayPlatform& p, const Tenant& t, const std::vector<unsigned>& counts) {
    for (std::size_t j = 0; j < counts.size(); ++j) {
        ReplayJob job;
        job.bundle = &t.bundle;
        job.subarrays = counts[j];
        job.after_previous = j > 0;
        job.data = &t.image;
        p.add(job);
    }
}

/// `mobilenet` on 8 subarrays, `small` twice on 4 beside it (pods 2 and 3, arriving at 2 and 5 us).
inline void add_colocated(ReplayPlatform& p, const Tenant& mobilenet, const Tenant& small) {
    ReplayJob a;
    a.bundle = &mobilenet.bundle;
    a.subarrays = 8;
    a.data = &mobilenet.image;
    p.add(a);
    ReplayJob b;
    b.bundle = &small.bundle;
    b.subarrays = 4;
    b.pod_offset = 2;
    b.arrival = sc_core::sc_time(2, sc_core::SC_US);
    b.data = &small.image;
    p.add(b);
    ReplayJob c = b;
    c.pod_offset = 3;
    c.arrival = sc_core::sc_time(5, sc_core::SC_US);
    p.add(c);
}

/// `first` on 4 subarrays, preempted after 2 us for `second`, which takes its
/// subarrays, buffers and weights; `first` resumes in the next pod once
/// `second` is done.
inline ReplayJob add_preempted(ReplayPlatform& p, const Tenant& first, const Tenant& second) {
    ReplayJob a;
    a.bundle = &first.bundle;
    a.subarrays = 4;
    a.data = &first.image;
    a.preempt_after = sc_core::sc_time(2, sc_core::SC_US);
    a.resume_after = 1;
    a.resume_pod_offset = 1;
    p.add(a);
    ReplayJob b;
    b.bundle = &second.bundle;
    b.subarrays = 4;
    b.data = &second.image;
    b.after_preemption_of = 0;
    p.add(b);
    return a;
}

}  // namespace planaria::test
