#pragma once
// Marks a transaction whose data its initiator will not look at: the
// accelerator's timing-only runs move traffic without values, and their
// bursts point at a scratch buffer. An ignorable payload extension: a target
// that does not know it moves the bytes as usual, so the transaction stays a
// complete base-protocol transaction; one that does (ChannelMemory) may time
// it without moving them, which is most of a timing-only run's memory work.

#include <tlm>

namespace planaria {

struct TimingOnlyExtension : tlm::tlm_extension<TimingOnlyExtension> {
    tlm::tlm_extension_base* clone() const override { return new TimingOnlyExtension; }
    void copy_from(const tlm::tlm_extension_base&) override {}
};

}  // namespace planaria
