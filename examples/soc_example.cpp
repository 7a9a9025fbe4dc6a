// A small SoC around the Planaria accelerator, as a virtual-platform
// integrator would build one with the library:
//
//   Cpu ----\                       /---> Memory (one shared DRAM model)
//            > Router (address map)
//   Accelerator.memory[0..3] ------/ \--> Accelerator.host (registers)
//   Accelerator.irq ---> Cpu
//
// The CPU loads two compiled DNNs (MobileNet-v1 and ResNet-50 at 32x32,
// eight subarrays each) and their data (random weights and inputs) into
// memory where the TenantLoader places them (every region of both below
// 1 GiB), starts them with the AcceleratorDriver over the bus (program,
// tenant, data, weights and context bases, doorbells) and waits for the
// completion interrupt. The accelerator
// runs in functional mode: real int16 values flow through its tiles, carried
// by its timed bursts through the router (it asks for no DMI and uses no
// debug transport). The CPU then reads every tensor the DNNs stored back over
// the bus and compares it with a plain C++ reference execution, bit for bit.
#include <algorithm>
#include <iostream>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "compiler/compiler.h"
#include "compiler/lowering.h"
#include "hw/accelerator/accelerator.h"
#include "hw/driver/tenant_loader.h"
#include "testbench/functional_image.h"
#include "testbench/reference_inference.h"
#include "tlm/channel_memory.h"
#include "tlm/register_map.h"

using namespace planaria;

// The address map.
constexpr std::uint64_t kMemoryBytes = 1ull << 40;                // DRAM at 0 (sparse: only what is written is allocated)
constexpr std::uint64_t kAcceleratorBase = 0xF000'0000'0000ull;   // registers above all memory
constexpr std::uint64_t kTenantsBase = 0x1000'0000;               // the DNNs' regions, one after the other

/// Address decoding: the accelerator's registers at kAcceleratorBase, memory
/// below. Forwards all four base-protocol interfaces: b_transport,
/// transport_dbg and get_direct_mem_ptr forward, invalidate_direct_mem_ptr
/// backward to every initiator, translating addresses both ways.
struct Router : sc_core::sc_module {
    tlm_utils::multi_passthrough_target_socket<Router, 64> in{"in"};
    tlm_utils::simple_initiator_socket_tagged<Router, 64> to_memory{"to_memory"};
    tlm_utils::simple_initiator_socket_tagged<Router, 64> to_accelerator{"to_accelerator"};
    unsigned dmi_grants = 0;  ///< DMI regions forwarded to an initiator

    explicit Router(sc_core::sc_module_name n) : sc_module(n) {
        in.register_b_transport(this, &Router::b_transport);
        in.register_transport_dbg(this, &Router::transport_dbg);
        in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
        to_memory.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr, kMemory);
        to_accelerator.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr, kAccelerator);
    }

private:
    enum Target { kMemory, kAccelerator };
    static Target decode(std::uint64_t a) { return a >= kAcceleratorBase ? kAccelerator : kMemory; }
    static std::uint64_t base(Target t) { return t == kAccelerator ? kAcceleratorBase : 0; }
    /// The last address of the target's window, in its own addresses.
    static std::uint64_t last(Target t) { return t == kAccelerator ? ~kAcceleratorBase : kAcceleratorBase - 1; }
    tlm::tlm_fw_transport_if<>* target(Target t) {
        return t == kAccelerator ? to_accelerator.operator->() : to_memory.operator->();
    }

    void b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        const std::uint64_t a = t.get_address();
        const Target to = decode(a);
        t.set_address(a - base(to));
        target(to)->b_transport(t, delay);
        t.set_address(a);
    }
    unsigned transport_dbg(int, tlm::tlm_generic_payload& t) {
        const std::uint64_t a = t.get_address();
        const Target to = decode(a);
        t.set_address(a - base(to));
        const unsigned n = target(to)->transport_dbg(t);
        t.set_address(a);
        return n;
    }
    bool get_direct_mem_ptr(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
        const std::uint64_t a = t.get_address();
        const Target to = decode(a);
        t.set_address(a - base(to));
        const bool granted = target(to)->get_direct_mem_ptr(t, dmi);
        t.set_address(a);
        dmi_grants += granted;
        // The target's range (granted or refused), in our addresses and within its window.
        dmi.set_start_address(base(to) + std::min<std::uint64_t>(dmi.get_start_address(), last(to)));
        dmi.set_end_address(base(to) + std::min<std::uint64_t>(dmi.get_end_address(), last(to)));
        return granted;
    }
    void invalidate_direct_mem_ptr(int from, sc_dt::uint64 start, sc_dt::uint64 stop) {
        const Target t = Target(from);
        if (start > last(t)) return;
        for (unsigned i = 0; i < in.size(); ++i)
            in[i]->invalidate_direct_mem_ptr(base(t) + start, base(t) + std::min<std::uint64_t>(stop, last(t)));
    }
};

