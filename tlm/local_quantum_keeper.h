#pragma once
// A quantum keeper with its own quantum instead of the global one.
//
// tlm_utils::tlm_quantumkeeper takes its quantum from tlm_global_quantum,
// which belongs to the SoC the accelerator is placed in: a component that set
// it would change how every other initiator of the platform decouples. The
// standard keeper asks compute_local_quantum() for the time to the next
// synchronisation point; this one answers it the standard way (up to the next
// multiple of the quantum, so that initiators with equal quanta still meet
// at the same points) from the quantum it was given, and keeps the standard's
// rule that an initiator's quantum never exceeds the global one: where the
// SoC set a global quantum (non-zero) smaller than this one, that one holds.
// A zero global quantum is taken as "none set", the SystemC default.

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

namespace planaria {

class LocalQuantumKeeper : public tlm_utils::tlm_quantumkeeper {
public:
    explicit LocalQuantumKeeper(const sc_core::sc_time& quantum = sc_core::SC_ZERO_TIME) : quantum_(quantum) {}

    const sc_core::sc_time& quantum() const { return quantum_; }
    /// Takes effect at the next reset() or sync().
    void set_quantum(const sc_core::sc_time& quantum) { quantum_ = quantum; }
    /// The quantum in force: this one, or the SoC's global one where smaller.
    sc_core::sc_time effective() const {
        const sc_core::sc_time& global = tlm::tlm_global_quantum::instance().get();
        return global != sc_core::SC_ZERO_TIME && global < quantum_ ? global : quantum_;
    }

protected:
    sc_core::sc_time compute_local_quantum() override {
        return effective() == sc_core::SC_ZERO_TIME ? sc_core::SC_ZERO_TIME
                                                    : effective() - sc_core::sc_time_stamp() % effective();
    }

private:
    sc_core::sc_time quantum_;
};

}  // namespace planaria
