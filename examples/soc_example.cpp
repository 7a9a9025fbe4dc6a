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
// memory, programs the sequencers over the bus (program base, tenant, data
// base, doorbell) and waits for the completion interrupt. The accelerator
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
#include "sched/placement.h"
#include "testbench/functional_image.h"
#include "testbench/reference_inference.h"
#include "tlm/channel_memory.h"
#include "tlm/register_map.h"

using namespace planaria;

// The address map.
constexpr std::uint64_t kMemoryBytes = 1ull << 40;                // DRAM at 0 (sparse: only what is written is allocated)
constexpr std::uint64_t kAcceleratorBase = 0xF000'0000'0000ull;   // registers above all memory
constexpr std::uint64_t kDataSpan = 0x20'0000'0000ull;            // each DNN's data region (its DATA base)
constexpr std::uint64_t kProgramBase = 0x80'0000'0000ull;         // instruction streams

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
    FunctionalImage image;            // inputs, weights and biases; where each tensor goes
    std::vector<Tensor> reference;    // every layer's output, from the plain C++ execution
    std::vector<unsigned> subarrays;  // where it runs
    std::uint64_t data_base = 0, weights_base = 0;

    Dnn(const std::string& file, const Compiler& compiler, std::uint64_t seed)
        : model(load_model_file(file, {InputOverride::parse("image=3x32x32")})), bundle(compiler.compile(model)) {
        const ModelParameters params = random_parameters(model, seed);
        const std::vector<Tensor> inputs = random_inputs(model, seed + 1);
        image = functional_image(model, params, inputs, compiler.config());
        reference = run_reference(model, params, inputs);
    }
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu, 64> bus{"bus"};
    sc_core::sc_in<bool> irq{"irq"};
    std::vector<Dnn*> dnns;
    unsigned k_each = 8;
    bool ok = false;

    SC_HAS_PROCESS(Cpu);
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }

    // Register accesses: timed, through the router.
    void access(tlm::tlm_command cmd, std::uint64_t address, std::uint32_t& value) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(kAcceleratorBase + address);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
        t.set_data_length(4);
        t.set_streaming_width(4);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        bus->b_transport(t, delay);
        wait(delay);
        if (!t.is_response_ok()) throw std::runtime_error("register access failed: " + t.get_response_string());
    }
    void write(std::uint64_t a, std::uint32_t v) { access(tlm::TLM_WRITE_COMMAND, a, v); }
    std::uint32_t read(std::uint64_t a) {
        std::uint32_t v = 0;
        access(tlm::TLM_READ_COMMAND, a, v);
        return v;
    }

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
        // 1. Load each DNN's programs (for k_each subarrays) and its data.
        std::uint64_t next = kProgramBase;
        std::vector<std::vector<std::uint64_t>> programs(dnns.size());
        for (std::size_t d = 0; d < dnns.size(); ++d) {
            for (const auto& program : dnns[d]->bundle.per_k[k_each - 1].programs) {
                const std::vector<std::uint8_t> bytes = encode_program(program.instructions);
                load(next, bytes.data(), bytes.size());
                programs[d].push_back(next);
                next += (bytes.size() + 0xFFF) & ~0xFFFull;
            }
            // Data addresses in the programs are relative to the DNN's data base.
            for (const MemoryBlock& b : dnns[d]->image.blocks)
                load((b.region == MemoryBlock::Region::Weights ? dnns[d]->weights_base : dnns[d]->data_base) + b.address,
                     b.values.data(), b.values.size() * 2);
        }
        // 2. Program the sequencers: program base, tenant, data base.
        write(regmap::kIrqEnable, regmap::kIrqCompletion | regmap::kIrqError);
        for (std::size_t d = 0; d < dnns.size(); ++d)
            for (std::size_t p = 0; p < dnns[d]->subarrays.size(); ++p) {
                const unsigned s = dnns[d]->subarrays[p];
                write(regmap::sequencer(s, regmap::kSeqProgramLo), std::uint32_t(programs[d][p]));
                write(regmap::sequencer(s, regmap::kSeqProgramHi), std::uint32_t(programs[d][p] >> 32));
                write(regmap::sequencer(s, regmap::kSeqTenant), std::uint32_t(d + 1));
                write(regmap::sequencer(s, regmap::kSeqDataLo), std::uint32_t(dnns[d]->data_base));
                write(regmap::sequencer(s, regmap::kSeqDataHi), std::uint32_t(dnns[d]->data_base >> 32));
                write(regmap::sequencer(s, regmap::kSeqWeightsLo), std::uint32_t(dnns[d]->weights_base));
                write(regmap::sequencer(s, regmap::kSeqWeightsHi), std::uint32_t(dnns[d]->weights_base >> 32));
            }
        // 3. Ring all doorbells (write 1: start), then wait for the interrupt until all are done.
        std::uint32_t all = 0;
        for (const Dnn* dnn : dnns)
            for (unsigned s : dnn->subarrays) all |= 1u << s;
        for (unsigned s = 0; s < 32; ++s)
            if (all >> s & 1) write(regmap::sequencer(s, regmap::kSeqDoorbell), 1);
        std::uint32_t done = 0;
        while (done != all) {
            if (!irq.read()) wait(irq.posedge_event());
            // Acknowledge first: a sequencer finishing after the read below
            // raises the interrupt again instead of being missed.
            write(regmap::kIrqStatus, regmap::kIrqCompletion | regmap::kIrqError);
            const std::uint32_t seen = read(regmap::kDoneMask);
            write(regmap::kDoneMask, seen);
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
            if (const std::uint32_t error = read(regmap::sequencer(s, regmap::kSeqError))) {
                std::cout << name << ": FAIL: sequencer " << s << " stopped with error " << error << "\n";
                ok = false;
            }
            tiles += read(regmap::sequencer(s, regmap::kSeqTiles));
        }
        const std::uint64_t table = dnn.bundle.per_k[k_each - 1].table.total_tiles();
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
            const std::vector<std::int16_t> got = fetch(dnn.data_base + dnn.image.layout.outputs[i], want.size());
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
    Dnn mobilenet(models + "mobilenet_v1.yaml", compiler, 1);
    Dnn resnet(models + "resnet50.yaml", compiler, 3);

    Cpu cpu("cpu");
    cpu.dnns = {&mobilenet, &resnet};
    Router router("router");
    // One DRAM model behind the router: all four channels share it here, so
    // its bandwidth is the chip's total. It grants DMI page by page.
    ChannelMemory<64> memory("memory", kMemoryBytes, cfg.offchip_bandwidth_gbps(), cfg.offchip.latency_ns);
    Accelerator<64> accelerator("planaria", cfg);
    accelerator.enable_functional_data();  // real data, same timing as a timing-only run
    sc_core::sc_signal<bool> irq("irq");

    // MobileNet-v1 on pods 0-1, ResNet-50 on pods 2-3, each with its own data region.
    const Floorplan& fp = accelerator.registers().floorplan();
    for (unsigned d = 0; d < cpu.dnns.size(); ++d) {
        cpu.dnns[d]->subarrays = job_region(fp, cpu.k_each, 2 * d);
        cpu.dnns[d]->data_base = (d + 1) * kDataSpan;
        cpu.dnns[d]->weights_base = (d + 1) * kDataSpan + kDataSpan / 2;
    }

    cpu.bus.bind(router.in);
    for (unsigned c = 0; c < cfg.offchip.channels; ++c) accelerator.memory[c].bind(router.in);
    router.to_memory.bind(memory.socket);
    router.to_accelerator.bind(accelerator.host);
    accelerator.irq.bind(irq);
    cpu.irq.bind(irq);

    sc_core::sc_start();
    std::cout << "router: " << router.dmi_grants << " DMI regions granted by the memory\n";
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
