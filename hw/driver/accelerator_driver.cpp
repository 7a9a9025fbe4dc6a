#include "hw/driver/accelerator_driver.h"

#include <sstream>

#include "tlm/register_map.h"

namespace planaria {

namespace rm = regmap;

AcceleratorDriver::AcceleratorDriver(Transport transport, std::uint64_t base)
    : transport_(std::move(transport)), base_(base) {}

namespace {
[[noreturn]] void refused(const char* what, std::uint64_t address, const tlm::tlm_generic_payload& t) {
    std::ostringstream os;
    os << "accelerator register " << what << " at 0x" << std::hex << address << " refused: " << t.get_response_string();
    throw RegisterAccessError(os.str());
}
}  // namespace

void AcceleratorDriver::access(tlm::tlm_command cmd, std::uint64_t offset, std::uint32_t& value) {
    unsigned char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(base_ + offset);
    t.set_data_ptr(bytes);
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    transport_(t, delay_);
    if (!t.is_response_ok()) refused(cmd == tlm::TLM_READ_COMMAND ? "read" : "write", base_ + offset, t);
    value = std::uint32_t(bytes[0]) | std::uint32_t(bytes[1]) << 8 | std::uint32_t(bytes[2]) << 16 |
            std::uint32_t(bytes[3]) << 24;
}

void AcceleratorDriver::write(std::uint64_t offset, std::uint32_t value) { access(tlm::TLM_WRITE_COMMAND, offset, value); }

std::uint32_t AcceleratorDriver::read(std::uint64_t offset) {
    std::uint32_t value = 0;
    access(tlm::TLM_READ_COMMAND, offset, value);
    return value;
}

void AcceleratorDriver::sync() {
    sc_core::wait(delay_);
    delay_ = sc_core::SC_ZERO_TIME;
}

void AcceleratorDriver::enable_interrupts() { write(rm::kIrqEnable, rm::kIrqCompletion | rm::kIrqError); }

namespace {
/// The writes that set the tenant's sequencers up (program, tenant, regions, contexts).
void program_writes(const AcceleratorDriver::Tenant& t, std::vector<AcceleratorDriver::RegisterWrite>& out) {
    const auto address = [&](unsigned s, std::uint64_t lo, std::uint64_t hi, std::uint64_t value) {
        out.push_back({rm::sequencer(s, lo), std::uint32_t(value)});
        out.push_back({rm::sequencer(s, hi), std::uint32_t(value >> 32)});
    };
    for (std::size_t p = 0; p < t.subarrays.size(); ++p) {
        const unsigned s = t.subarrays[p];
        address(s, rm::kSeqProgramLo, rm::kSeqProgramHi, t.programs.at(p));
        out.push_back({rm::sequencer(s, rm::kSeqTenant), t.id});
        address(s, rm::kSeqDataLo, rm::kSeqDataHi, t.data_base);
        address(s, rm::kSeqWeightsLo, rm::kSeqWeightsHi, t.weights_base);
        if (p < t.contexts.size()) address(s, rm::kSeqContextLo, rm::kSeqContextHi, t.contexts[p]);
    }
}
}  // namespace

AcceleratorDriver::Tenant AcceleratorDriver::Tenant::unfinished(const std::vector<bool>& done) const {
    Tenant part = *this;
    part.subarrays.clear(), part.programs.clear(), part.contexts.clear();
    for (std::size_t p = 0; p < subarrays.size(); ++p)
        if (!done.at(p)) {
            part.subarrays.push_back(subarrays[p]);
            part.programs.push_back(programs.at(p));
            if (p < contexts.size()) part.contexts.push_back(contexts[p]);
        }
    return part;
}

std::vector<AcceleratorDriver::RegisterWrite> AcceleratorDriver::start_writes(const Tenant& t) {
    std::vector<RegisterWrite> out;
    program_writes(t, out);
    for (unsigned s : t.subarrays) out.push_back({rm::sequencer(s, rm::kSeqDoorbell), rm::kDoorbellStart});
    return out;
}

void AcceleratorDriver::program(const Tenant& t) {
    std::vector<RegisterWrite> writes;
    program_writes(t, writes);
    for (const RegisterWrite& w : writes) write(w.offset, w.value);
}

void AcceleratorDriver::start(const Tenant& t) {
    for (const RegisterWrite& w : start_writes(t)) write(w.offset, w.value);
}

void AcceleratorDriver::preempt(const Tenant& t) {
    for (unsigned s : t.subarrays) write(rm::sequencer(s, rm::kSeqPreempt), 1);
}

void AcceleratorDriver::resume(const Tenant& t) {
    program(t);
    const std::uint32_t ring = rm::kDoorbellResume | std::uint32_t(t.subarrays.size()) << rm::kDoorbellPartiesShift;
    for (unsigned s : t.subarrays) write(rm::sequencer(s, rm::kSeqDoorbell), ring);
}

std::uint64_t AcceleratorDriver::done_mask() {
    return read(rm::kDoneMask) | std::uint64_t(read(rm::kDoneMask + 4)) << 32;
}

void AcceleratorDriver::acknowledge() { write(rm::kIrqStatus, rm::kIrqCompletion | rm::kIrqError); }

bool AcceleratorDriver::preempted(unsigned subarray) {
    return read(rm::sequencer(subarray, rm::kSeqStatus)) & rm::kSeqStatusPreempted;
}

bool AcceleratorDriver::SequencerCounters::stopped() const {
    return (status & (rm::kSeqStatusDone | rm::kSeqStatusError | rm::kSeqStatusPreempted)) != 0;
}

AcceleratorDriver::SequencerCounters AcceleratorDriver::counters(unsigned subarray) {
    const auto reg = [&](std::uint64_t r) { return read(rm::sequencer(subarray, r)); };
    const auto wide = [&](std::uint64_t lo, std::uint64_t hi) { return reg(lo) | std::uint64_t(reg(hi)) << 32; };
    SequencerCounters c;
    c.status = reg(rm::kSeqStatus);
    c.error = reg(rm::kSeqError);
    c.pc = reg(rm::kSeqPc);
    c.layer = reg(rm::kSeqLayer);
    c.tiles = reg(rm::kSeqTiles);
    c.busy_cycles = wide(rm::kSeqBusyLo, rm::kSeqBusyHi);
    c.bytes = wide(rm::kSeqBytesLo, rm::kSeqBytesHi);
    return c;
}

std::uint64_t AcceleratorDriver::poll(const std::vector<unsigned>& subarrays, const sc_core::sc_time& interval,
                                      const sc_core::sc_time& timeout) {
    std::uint64_t wanted = 0;
    for (unsigned s : subarrays) wanted |= std::uint64_t(1) << s;
    const sc_core::sc_time give_up =
        timeout == sc_core::sc_max_time() ? timeout : sc_core::sc_time_stamp() + delay_ + timeout;
    for (;;) {
        const std::uint64_t mask = done_mask() & wanted;
        sync();
        if (mask == wanted || sc_core::sc_time_stamp() >= give_up) return mask;
        sc_core::wait(interval);
    }
}

bool AcceleratorDriver::wait_for_interrupt(const sc_core::sc_signal_in_if<bool>& irq, const sc_core::sc_time& timeout) {
    sync();
    if (irq.read()) return true;
    if (timeout == sc_core::sc_max_time()) sc_core::wait(irq.posedge_event());
    else sc_core::wait(timeout, irq.posedge_event());
    return irq.read();
}

}  // namespace planaria
