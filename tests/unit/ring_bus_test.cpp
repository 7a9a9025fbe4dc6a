// Protocol tests of the activation ring bus's socket: debug reads of its
// pipeline registers, and nothing else.
#include <catch2/catch.hpp>

#include <vector>

#include "hw/config/arch_config.h"
#include "hw/fission/floorplan.h"
#include "hw/ringbus/ring_bus.h"
#include "support/protocol_helpers.h"
#include "support/tlm_test_host.h"
#include "tlm/protocol_checker.h"

using namespace planaria;
using planaria::test::le16;
using planaria::test::TestHost;

TEST_CASE("protocol: ring bus: debug reads of the pipeline registers only", "[protocol][ringbus]") {
    const ArchConfig cfg;
    const Floorplan fp(cfg);
    ActivationRingBus ring("ring", fp, cfg.ring_bus.pipeline_stages, cfg.subarray.rows, cfg.data.activation_bits);
    TestHost host("host");
    ProtocolChecker<> checker("checker", /*check_initiator=*/false);  // the target's side of the rules
    host.socket.bind(checker.target);
    checker.initiator.bind(ring.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    const unsigned width = cfg.subarray.rows, link = 5, cycle = 20;
    ActivationEdge edge(width);
    for (unsigned i = 0; i < width; ++i) {
        edge.value[i] = Activation(int(i) * 3 - 7);
        edge.valid[i] = i % 2;
    }
    ring.push(link, cycle, edge);
    const std::uint64_t slot_bytes = width * (sizeof(Activation) + 1);
    const std::uint64_t at = link * ring.link_span() + (cycle % (ring.stages() + 2)) * slot_bytes;
    std::vector<unsigned char> image(slot_bytes);
    REQUIRE(host.debug(tlm::TLM_READ_COMMAND, at, image) == slot_bytes);
    for (unsigned i = 0; i < width; ++i) {
        CHECK(le16(&image[2 * i]) == edge.value[i]);
        CHECK(image[2 * width + i] == edge.valid[i]);
    }
    // A debug read stops at the end of its link; nothing past the last link.
    std::vector<unsigned char> across(64);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, (link + 1) * ring.link_span() - 16, across) == 16);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, ring.links() * ring.link_span(), across) == 0);
    // Read-only, and no memory transactions.
    CHECK(host.debug(tlm::TLM_WRITE_COMMAND, at, image) == 0);
    unsigned char data[4] = {};
    CHECK(host.transact(tlm::TLM_READ_COMMAND, at, data, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(at);
    tlm::tlm_dmi dmi;
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, dmi));
}
