#pragma once
// Pod Memory (paper Section IV-B, Fig. 9): the memory substrate at the centre
// of a Fission Pod, holding for each of the pod's subarrays one multi-bank
// activation buffer and one multi-bank output buffer.
//
// Activation buffer: `banks` banks (one per PE row) of activation_bits words;
// entry m holds one word per bank. Output buffer: `banks` banks (one per PE
// column) of bank_width_bits words (partial sums at accumulator width).
//
// Address map of the target socket (bytes, little-endian):
//   activation buffer b: activation_base(b) + (m * banks + bank) * 2
//   output buffer b:     output_base(b) + (m * banks + bank) * 8
// Output words are presented sign-extended to 64 bits; their capacity counts
// bank_width_bits per word. Gaps between buffers answer
// TLM_ADDRESS_ERROR_RESPONSE. DMI is granted per buffer.
//
// A buffer's storage is allocated on its first access: a chip at tile
// fidelity holds its tiles' data elsewhere and never touches the banks.

#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "hw/config/arch_config.h"
#include "hw/pe/pe_state.h"

namespace planaria {

class PodMemory : public sc_core::sc_module {
public:
    /// Off-chip side and the two crossbars bind here.
    tlm_utils::multi_passthrough_target_socket_optional<PodMemory> port;

    PodMemory(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned buffers);

    unsigned buffers() const { return buffers_; }
    unsigned activation_banks() const { return act_banks_; }
    unsigned output_banks() const { return out_banks_; }
    unsigned activation_entries() const { return act_entries_; }
    unsigned output_entries() const { return out_entries_; }

    std::uint64_t activation_base(unsigned buffer) const { return buffer * act_stride_; }
    std::uint64_t output_base(unsigned buffer) const { return out_base_ + buffer * out_stride_; }
    std::uint64_t span() const { return out_base_ + buffers_ * out_stride_; }
    std::uint64_t activation_buffer_bytes() const { return std::uint64_t(act_entries_) * act_banks_ * sizeof(Activation); }
    std::uint64_t output_buffer_bytes() const { return std::uint64_t(out_entries_) * out_banks_ * sizeof(Accumulator); }

    // The datapath's ports into the banks: one entry, all banks.
    Activation* activation_entry(unsigned buffer, unsigned entry) {
        return activation_storage(buffer).data() + std::size_t(entry) * act_banks_;
    }
    Accumulator* output_entry(unsigned buffer, unsigned entry) {
        return output_storage(buffer).data() + std::size_t(entry) * out_banks_;
    }

    /// Bits read from and written to the banks, for energy accounting.
    std::uint64_t activation_bits_read = 0, output_bits_written = 0, output_bits_read = 0;

private:
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    /// The buffer window an address falls in; false in a gap.
    bool window(std::uint64_t address, unsigned char*& data, std::uint64_t& size, std::uint64_t& base);
    std::vector<Activation>& activation_storage(unsigned buffer);
    std::vector<Accumulator>& output_storage(unsigned buffer);

    unsigned buffers_, act_banks_, out_banks_, act_entries_, out_entries_;
    std::uint64_t act_stride_, out_base_, out_stride_;
    std::vector<std::vector<Activation>> act_;
    std::vector<std::vector<Accumulator>> out_;
};

}  // namespace planaria