/// A DNN with its compiled instruction streams, its data and the reference results.
struct Dnn {
    Model model;
    Bundle bundle;
    FunctionalImage image;            // inputs, weights and biases, by region
    std::vector<Tensor> reference;    // every layer's output, from the plain C++ execution
    TenantLoader loader;              // its regions' sizes, image and tenant, for `k` subarrays
    TenantRegions at;                 // where its regions lie
    std::vector<unsigned> subarrays;  // where it runs

    Dnn(const std::string& file, const Compiler& compiler, unsigned k, std::uint64_t seed)
        : model(load_model_file(file, {InputOverride::parse("image=3x32x32")})), bundle(compiler.compile(model)),
          loader(bundle, k, compiler.config()) {
        const ModelParameters params = random_parameters(model, seed);
        const std::vector<Tensor> inputs = random_inputs(model, seed + 1);
        image = functional_image(model, params, inputs, compiler.config());
        reference = run_reference(model, params, inputs);
    }
    Dnn(const Dnn&) = delete;  // the loader refers to the bundle
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu, 64> bus{"bus"};
    sc_core::sc_in<bool> irq{"irq"};
    std::vector<Dnn*> dnns;
    bool ok = false;

    // The accelerator's registers, through the router (timed).
    AcceleratorDriver driver{[this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { bus->b_transport(t, d); },
                             kAcceleratorBase};

    SC_HAS_PROCESS(Cpu);
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }

    // Bulk memory accesses: untimed debug transport, as a loader or debugger does.
    void debug(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, std::uint64_t bytes) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(address);
        t.set_data_ptr(data);
        t.set_data_length(unsigned(bytes));
        if (bus->transport_dbg(t) != bytes) throw std::runtime_error("debug access to memory failed");
    }
    void load(std::uint64_t address, const void* data, std::uint64_t bytes) {
        debug(tlm::TLM_WRITE_COMMAND, address, static_cast<unsigned char*>(const_cast<void*>(data)), bytes);
    }
    std::vector<std::int16_t> fetch(std::uint64_t address, std::size_t values) {
        std::vector<std::int16_t> v(values);
        debug(tlm::TLM_READ_COMMAND, address, reinterpret_cast<unsigned char*>(v.data()), values * 2);
        return v;
    }

    void run() {
        // 1. Put each DNN's programs, inputs and weights where its loader placed them.
        for (const Dnn* dnn : dnns)
            for (const MemorySegment& m : dnn->loader.image(dnn->at, dnn->image.blocks))
                load(m.address, m.bytes.data(), m.bytes.size());
        // 2. Start them: the sequencers' registers and doorbells.
        driver.enable_interrupts();
        for (std::size_t d = 0; d < dnns.size(); ++d)
            driver.start(dnns[d]->loader.tenant(std::uint32_t(d + 1), dnns[d]->at, dnns[d]->subarrays));
        driver.sync();
        // 3. Wait for the interrupt until all are done.
        std::uint64_t all = 0;
        for (const Dnn* dnn : dnns)
            for (unsigned s : dnn->subarrays) all |= 1ull << s;
        std::uint64_t done = 0;
        while (done != all) {
            driver.wait_for_interrupt(*irq.operator->());  // the signal the port is bound to
            // Acknowledge first: a sequencer finishing after the read below
            // raises the interrupt again instead of being missed.
            driver.acknowledge();
            const std::uint64_t seen = driver.done_mask();
            driver.write(regmap::kDoneMask, std::uint32_t(seen));
            driver.write(regmap::kDoneMask + 4, std::uint32_t(seen >> 32));
            driver.sync();
            done |= seen;
        }
        // 4. Check: no sequencer failed, every tile of the tables ran, every
        //    stored tensor equals the reference.
        ok = true;
        for (std::size_t d = 0; d < dnns.size(); ++d) ok = check(*dnns[d]) && ok;
        std::cout << (ok ? "soc example ok" : "soc example FAILED") << "\n";
    }

    bool check(const Dnn& dnn) {
        const std::string& name = dnn.bundle.model_key;
        std::uint64_t tiles = 0;
        bool ok = true;
        for (unsigned s : dnn.subarrays) {
            const AcceleratorDriver::SequencerCounters c = driver.counters(s);
            if (c.error) {
                std::cout << name << ": FAIL: sequencer " << s << " stopped with error " << c.error << "\n";
                ok = false;
            }
            tiles += c.tiles;
        }
        driver.sync();
        const std::uint64_t table = dnn.bundle.per_k[dnn.loader.subarrays() - 1].table.total_tiles();
        std::cout << name << ": " << tiles << " tiles of " << table << " in the table, done by "
                  << sc_core::sc_time_stamp().to_seconds() * 1e6 << " us\n";
        if (tiles != table) ok = false;
        // Every stored tensor, read back over the bus. A layer whose successor
        // is fused into its write-back is not stored: the chain's last layer is.
        const std::vector<LayerWork> work = lower(dnn.model);
        std::uint64_t tensors = 0, values = 0, wrong = 0;
        for (std::size_t i = 0; i < dnn.model.layers.size(); ++i) {
            if (i + 1 < work.size() && work[i + 1].fused) continue;
            const std::vector<std::int16_t>& want = dnn.reference[i].data;
            const std::vector<std::int16_t> got = fetch(dnn.loader.output_address(dnn.at, i), want.size());
            const auto diff = std::mismatch(got.begin(), got.end(), want.begin());
            if (diff.first != got.end() && wrong++ == 0)
                std::cout << name << ": layer " << dnn.model.layers[i].name << " differs first at element "
                          << (diff.first - got.begin()) << " of " << got.size() << ": " << *diff.first
                          << " instead of " << *diff.second << "\n";
            ++tensors;
            values += got.size();
        }
        if (wrong) std::cout << name << ": FAIL: " << wrong << " of " << tensors << " stored tensors differ from the reference\n";
        else std::cout << name << ": PASS: " << tensors << " stored tensors (" << values
                       << " values) equal the reference, bit for bit\n";
        return ok && wrong == 0;
    }
};

