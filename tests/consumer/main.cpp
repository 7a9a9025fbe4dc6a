// A platform outside the project, built against the installed library:
//
//  - reads the reconfiguration register file over TLM, and evaluates a task
//    record with the metrics (whose header includes nlohmann-json, found
//    through the package's dependencies);
//  - runs two DNNs on the Accelerator functionally, as firmware would: the
//    TenantLoader places each one's regions back to back below 4 GiB, and the
//    CPU starts them with register writes spelled with the installed C header
//    planaria_regs.h (no driver class), waits for the interrupt and compares
//    every stored tensor with the reference execution. The SoC's global
//    quantum (10 us) must be left as it was.
#include <iostream>

#include <tlm_utils/simple_initiator_socket.h>

#include "compiler/compiler.h"
#include "hw/accelerator/accelerator.h"
#include "hw/bundle/bundle_io.h"
#include "hw/driver/tenant_loader.h"
#include "hw/regfile/reconfiguration_register_file.h"
#include "planaria_regs.h"
#include "testbench/functional_image.h"
#include "testbench/metrics.h"
#include "testbench/reference_inference.h"
#include "tlm/channel_memory.h"
#include "tlm/register_map.h"

using namespace planaria;

template <unsigned BUSWIDTH>
struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu, BUSWIDTH> socket{"socket"};
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) {}
    bool access(tlm::tlm_command cmd, std::uint64_t address, std::uint32_t& value) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(address);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
        t.set_data_length(4);
        t.set_streaming_width(4);
        sc_core::sc_time delay;
        socket->b_transport(t, delay);
        return t.is_response_ok();
    }
    std::uint32_t read(std::uint64_t address) {
        std::uint32_t value = 0;
        return access(tlm::TLM_READ_COMMAND, address, value) ? value : 0;
    }
    bool write(std::uint64_t address, std::uint32_t value) { return access(tlm::TLM_WRITE_COMMAND, address, value); }
};

// Two small DNNs: every kind of GEMM and SIMD layer the chip computes.
const char* kModels[] = {R"(
format: planaria-model/1
name: Small CNN
key: small_cnn
source: consumer
inputs:
  - {name: image, shape: [8, 12, 12]}
layers:
  - {name: conv, type: conv, out_channels: 24, kernel: 3, padding: 1}
  - {name: conv_relu, type: relu}
  - {name: pool, type: maxpool, kernel: 2}
  - {name: pw, type: conv, out_channels: 16, kernel: 1, bias: true}
  - {name: gap, type: global_avgpool}
  - {name: fc, type: fc, out_features: 10}
  - {name: prob, type: softmax}
)", R"(
format: planaria-model/1
name: Small residual
key: small_residual
source: consumer
inputs:
  - {name: image, shape: [16, 8, 8]}
layers:
  - {name: dw, type: depthwise_conv, kernel: 3, padding: 1}
  - {name: dw_relu, type: relu6}
  - {name: pw, type: conv, out_channels: 16, kernel: 1}
  - {name: add, type: add, inputs: [pw, image]}
  - {name: up, type: upsample, scale: 2}
  - {name: fc, type: fc, out_features: 12}
)"};

struct Dnn {
    Model model;
    Bundle bundle;
    ModelParameters params;
    std::vector<Tensor> inputs, reference;
    FunctionalImage image;
    Dnn(const char* yaml, const ArchConfig& cfg, unsigned k, std::uint64_t seed)
        : model(parse_model(yaml, "consumer.yaml")),
          // Through the file format, as a bundle compiled elsewhere would come.
          bundle(deserialize(serialize(Compiler(cfg, {Objective::Cycles, k, true, {k}}).compile(model)), "memory")),
          params(random_parameters(model, seed)), inputs(random_inputs(model, seed + 1)),
          reference(run_reference(model, params, inputs)), image(functional_image(model, params, inputs, cfg)) {}
};

