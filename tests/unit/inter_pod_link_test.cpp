// The inter-pod links and the pods' routers (hw/pod/inter_pod_link.h,
// hw/pod/fission_pod.h): a subarray's remote port reaches the output buffer
// another pod's slot selects, over the shortest route on the pod grid, each
// link adding its latency and the far pod's output crossbar its own; bad
// inter-pod addresses answer TLM_ADDRESS_ERROR_RESPONSE.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "hw/datapath/systolic_datapath.h"

using namespace planaria;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

tlm::tlm_response_status write(tlm_utils::simple_initiator_socket_optional<OmniDirectionalSubarray>& port,
                               std::uint64_t address, std::vector<unsigned char> data, sc_time& delay) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(address);
    t.set_data_ptr(data.data());
    t.set_data_length(unsigned(data.size()));
    t.set_streaming_width(unsigned(data.size()));
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    port->b_transport(t, delay);
    return t.get_response_status();
}

}  // namespace

TEST_CASE("inter-pod links: remote writes land in the far pod's selected output buffer after every hop's latency",
          "[pod][protocol]") {
    const ArchConfig cfg;  // 2x2 pods of 2x2 subarrays
    SystolicDatapath dp("dp", cfg, Fidelity::Tile);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    const Floorplan& fp = dp.floorplan();
    REQUIRE(fp.inter_pod_links().size() == 8);  // four neighbouring pairs, both ways
    CHECK(fp.pod_hops(0, 3) == 2);
    CHECK(fp.pod_route(0, 3) == std::vector<std::pair<unsigned, unsigned>>{{0, 1}, {1, 3}});

    const sc_time crossbar(cfg.pod.crossbar_latency_cycles * cfg.clock_period_ns(), SC_NS);
    const sc_time hop(cfg.inter_pod_link.latency_cycles * cfg.clock_period_ns(), SC_NS);
    auto& port = dp.subarray(0).remote_port;  // a subarray of pod 0
    PodMemory& far = dp.pod(3).memory();
    const unsigned slot = 1, buffer = dp.registers().current().selector[fp.subarray_of(3, slot)];
    const std::uint64_t remote = dp.pod(0).remote_address(3, slot);

    sc_time delay = sc_core::SC_ZERO_TIME;
    CHECK(write(port, remote + 16, {1, 2, 3, 4, 5, 6, 7, 8}, delay) == tlm::TLM_OK_RESPONSE);
    CHECK(delay == 2.0 * hop + crossbar);
    REQUIRE(far.output_buffer_bytes() > 24);
    // Read it back through the pod's own router (delivered locally: no link crossed).
    sc_time local = sc_core::SC_ZERO_TIME;
    std::vector<unsigned char> got(8);
    {
        tlm::tlm_generic_payload r;
        r.set_command(tlm::TLM_READ_COMMAND);
        r.set_address(remote + 16);
        r.set_data_ptr(got.data());
        r.set_data_length(8);
        r.set_streaming_width(8);
        r.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        dp.subarray(fp.subarray_of(3, 0)).remote_port->b_transport(r, local);
        CHECK(r.is_response_ok());
    }
    CHECK(got == std::vector<unsigned char>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(local == crossbar);
    // It is the buffer the slot's selector names in the far pod's memory.
    CHECK(std::memcmp(far.output_entry(buffer, 0), got.data(), 0) == 0);
    CHECK(std::memcmp(reinterpret_cast<unsigned char*>(far.output_entry(buffer, 0)) + 16, got.data(), 8) == 0);

    // DMI over the links: the window of that buffer, with every hop's latency.
    tlm::tlm_generic_payload d;
    d.set_command(tlm::TLM_WRITE_COMMAND);
    d.set_address(remote);
    tlm::tlm_dmi dmi;
    REQUIRE(port->get_direct_mem_ptr(d, dmi));
    CHECK(dmi.is_write_allowed());
    CHECK(dmi.get_start_address() == remote);
    CHECK(dmi.get_end_address() == remote + far.output_buffer_bytes() - 1);
    CHECK(dmi.get_write_latency() == 2.0 * hop + crossbar);
    CHECK(std::memcmp(dmi.get_dmi_ptr() + 16, got.data(), 8) == 0);

    // Addresses outside the inter-pod space: no pod, no slot, beyond the buffer.
    sc_time ignored;
    CHECK(write(port, dp.pod(0).remote_address(4, 0), {1}, ignored) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(write(port, dp.pod(0).remote_address(3, 4), {1}, ignored) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(write(port, remote + far.output_buffer_bytes() - 4, {1, 2, 3, 4, 5, 6, 7, 8}, ignored) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
}
