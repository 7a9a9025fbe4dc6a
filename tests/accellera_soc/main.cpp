// A SoC built from components nobody in this project wrote: the Accellera
// TLM-2.0 examples Debian ships in libsystemc-doc (compiled from their
// folder, not copied). Two variants in one simulation:
//
//   LT:  Cpu, Accelerator<32>.memory[0..3] -> SimpleBusLT -> { Accelerator.host, lt_target }
//   AT:  Cpu, Accelerator<32>.memory[0..3] -> SimpleBusAT -> { Accelerator.host, at_target_4_phase }
//
// and beside them the LT SoC again with the chip at cycle fidelity (every
// tile on the PE, subarray and ring-bus modules).
//
// The buses decode address bits 31..28 (256 MiB windows): the accelerator's
// registers at 0x0000'0000, the memory at 0x1000'0000. The memories offer
// b_transport / nb_transport and nothing the chip needs beyond that. The CPU
// (a thread: the AT bus converts its blocking calls) writes each DNN's
// memory image where its TenantLoader places it, starts it through the
// AcceleratorDriver, waits for the interrupt and reads every stored tensor
// back over the bus, comparing it bit for bit with the reference execution.
#include <iostream>
#include <memory>

#include "SimpleBusAT.h"
#include "SimpleBusLT.h"
#include "at_target_4_phase.h"
#include "lt_target.h"

#include "compiler/compiler.h"
#include "hw/accelerator/accelerator.h"
#include "hw/bundle/bundle_io.h"
#include "hw/driver/tenant_loader.h"
#include "testbench/functional_image.h"
#include "testbench/reference_inference.h"

using namespace planaria;

namespace {

constexpr std::uint64_t kMemoryWindow = 0x1000'0000;       // port 1 of the buses
constexpr std::uint64_t kMemoryBytes = 4 * 1024 * 1024;    // the target memory (allocated whole)

const char* kModel = R"(
format: planaria-model/1
name: Small CNN
key: small_cnn
source: accellera soc
inputs:
  - {name: image, shape: [8, 12, 12]}
layers:
  - {name: conv, type: conv, out_channels: 24, kernel: 3, padding: 1}
  - {name: conv_relu, type: relu}
  - {name: dw, type: depthwise_conv, kernel: 3, stride: 2, padding: 1}
  - {name: pw, type: conv, out_channels: 16, kernel: 1, bias: true}
  - {name: pool, type: maxpool, kernel: 2}
  - {name: gap, type: global_avgpool}
  - {name: fc, type: fc, out_features: 10}
  - {name: prob, type: softmax}
)";

