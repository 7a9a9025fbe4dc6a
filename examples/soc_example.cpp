// A small SoC around the Planaria accelerator, as a virtual-platform
// integrator would build one with the library:
//
//   Cpu ----\                       /---> Memory (one shared DRAM model)
//            > Router (address map) 
//   Accelerator.memory[0..3] ------/ \--> Accelerator.host (registers)
//   Accelerator.irq ---> Cpu
//
// The CPU loads two compiled DNNs into memory, programs the sequencers over
// the bus (program base, tenant, doorbell), waits for the completion
// interrupt, and checks that both inferences ran exactly the tiles of their
// configuration tables, without error. Timing only: the data is not checked.
#include <iostream>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "compiler/compiler.h"
#include "hw/accelerator/accelerator.h"
#include "tlm/channel_memory.h"
#include "tlm/register_map.h"

using namespace planaria;

constexpr std::uint64_t kAcceleratorBase = 0xF000'0000'0000ull;  // registers above all memory
constexpr std::uint64_t kProgramBase = 0x40'0000'0000ull;

/// Address decoding: the accelerator's registers at kAcceleratorBase, memory below.
struct Router : sc_core::sc_module {
    tlm_utils::multi_passthrough_target_socket<Router, 64> in{"in"};
    tlm_utils::simple_initiator_socket<Router, 64> to_memory{"to_memory"};
    tlm_utils::simple_initiator_socket<Router, 64> to_accelerator{"to_accelerator"};

    explicit Router(sc_core::sc_module_name n) : sc_module(n) {
        in.register_b_transport(this, &Router::b_transport);
        in.register_transport_dbg(this, &Router::transport_dbg);
    }
    void b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        const std::uint64_t a = t.get_address();
        if (a >= kAcceleratorBase) {
            t.set_address(a - kAcceleratorBase);
            to_accelerator->b_transport(t, delay);
            t.set_address(a);
        } else {
            to_memory->b_transport(t, delay);
        }
    }
    unsigned transport_dbg(int, tlm::tlm_generic_payload& t) {
        const std::uint64_t a = t.get_address();
        if (a < kAcceleratorBase) return to_memory->transport_dbg(t);
        t.set_address(a - kAcceleratorBase);
        const unsigned n = to_accelerator->transport_dbg(t);
        t.set_address(a);
        return n;
    }
};

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu, 64> bus{"bus"};
    sc_core::sc_in<bool> irq{"irq"};
    std::vector<const Bundle*> dnns;
    unsigned k_each = 8;
    bool ok = false;

    SC_HAS_PROCESS(Cpu);
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }

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

    void run() {
        // 1. Load each DNN's programs (for k_each subarrays) into memory with debug writes.
        std::uint64_t next = kProgramBase;
        std::vector<std::vector<std::uint64_t>> bases(dnns.size());
        for (std::size_t d = 0; d < dnns.size(); ++d)
            for (const auto& program : dnns[d]->per_k[k_each - 1].programs) {
                std::vector<std::uint8_t> bytes;
                for (const auto& in : program.instructions) {
                    const auto e = in.encode();
                    bytes.insert(bytes.end(), e.begin(), e.end());
                }
                tlm::tlm_generic_payload t;
                t.set_write();
                t.set_address(next);
                t.set_data_ptr(bytes.data());
                t.set_data_length(unsigned(bytes.size()));
                bus->transport_dbg(t);
                bases[d].push_back(next);
                next += (bytes.size() + 0xFFF) & ~0xFFFull;
            }
        // 2. Program the sequencers: DNN 0 on pods 0-1, DNN 1 on pods 2-3.
        write(regmap::kIrqEnable, regmap::kIrqCompletion | regmap::kIrqError);
        const ArchConfig cfg;
        const Floorplan fp(cfg);
        for (std::size_t d = 0; d < dnns.size(); ++d) {
            const auto region = canonical_region(fp, k_each);
            for (unsigned p = 0; p < k_each; ++p) {
                const GridPos pos = fp.position(region[p]);
                const unsigned s = fp.subarray_at({(pos.row + 2 * unsigned(d)) % 4, pos.col});
                write(regmap::sequencer(s, regmap::kSeqProgramLo), std::uint32_t(bases[d][p]));
                write(regmap::sequencer(s, regmap::kSeqProgramHi), std::uint32_t(bases[d][p] >> 32));
                write(regmap::sequencer(s, regmap::kSeqTenant), std::uint32_t(d + 1));
            }
        }
        // 3. Ring all doorbells, then wait for the interrupt until all 16 are done.
        for (unsigned s = 0; s < 16; ++s) write(regmap::sequencer(s, regmap::kSeqDoorbell), 1);
        std::uint32_t done = 0;
        while (done != 0xFFFF) {
            if (!irq.read()) wait(irq.posedge_event());
            // Acknowledge first: a sequencer finishing after the read below
            // raises the interrupt again instead of being missed.
            write(regmap::kIrqStatus, regmap::kIrqCompletion | regmap::kIrqError);
            const std::uint32_t seen = read(regmap::kDoneMask);
            write(regmap::kDoneMask, seen);
            done |= seen;
        }
        // 4. Check: no sequencer failed, every tile of both tables ran.
        ok = true;
        for (std::size_t d = 0; d < dnns.size(); ++d) {
            std::uint64_t tiles = 0;
            for (unsigned s = 0; s < 16; ++s) {
                if (read(regmap::sequencer(s, regmap::kSeqTenant)) != d + 1) continue;
                ok = ok && read(regmap::sequencer(s, regmap::kSeqError)) == 0;
                tiles += read(regmap::sequencer(s, regmap::kSeqTiles));
            }
            const std::uint64_t table = dnns[d]->per_k[k_each - 1].table.total_tiles();
            std::cout << dnns[d]->model_key << ": " << tiles << " tiles of " << table << " in the table, done at "
                      << sc_core::sc_time_stamp() << "\n";
            ok = ok && tiles == table;
        }
        std::cout << (ok ? "soc example ok" : "soc example FAILED") << "\n";
    }
};

int sc_main(int, char*[]) {
    const ArchConfig cfg;
    const Compiler compiler(cfg, {Objective::Cycles, 8, true});
    const std::string models = std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/";
    const Bundle a = compiler.compile(load_model_file(models + "tiny_yolo.yaml"));
    const Bundle b = compiler.compile(load_model_file(models + "mobilenet_v1.yaml"));

    Cpu cpu("cpu");
    cpu.dnns = {&a, &b};
    Router router("router");
    // One DRAM model behind the router: all four channels share it here, so
    // its bandwidth is the chip's total.
    ChannelMemory<64> memory("memory", 1ull << 40, cfg.offchip_bandwidth_gbps(), cfg.offchip.latency_ns);
    Accelerator<64> accelerator("planaria", cfg);
    sc_core::sc_signal<bool> irq("irq");

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
