// The stand-alone off-chip memory: base-protocol behaviour and channel timing.
#include <catch2/catch.hpp>

#include <tlm_utils/multi_passthrough_target_socket.h>

#include "support/tlm_test_host.h"
#include "tlm/channel_memory.h"
#include "tlm/protocol_checker.h"
#include "tlm/timing_only_extension.h"

using namespace planaria;
using planaria::test::TestHost;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Bench {
    TestHost host{"host"};
    // 62.5 GB/s (one Planaria channel), 100 ns, 64-byte bursts, 64 MiB.
    ChannelMemory<> mem{"memory", 64ull << 20, 62.5, 100.0, 64};
    ProtocolChecker<> checker{"checker", /*check_initiator=*/false};  // the target's side of the rules
    Bench() {
        host.socket.bind(checker.target);
        checker.initiator.bind(mem.socket);
    }
};

std::vector<unsigned char> bytes(unsigned n, unsigned char first) {
    std::vector<unsigned char> v(n);
    for (unsigned i = 0; i < n; ++i) v[i] = static_cast<unsigned char>(first + i);
    return v;
}

}  // namespace

TEST_CASE("channel memory: reads return what was written, untouched memory is zero", "[memory]") {
    Bench b;
    auto data = bytes(64, 7);
    CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, 0x1000, data.data(), 64) == tlm::TLM_OK_RESPONSE);
    std::vector<unsigned char> back(64, 0xFF);
    CHECK(b.host.transact(tlm::TLM_READ_COMMAND, 0x1000, back.data(), 64) == tlm::TLM_OK_RESPONSE);
    CHECK(back == data);
    std::vector<unsigned char> fresh(64, 0xFF);
    CHECK(b.host.transact(tlm::TLM_READ_COMMAND, 0x3000000, fresh.data(), 64) == tlm::TLM_OK_RESPONSE);
    CHECK(fresh == std::vector<unsigned char>(64, 0));
    // Across a page boundary.
    auto across = bytes(48, 100);
    const std::uint64_t edge = ChannelMemory<>::kPageBytes - 16;
    CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, edge, across.data(), 48) == tlm::TLM_OK_RESPONSE);
    std::vector<unsigned char> check(48, 0);
    CHECK(b.host.transact(tlm::TLM_READ_COMMAND, edge, check.data(), 48) == tlm::TLM_OK_RESPONSE);
    CHECK(check == across);
    CHECK(b.mem.bytes_written() == 112);
    CHECK(b.mem.bytes_read() == 176);
}