/// The DNN, compiled and written to a bundle's bytes and read back, its data and reference.
struct Dnn {
    Model model = parse_model(kModel, "small_cnn.yaml");
    ArchConfig cfg;
    unsigned k = 4;
    Bundle bundle = deserialize(serialize(Compiler(cfg, {Objective::Cycles, k, true, {k}}).compile(model)), "memory");
    ModelParameters params = random_parameters(model, 7);
    std::vector<Tensor> inputs = random_inputs(model, 8);
    std::vector<Tensor> reference = run_reference(model, params, inputs);
    FunctionalImage image = functional_image(model, params, inputs, cfg);
    std::vector<LayerWork> work = lower(model);
    bool stored(std::size_t i) const { return !(i + 1 < work.size() && work[i + 1].fused); }
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu, 32> socket{"socket"};
    sc_core::sc_in<bool> irq{"irq"};
    const Dnn& dnn;
    const TenantLoader loader;
    const TenantRegions at;
    AcceleratorDriver driver{[this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { socket->b_transport(t, d); }};
    bool ok = false;
    std::size_t compared = 0;

    SC_HAS_PROCESS(Cpu);
    Cpu(sc_core::sc_module_name n, const Dnn& d)
        : sc_module(n), dnn(d), loader(d.bundle, d.k, d.cfg), at(loader.place(kMemoryWindow + 0x1000)) {
        SC_THREAD(run);
    }

    bool transfer(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, std::uint64_t bytes) {
        for (std::uint64_t off = 0; off < bytes; off += 64) {  // the memories take bursts of any size; keep them short
            const unsigned n = unsigned(std::min<std::uint64_t>(64, bytes - off));
            tlm::tlm_generic_payload t;
            t.set_command(cmd);
            t.set_address(address + off);
            t.set_data_ptr(data + off);
            t.set_data_length(n);
            t.set_streaming_width(n);
            t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
            socket->b_transport(t, delay);
            wait(delay);
            if (!t.is_response_ok()) return false;
        }
        return true;
    }

    void run() {
        ok = at.contexts.back() + loader.context_bytes() < kMemoryWindow + kMemoryBytes;
        for (MemorySegment s : loader.image(at, dnn.image.blocks))
            ok = ok && transfer(tlm::TLM_WRITE_COMMAND, s.address, s.bytes.data(), s.bytes.size());
        driver.enable_interrupts();
        const AcceleratorDriver::Tenant tenant = loader.tenant(1, at);
        driver.start(tenant);
        driver.sync();
        std::uint64_t all = 0, done = 0;
        for (unsigned s : tenant.subarrays) all |= 1ull << s;
        while (ok && done != all) {
            if (!driver.wait_for_interrupt(*irq.operator->(), sc_core::sc_time(1, sc_core::SC_SEC))) break;
            driver.acknowledge();
            done |= driver.done_mask();
            driver.write(regmap::kDoneMask, std::uint32_t(done));
            driver.sync();
        }
        ok = ok && done == all;
        for (unsigned s : tenant.subarrays) {
            const AcceleratorDriver::SequencerCounters c = driver.counters(s);
            if (c.error) std::cout << name() << ": sequencer " << s << " stopped with error " << c.error << "\n";
            ok = ok && c.error == 0;
        }
        for (std::size_t i = 0; ok && i < dnn.model.layers.size(); ++i) {
            if (!dnn.stored(i)) continue;
            const std::vector<std::int16_t>& want = dnn.reference[i].data;
            std::vector<std::int16_t> got(want.size());
            ok = transfer(tlm::TLM_READ_COMMAND, loader.output_address(at, i), reinterpret_cast<unsigned char*>(got.data()),
                          got.size() * 2);
            if (got != want) std::cout << name() << ": layer " << dnn.model.layers[i].name << " differs\n";
            ok = ok && got == want;
            ++compared;
        }
        std::cout << name() << ": " << compared << " tensors " << (ok ? "bit-exact" : "FAILED") << " at "
                  << sc_core::sc_time_stamp() << "\n";
    }
};

/// One SoC: the CPU and the chip's four channels on the bus, the registers and a memory behind it.
template <class Bus, class Memory>
struct Soc {
    Bus bus;
    Accelerator<32> chip;
    Memory memory;
    Cpu cpu;
    sc_core::sc_signal<bool> irq;

    Soc(const std::string& name, const Dnn& dnn, Fidelity fidelity = Fidelity::Tile)
        : bus((name + "_bus").c_str()), chip((name + "_planaria").c_str(), dnn.cfg, fidelity),
          memory((name + "_memory").c_str(), 1, "memory_socket", kMemoryBytes, 4, sc_core::sc_time(10, sc_core::SC_NS),
                 sc_core::sc_time(20, sc_core::SC_NS), sc_core::sc_time(20, sc_core::SC_NS)),
          cpu((name + "_cpu").c_str(), dnn), irq((name + "_irq").c_str()) {
        chip.enable_functional_data();
        cpu.socket.bind(bus.target_socket[0]);
        for (unsigned c = 0; c < 4; ++c) chip.memory[c].bind(bus.target_socket[1 + c]);
        bus.initiator_socket[0].bind(chip.host);
        bus.initiator_socket[1].bind(memory.m_memory_socket);
        chip.irq.bind(irq);
        cpu.irq.bind(irq);
    }
};

}  // namespace

int sc_main(int, char*[]) {
    // The Accellera memories report every access: not needed here.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const Dnn dnn;
    Soc<SimpleBusLT<5, 2>, lt_target> lt("lt", dnn);
    Soc<SimpleBusAT<5, 2>, at_target_4_phase> at("at", dnn);
    Soc<SimpleBusLT<5, 2>, lt_target> cycle("lt_cycle", dnn, Fidelity::Cycle);
    sc_core::sc_start();
    const bool ok = lt.cpu.ok && at.cpu.ok && cycle.cpu.ok && lt.cpu.compared >= 5 && at.cpu.compared == lt.cpu.compared &&
                    cycle.cpu.compared == lt.cpu.compared;
    const CycleCrossCheck& check = cycle.chip.cycle_check();
    std::cout << "cycle fidelity: " << check.tiles << " tiles on the datapath modules, " << check.differing
              << " differing from the closed form, " << check.errors << " errors\n";
    const bool cycles_agree = check.tiles > 0 && check.differing == 0 && check.errors == 0;
    std::cout << (ok && cycles_agree ? "accellera soc ok" : "accellera soc FAILED") << "\n";
    return ok && cycles_agree ? 0 : 1;
}
