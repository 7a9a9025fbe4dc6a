#pragma once
// A pass-through module that checks the TLM-2.0 base protocol (IEEE 1666-2011
// clause 14, the generic payload, and clause 15, the base protocol) on every
// transaction between the initiator bound to its target socket and the target
// bound to its initiator socket: blocking transport, debug transport and DMI
// forward, DMI invalidation backward. Insert it on any socket to find out
// which side breaks a rule; it changes no timing and no data.
//
// Checked before forwarding (the initiator's obligations): the response status
// is TLM_INCOMPLETE_RESPONSE, the command is read, write or ignore, a read or
// write has a data pointer and a non-zero length, the streaming width is not
// zero, a byte-enable pointer comes with a non-zero length, the DMI hint is
// cleared, and the access does not wrap around the address space.
// Checked on return (the target's): a response status other than
// TLM_INCOMPLETE_RESPONSE, the attributes the initiator owns (command,
// address, data pointer, length, byte enables, streaming width) unchanged,
// a DMI grant
// covers the requested address and grants only what was asked; a debug
// transport copies no more than asked.
//
// A violation is reported with SC_REPORT_ERROR (message type
// "/planaria/tlm/protocol", naming the checker and the rule), which by default
// throws; violations() keeps them too (for a report action that does not).

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace planaria {

template <unsigned BUSWIDTH = 32>
class ProtocolChecker : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<ProtocolChecker, BUSWIDTH> target;        ///< bind the initiator here
    tlm_utils::simple_initiator_socket<ProtocolChecker, BUSWIDTH> initiator;  ///< and the target here

    /// `check_initiator` false: only the target's obligations (for tests that
    /// send malformed requests on purpose to see the target's answer).
    explicit ProtocolChecker(sc_core::sc_module_name name, bool check_initiator = true)
        : sc_module(name), target("target"), initiator("initiator"), check_initiator_(check_initiator) {
        target.register_b_transport(this, &ProtocolChecker::b_transport);
        target.register_transport_dbg(this, &ProtocolChecker::transport_dbg);
        target.register_get_direct_mem_ptr(this, &ProtocolChecker::get_direct_mem_ptr);
        initiator.register_invalidate_direct_mem_ptr(this, &ProtocolChecker::invalidate_direct_mem_ptr);
    }

    const std::vector<std::string>& violations() const { return violations_; }
    std::uint64_t transactions() const { return transactions_; }

private:
    struct Attributes {
        tlm::tlm_command command;
        std::uint64_t address;
        unsigned char* data;
        unsigned length, streaming_width, byte_enable_length;
        unsigned char* byte_enables;
        explicit Attributes(const tlm::tlm_generic_payload& t)
            : command(t.get_command()), address(t.get_address()), data(t.get_data_ptr()), length(t.get_data_length()),
              streaming_width(t.get_streaming_width()), byte_enable_length(t.get_byte_enable_length()),
              byte_enables(t.get_byte_enable_ptr()) {}
        bool operator==(const Attributes& o) const {
            return command == o.command && address == o.address && data == o.data && length == o.length &&
                   streaming_width == o.streaming_width && byte_enable_length == o.byte_enable_length &&
                   byte_enables == o.byte_enables;
        }
    };

    void violation(const tlm::tlm_generic_payload& t, const std::string& rule) {
        std::ostringstream os;
        os << name() << ": " << rule << " (command " << int(t.get_command()) << ", address 0x" << std::hex
           << t.get_address() << std::dec << ", length " << t.get_data_length() << ")";
        violations_.push_back(os.str());
        SC_REPORT_ERROR("/planaria/tlm/protocol", os.str().c_str());
    }

    void check_request(const tlm::tlm_generic_payload& t, bool debug) {
        if (!check_initiator_) return;
        const tlm::tlm_command c = t.get_command();
        if (c != tlm::TLM_READ_COMMAND && c != tlm::TLM_WRITE_COMMAND && c != tlm::TLM_IGNORE_COMMAND)
            violation(t, "the command is not read, write or ignore");
        if (!debug && t.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
            violation(t, "the initiator did not set TLM_INCOMPLETE_RESPONSE before sending (14.17)");
        if (c != tlm::TLM_IGNORE_COMMAND && (!t.get_data_ptr() || t.get_data_length() == 0) && !(debug && t.get_data_length() == 0))
            violation(t, "a read or write without data (a null data pointer or a zero length, 14.13)");
        if (!debug && t.get_streaming_width() == 0) violation(t, "a streaming width of zero (14.20)");
        if (t.get_byte_enable_ptr() && t.get_byte_enable_length() == 0)
            violation(t, "a byte-enable pointer with a byte-enable length of zero (14.14)");
        if (!debug && t.is_dmi_allowed()) violation(t, "the initiator did not clear the DMI hint (14.16)");
        if (t.get_data_length() && t.get_address() + (t.get_data_length() - 1) < t.get_address())
            violation(t, "the access wraps around the end of the address space");
    }

    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        ++transactions_;
        check_request(t, false);
        const Attributes before(t);
        initiator->b_transport(t, delay);
        if (t.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
            violation(t, "the target returned TLM_INCOMPLETE_RESPONSE from b_transport (14.17)");
        if (!(Attributes(t) == before))
            violation(t, "the target changed an attribute the initiator owns (command, address, data pointer, "
                         "length, byte enables or streaming width, 14.8)");
    }

    unsigned transport_dbg(tlm::tlm_generic_payload& t) {
        ++transactions_;
        check_request(t, true);
        const Attributes before(t);
        const unsigned n = initiator->transport_dbg(t);
        if (n > t.get_data_length()) violation(t, "transport_dbg reported more bytes than asked for (11.3.4)");
        if (!(Attributes(t) == before)) violation(t, "transport_dbg changed an attribute the initiator owns (11.3.4)");
        return n;
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
        const tlm::tlm_command asked = t.get_command();
        const bool granted = initiator->get_direct_mem_ptr(t, dmi);
        if (granted) {
            if (t.get_address() < dmi.get_start_address() || t.get_address() > dmi.get_end_address())
                violation(t, "a DMI grant that does not cover the requested address (11.2.8)");
            if (!dmi.get_dmi_ptr()) violation(t, "a DMI grant without a pointer (11.2.8)");
            if ((asked == tlm::TLM_READ_COMMAND && !dmi.is_read_allowed()) ||
                (asked == tlm::TLM_WRITE_COMMAND && !dmi.is_write_allowed()))
                violation(t, "a DMI grant without the access that was asked for (11.2.8)");
        }
        return granted;
    }

    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
        if (end < start) {
            tlm::tlm_generic_payload none;
            violation(none, "a DMI invalidation whose end lies before its start (11.2.9)");
        }
        target->invalidate_direct_mem_ptr(start, end);
    }

    bool check_initiator_;
    std::vector<std::string> violations_;
    std::uint64_t transactions_ = 0;
};

}  // namespace planaria