bool run_dnns() {
    const ArchConfig cfg;  // the paper's design point: 16 subarrays, 4 pods, 4 channels
    const unsigned k = 4;  // each DNN on one Fission Pod
    Dnn a(kModels[0], cfg, k, 11), b(kModels[1], cfg, k, 21);
    const TenantLoader load_a(a.bundle, k, cfg), load_b(b.bundle, k, cfg);
    const TenantRegions at_a = load_a.place(0x1000'0000), at_b = load_b.place(0x1000'0000 + load_a.footprint());
    const std::uint64_t end = at_b.contexts.back() + load_b.context_bytes();

    Cpu<64> cpu("firmware");
    Accelerator<64> chip("planaria", cfg);
    chip.enable_functional_data();
    sc_core::sc_vector<ChannelMemory<64>> dram("dram", cfg.offchip.channels, [&](const char* name, std::size_t) {
        return new ChannelMemory<64>(name, std::uint64_t(1) << 32, cfg.offchip.bandwidth_gbps, cfg.offchip.latency_ns);
    });
    for (unsigned c = 0; c < cfg.offchip.channels; ++c) {
        chip.memory[c].bind(dram[c].socket);
        if (c) dram[c].share_storage(dram[0]);
    }
    cpu.socket.bind(chip.host);
    sc_core::sc_signal<bool> irq("irq");
    chip.irq.bind(irq);

    for (const auto& [loader, at, dnn] : {std::tuple{&load_a, &at_a, &a}, std::tuple{&load_b, &at_b, &b}})
        for (const MemorySegment& s : loader->image(*at, dnn->image.blocks)) dram[0].load(s.address, s.bytes.data(), s.bytes.size());

    // Firmware: each tenant's sequencers (the second on the next pod), then the doorbells.
    bool ok = end < (std::uint64_t(1) << 32) && cpu.write(PLANARIA_IRQ_ENABLE, PLANARIA_IRQ_ENABLE_COMPLETION_MASK);
    std::uint32_t all = 0;
    for (unsigned t = 0; t < 2; ++t) {
        const TenantRegions& at = t ? at_b : at_a;
        const std::vector<unsigned> region = (t ? load_b : load_a).region(t);  // tenant t on pod t
        for (unsigned p = 0; p < k; ++p) {
            const unsigned s = region[p];
            ok = ok && cpu.write(PLANARIA_SEQUENCER_PROGRAM_LO(s), std::uint32_t(at.programs[p])) &&
                 cpu.write(PLANARIA_SEQUENCER_PROGRAM_HI(s), std::uint32_t(at.programs[p] >> 32)) &&
                 cpu.write(PLANARIA_SEQUENCER_TENANT(s), t + 1) &&
                 cpu.write(PLANARIA_SEQUENCER_DATA_LO(s), std::uint32_t(at.data)) &&
                 cpu.write(PLANARIA_SEQUENCER_DATA_HI(s), std::uint32_t(at.data >> 32)) &&
                 cpu.write(PLANARIA_SEQUENCER_WEIGHTS_LO(s), std::uint32_t(at.weights)) &&
                 cpu.write(PLANARIA_SEQUENCER_WEIGHTS_HI(s), std::uint32_t(at.weights >> 32)) &&
                 cpu.write(PLANARIA_SEQUENCER_CONTEXT_LO(s), std::uint32_t(at.contexts[p])) &&
                 cpu.write(PLANARIA_SEQUENCER_CONTEXT_HI(s), std::uint32_t(at.contexts[p] >> 32));
            all |= 1u << s;
        }
    }
    for (unsigned s = 0; s < 16; ++s)
        if (all >> s & 1) ok = ok && cpu.write(PLANARIA_SEQUENCER_DOORBELL(s), 1u << PLANARIA_SEQUENCER_DOORBELL_START_SHIFT);
    sc_core::sc_start();
    ok = ok && irq.read() && (cpu.read(PLANARIA_DONE_MASK0) & all) == all;
    for (unsigned s = 0; s < 16; ++s)
        if (all >> s & 1) ok = ok && cpu.read(PLANARIA_SEQUENCER_ERROR(s)) == 0 &&
             (cpu.read(PLANARIA_SEQUENCER_STATUS(s)) & PLANARIA_SEQUENCER_STATUS_DONE_MASK);
    // Every stored tensor, bit for bit (a layer fused into its producer's write-back is not stored).
    std::size_t compared = 0;
    for (const auto& [loader, at, dnn] : {std::tuple{&load_a, &at_a, &a}, std::tuple{&load_b, &at_b, &b}}) {
        const std::vector<LayerWork> work = lower(dnn->model);
        for (std::size_t i = 0; i < dnn->model.layers.size(); ++i) {
            if (i + 1 < work.size() && work[i + 1].fused) continue;
            std::vector<std::int16_t> got(dnn->reference[i].data.size());
            dram[0].peek(loader->output_address(*at, i), got.data(), got.size() * 2);
            const bool same = got == dnn->reference[i].data;
            if (!same) std::cout << dnn->model.key << ": layer " << dnn->model.layers[i].name << " differs\n";
            ok = ok && same;
            ++compared;
        }
    }
    std::cout << "two DNNs: " << compared << " tensors compared, regions end at 0x" << std::hex << end << std::dec
              << (ok ? ", bit-exact" : ", FAILED") << "\n";
    return ok && compared >= 8;
}

int sc_main(int, char*[]) {
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(10, sc_core::SC_US));  // the SoC's choice
    planaria::ArchConfig cfg;  // the paper's design point
    Cpu<32> cpu("cpu");
    planaria::ReconfigurationRegisterFile regs("regs", cfg);
    cpu.socket.bind(regs.socket);
    planaria::Request request;
    request.bound = 1;
    planaria::EnergyBreakdown energy;  // joules, by component
    energy.dram = 1e-3;
    const planaria::TaskRecord task = planaria::finished_task(request, 0, 0.5, 0.5, energy, 0);
    const planaria::WorkloadMetrics m = planaria::evaluate({task}, 0.5, 16);
    const bool dnns = run_dnns();
    const bool quantum = tlm::tlm_global_quantum::instance().get() == sc_core::sc_time(10, sc_core::SC_US);
    const bool ok = cpu.read(planaria::regmap::kId) == planaria::regmap::kIdValue && m.sla_met &&
                    planaria::to_json(m)["tasks"] == 1 && m.energy.dram == 1e-3 && dnns && quantum;
    std::cout << (ok ? "consumer ok" : "consumer FAILED") << "\n";
    return ok ? 0 : 1;
}