TEST_CASE("channel memory: address, burst and byte-enable rules", "[memory]") {
    Bench b;
    auto data = bytes(64, 1);
    CHECK(b.host.transact(tlm::TLM_READ_COMMAND, 64ull << 20, data.data(), 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(b.host.transact(tlm::TLM_READ_COMMAND, (64ull << 20) - 2, data.data(), 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    std::vector<unsigned char> big(128);
    CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, 0, big.data(), 128) == tlm::TLM_BURST_ERROR_RESPONSE);
    // Byte enables: only enabled bytes are written (the pattern repeats).
    auto ones = std::vector<unsigned char>(8, 0xAA);
    unsigned char enable[2] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
    tlm::tlm_generic_payload t;
    t.set_write();
    t.set_address(0x40);
    t.set_data_ptr(ones.data());
    t.set_data_length(8);
    t.set_streaming_width(8);
    t.set_byte_enable_ptr(enable);
    t.set_byte_enable_length(2);
    sc_time delay;
    b.host.socket->b_transport(t, delay);
    CHECK(t.get_response_status() == tlm::TLM_OK_RESPONSE);
    std::vector<unsigned char> back(8);
    b.host.transact(tlm::TLM_READ_COMMAND, 0x40, back.data(), 8);
    CHECK(back == std::vector<unsigned char>{0xAA, 0, 0xAA, 0, 0xAA, 0, 0xAA, 0});
    // Streaming: a FIFO-like burst of 8 bytes onto 2 addresses keeps the last two.
    auto stream = bytes(8, 1);
    CHECK(b.host.transact(tlm::TLM_WRITE_COMMAND, 0x80, stream.data(), 8, nullptr, 2) == tlm::TLM_OK_RESPONSE);
    std::vector<unsigned char> two(2);
    b.host.transact(tlm::TLM_READ_COMMAND, 0x80, two.data(), 2);
    CHECK(two == std::vector<unsigned char>{7, 8});
}

TEST_CASE("channel memory: debug access and DMI, with invalidation", "[memory]") {
    Bench b;
    auto data = bytes(200, 3);
    CHECK(b.host.debug(tlm::TLM_WRITE_COMMAND, 0x2000, data) == 200);  // longer than a burst: debug has no limit
    std::vector<unsigned char> back(200);
    CHECK(b.host.debug(tlm::TLM_READ_COMMAND, 0x2000, back) == 200);
    CHECK(back == data);
    CHECK(b.host.delay == sc_core::SC_ZERO_TIME);
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(0x2000);
    tlm::tlm_dmi dmi;
    REQUIRE(b.host.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.is_read_write_allowed());
    CHECK(dmi.get_start_address() == 0);
    CHECK(dmi.get_end_address() == ChannelMemory<>::kPageBytes - 1);
    CHECK(dmi.get_dmi_ptr()[0x2000] == 3);
    CHECK(dmi.get_read_latency() == sc_time(100, SC_NS));
    b.mem.invalidate_all();
    CHECK(b.host.invalid_start == 0);
    CHECK(b.host.invalid_end == ~sc_dt::uint64(0));
}

TEST_CASE("channel memory: a request takes its transfer time plus the latency", "[memory][timing]") {
    Bench b;
    std::vector<unsigned char> d(64);
    b.host.delay = sc_core::SC_ZERO_TIME;
    b.host.transact(tlm::TLM_READ_COMMAND, 0, d.data(), 64);
    const sc_time transfer(64 / 62.5, SC_NS);  // 1.024 ns
    CHECK(b.host.delay == transfer + sc_time(100, SC_NS));
    // A second request issued at the same moment waits for the channel.
    sc_time second = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(64);
    t.set_data_ptr(d.data());
    t.set_data_length(64);
    t.set_streaming_width(64);
    b.host.socket->b_transport(t, second);
    CHECK(second == transfer * 2.0 + sc_time(100, SC_NS));
}

TEST_CASE("channel memory: a read goes before writes booked earlier, which move on to the next free time",
          "[memory][timing]") {
    Bench b;
    std::vector<unsigned char> d(64);
    const sc_time transfer(64 / 62.5, SC_NS), latency(100, SC_NS);
    const auto at_zero = [&](tlm::tlm_command cmd, std::uint64_t address) {
        b.host.delay = sc_core::SC_ZERO_TIME;
        b.host.transact(cmd, address, d.data(), 64);
        return b.host.delay;
    };
    // Ten posted writes fill the channel's first ten bursts' worth of time.
    for (unsigned i = 0; i < 10; ++i) CHECK(at_zero(tlm::TLM_WRITE_COMMAND, 64 * i) == transfer * double(i + 1) + latency);
    // A read issued at the same moment is served as if the channel were idle ...
    CHECK(at_zero(tlm::TLM_READ_COMMAND, 4096) == transfer + latency);
    // ... and the write bytes it displaced still take the channel: the next
    // write finds eleven bursts booked before it.
    CHECK(at_zero(tlm::TLM_WRITE_COMMAND, 8192) == transfer * 12.0 + latency);
    // A second read waits only for the first read.
    CHECK(at_zero(tlm::TLM_READ_COMMAND, 4160) == transfer * 2.0 + latency);
    CHECK(b.mem.busy_time() == transfer * 13.0);
}

TEST_CASE("channel memory: two initiators sharing the channel slow each other by its busy time", "[memory][timing]") {
    // Each of two processes reads 1,000 bursts of 64 bytes, issuing the next
    // when the previous arrives; alone one would need 1,000 x (1.024 + 100) ns.
    struct Reader : sc_core::sc_module {
        tlm_utils::simple_initiator_socket<Reader> socket{"socket"};
        sc_time done;
        std::uint64_t base;
        Reader(sc_core::sc_module_name n, std::uint64_t b) : sc_module(n), base(b) { SC_THREAD(run); }
        SC_HAS_PROCESS(Reader);
        void run() {
            std::vector<unsigned char> d(64);
            for (unsigned i = 0; i < 1000; ++i) {
                tlm::tlm_generic_payload t;
                t.set_read();
                t.set_address(base + 64 * i);
                t.set_data_ptr(d.data());
                t.set_data_length(64);
                t.set_streaming_width(64);
                sc_time delay = sc_core::SC_ZERO_TIME;
                socket->b_transport(t, delay);
                wait(delay);
            }
            done = sc_core::sc_time_stamp();
        }
    };
    // With latency 0 the channel is the only cost: sharing it doubles the time.
    ChannelMemory<> mem("memory", 1 << 24, 62.5, 0.0);
    tlm_utils::simple_target_socket<ChannelMemory<>>& target = mem.socket;
    Reader a("a", 0), c("c", 1 << 20);
    // One target socket, two initiators: a simple router is the user's job;
    // here a multi-passthrough socket in front of the memory plays it.
    struct Router : sc_core::sc_module {
        tlm_utils::multi_passthrough_target_socket<Router> in{"in"};
        tlm_utils::simple_initiator_socket<Router> out{"out"};
        explicit Router(sc_core::sc_module_name n) : sc_module(n) { in.register_b_transport(this, &Router::bt); }
        void bt(int, tlm::tlm_generic_payload& t, sc_time& d) { out->b_transport(t, d); }
    } router("router");
    a.socket.bind(router.in);
    c.socket.bind(router.in);
    router.out.bind(target);
    sc_core::sc_start();
    const sc_time alone = sc_time(64 / 62.5, SC_NS) * 1000.0;
    CHECK(a.done == alone * 2.0 - sc_time(64 / 62.5, SC_NS));  // interleaved: a finishes one burst before c
    CHECK(c.done == alone * 2.0);
    CHECK(mem.busy_time() == alone * 2.0);
}

TEST_CASE("protocol: channel memory: ignore command and no DMI or debug access beyond its size", "[protocol][memory]") {
    ChannelMemory<> mem("memory", 1 << 20, 62.5, 100.0, 64);
    TestHost host("host");
    host.socket.bind(mem.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    unsigned char data[4] = {};
    CHECK(host.transact(tlm::TLM_IGNORE_COMMAND, 1 << 20, data, 4) == tlm::TLM_OK_RESPONSE);
    CHECK(mem.bytes_read() + mem.bytes_written() == 0);
    std::vector<unsigned char> bytes(32);
    CHECK(host.debug(tlm::TLM_READ_COMMAND, 1 << 20, bytes) == 0);
    CHECK(host.debug(tlm::TLM_WRITE_COMMAND, (1 << 20) - 8, bytes) == 8);  // cut at the end
    tlm::tlm_generic_payload t;
    t.set_read();
    t.set_address(1 << 20);
    tlm::tlm_dmi dmi;
    CHECK_FALSE(host.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
    // Invalidation when nothing was granted sends nothing.
    mem.invalidate_all();
    CHECK(host.invalid_start > host.invalid_end);
}

TEST_CASE("channel memory: channels sharing a store see each other's new pages", "[memory]") {
    // Views of one address space (one per Fission Pod): a page one of them
    // allocates is there for the other, also after it found the page absent.
    ChannelMemory<> first{"shared_first", 512ull << 20, 62.5, 100.0, 64};
    ChannelMemory<> second{"shared_second", 512ull << 20, 62.5, 100.0, 64};
    second.share_storage(first);
    constexpr std::uint64_t page = ChannelMemory<>::kPageBytes;
    unsigned char seen = 0xFF;
    first.peek(3 * page + 17, &seen, 1);
    CHECK(seen == 0);
    const unsigned char value = 42;
    second.load(3 * page + 17, &value, 1);
    first.peek(3 * page + 17, &seen, 1);
    CHECK(seen == 42);
    // More pages than the channels remember at once, read before and after they exist.
    for (std::uint64_t p = 0; p < 300; ++p) first.peek(p * page + 5, &seen, 1);
    for (std::uint64_t p = 0; p < 300; ++p) {
        const unsigned char v = static_cast<unsigned char>(p * 7 + 1);
        (p % 2 ? first : second).load(p * page + 5, &v, 1);
    }
    for (std::uint64_t p = 0; p < 300; ++p) {
        unsigned char a = 0, b = 0;
        first.peek(p * page + 5, &a, 1);
        second.peek(p * page + 5, &b, 1);
        CHECK(a == static_cast<unsigned char>(p * 7 + 1));
        CHECK(b == a);
    }
}

TEST_CASE("channel memory: a timing-only transaction is timed and counted like any other, and moves no bytes",
          "[memory][timing]") {
    // Two identical channels: one sees the transfers with data, the other
    // the same transfers marked timing-only.
    Bench with_data, timing_only;
    auto stored = bytes(64, 9);
    REQUIRE(with_data.host.transact(tlm::TLM_WRITE_COMMAND, 0x40, stored.data(), 64) == tlm::TLM_OK_RESPONSE);
    REQUIRE(timing_only.host.transact(tlm::TLM_WRITE_COMMAND, 0x40, stored.data(), 64) == tlm::TLM_OK_RESPONSE);
    const auto transfer = [](Bench& b, tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, bool mark) {
        TimingOnlyExtension ext;
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(address);
        t.set_data_ptr(data);
        t.set_data_length(64);
        t.set_streaming_width(64);
        if (mark) t.set_extension(&ext);
        sc_time delay = sc_core::SC_ZERO_TIME;
        b.host.socket->b_transport(t, delay);
        if (mark) t.clear_extension(&ext);
        CHECK(t.get_response_status() == tlm::TLM_OK_RESPONSE);
        return delay;
    };
    std::vector<unsigned char> scratch(64, 0xAB);
    for (const auto cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND, tlm::TLM_READ_COMMAND}) {
        std::vector<unsigned char> a = scratch, b = scratch;
        CHECK(transfer(with_data, cmd, 0x40, a.data(), false) == transfer(timing_only, cmd, 0x40, b.data(), true));
        CHECK(b == scratch);  // a read left the initiator's bytes alone
    }
    CHECK(timing_only.mem.bytes_read() == with_data.mem.bytes_read());
    CHECK(timing_only.mem.bytes_written() == with_data.mem.bytes_written());
    CHECK(timing_only.mem.busy_time() == with_data.mem.busy_time());
    // The timing-only write did not overwrite what was stored.
    std::vector<unsigned char> back(64, 0);
    timing_only.mem.peek(0x40, back.data(), 64);
    CHECK(back == stored);
    with_data.mem.peek(0x40, back.data(), 64);
    CHECK(back == scratch);
}