int sc_main(int, char*[]) {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 8, true});
    const std::string models = std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/";
    Dnn mobilenet(models + "mobilenet_v1.yaml", compiler, 8, 1);
    Dnn resnet(models + "resnet50.yaml", compiler, 8, 3);

    Cpu cpu("cpu");
    cpu.dnns = {&mobilenet, &resnet};
    Router router("router");
    // One DRAM model behind the router: all four channels share it here, so
    // its bandwidth is the chip's total. It grants DMI page by page.
    ChannelMemory<64> memory("memory", kMemoryBytes, cfg.offchip_bandwidth_gbps(), cfg.offchip.latency_ns);
    Accelerator<64> accelerator("planaria", cfg);
    accelerator.enable_functional_data();  // real data, same timing as a timing-only run
    sc_core::sc_signal<bool> irq("irq");

    // MobileNet-v1 on pods 0-1, ResNet-50 on pods 2-3, their regions one after the other.
    std::uint64_t next = kTenantsBase;
    for (unsigned d = 0; d < cpu.dnns.size(); ++d) {
        Dnn& dnn = *cpu.dnns[d];
        dnn.subarrays = dnn.loader.region(2 * d);  // pods 2d and 2d + 1
        dnn.at = dnn.loader.place(next);
        next += dnn.loader.footprint();
        std::cout << dnn.bundle.model_key << ": " << dnn.loader.footprint() << " bytes from 0x" << std::hex
                  << dnn.at.programs.front() << std::dec << " (data " << dnn.loader.data_bytes() << ", weights "
                  << dnn.loader.weight_bytes() << ")\n";
    }
    if (next > kTenantsBase + (1ull << 30)) throw std::runtime_error("the DNNs need more than 1 GiB");

    cpu.bus.bind(router.in);
    for (unsigned c = 0; c < cfg.offchip.channels; ++c) accelerator.memory[c].bind(router.in);
    router.to_memory.bind(memory.socket);
    router.to_accelerator.bind(accelerator.host);
    accelerator.irq.bind(irq);
    cpu.irq.bind(irq);

    sc_core::sc_start();
    if (!cpu.ok) {
        std::cout << "soc example FAILED at " << sc_core::sc_time_stamp() << "\n";
        for (unsigned s = 0; s < cfg.subarray.count; ++s) {
            const auto& q = accelerator.sequencer(s);
            std::cout << "  sequencer " << s << ": busy " << q.busy() << " done " << q.done() << " error " << q.error()
                      << " pc " << q.pc() << "\n";
        }
    }
    return cpu.ok ? 0 : 1;
}
