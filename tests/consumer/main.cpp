// A tiny platform outside the project: instantiates the reconfiguration
// register file from the installed library and reads it over TLM, and
// evaluates a task record with the metrics (whose header includes
// nlohmann-json, found through the package's dependencies).
#include <iostream>

#include <tlm_utils/simple_initiator_socket.h>

#include "hw/regfile/reconfiguration_register_file.h"
#include "testbench/metrics.h"
#include "tlm/register_map.h"

struct Cpu : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};
    explicit Cpu(sc_core::sc_module_name n) : sc_module(n) {}
    std::uint32_t read(std::uint64_t address) {
        std::uint32_t value = 0;
        tlm::tlm_generic_payload t;
        t.set_read();
        t.set_address(address);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
        t.set_data_length(4);
        t.set_streaming_width(4);
        sc_core::sc_time delay;
        socket->b_transport(t, delay);
        return t.is_response_ok() ? value : 0;
    }
};

int sc_main(int, char*[]) {
    planaria::ArchConfig cfg;  // the paper's design point
    Cpu cpu("cpu");
    planaria::ReconfigurationRegisterFile regs("regs", cfg);
    cpu.socket.bind(regs.socket);
    planaria::Request request;
    request.bound = 1;
    planaria::EnergyBreakdown energy;  // joules, by component
    energy.dram = 1e-3;
    const planaria::TaskRecord task = planaria::finished_task(request, 0, 0.5, 0.5, energy, 0);
    const planaria::WorkloadMetrics m = planaria::evaluate({task}, 0.5, 16);
    const bool ok = cpu.read(planaria::regmap::kId) == planaria::regmap::kIdValue && m.sla_met &&
                    planaria::to_json(m)["tasks"] == 1 && m.energy.dram == 1e-3;
    std::cout << (ok ? "consumer ok" : "consumer FAILED") << "\n";
    return ok ? 0 : 1;
}
