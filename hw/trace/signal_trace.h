#pragma once
// Where a hardware block reports its signals cycle by cycle. The datapath
// advances many cycles inside one process activation, so SystemC's sc_trace
// cannot see its pipeline registers; it reports them here instead. A
// testbench supplies the sink (testbench/vcd_writer.h writes a VCD file).

#include <cstdint>
#include <string>

namespace planaria {

class SignalTrace {
public:
    virtual ~SignalTrace() = default;
    /// Declares a signal (before the first change); returns its handle.
    virtual unsigned declare(const std::string& scope, const std::string& name, unsigned width) = 0;
    /// The value of a signal at time `t` (non-decreasing, in the sink's time unit).
    virtual void change(std::uint64_t t, unsigned signal, std::uint64_t value) = 0;
};

}  // namespace planaria
