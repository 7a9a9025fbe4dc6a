#include "hw/pod/pod_memory.h"

#include "tlm/memory_access.h"

namespace planaria {

PodMemory::PodMemory(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned buffers)
    : sc_module(name), port("port"), buffers_(buffers),
      act_banks_(cfg.pod.activation_buffer.banks), out_banks_(cfg.pod.output_buffer.banks),
      act_entries_(unsigned(cfg.pod.activation_buffer.entries())),
      out_entries_(unsigned(cfg.pod.output_buffer.entries())),
      act_stride_(power_of_two_at_least(std::uint64_t(act_entries_) * act_banks_ * sizeof(Activation))),
      out_base_(power_of_two_at_least(act_stride_ * buffers)),
      out_stride_(power_of_two_at_least(std::uint64_t(out_entries_) * out_banks_ * sizeof(Accumulator))),
      act_(buffers),
      out_(buffers) {
    port.register_b_transport(this, &PodMemory::b_transport);
    port.register_transport_dbg(this, &PodMemory::transport_dbg);
    port.register_get_direct_mem_ptr(this, &PodMemory::get_direct_mem_ptr);
}

std::vector<Activation>& PodMemory::activation_storage(unsigned buffer) {
    std::vector<Activation>& b = act_.at(buffer);
    if (b.empty()) b.assign(std::size_t(act_entries_) * act_banks_, 0);
    return b;
}

std::vector<Accumulator>& PodMemory::output_storage(unsigned buffer) {
    std::vector<Accumulator>& b = out_.at(buffer);
    if (b.empty()) b.assign(std::size_t(out_entries_) * out_banks_, 0);
    return b;
}

bool PodMemory::window(std::uint64_t address, unsigned char*& data, std::uint64_t& size, std::uint64_t& base) {
    if (address < out_base_) {
        const std::uint64_t b = address / act_stride_;
        if (b >= buffers_) return false;
        base = b * act_stride_;
        data = reinterpret_cast<unsigned char*>(activation_storage(unsigned(b)).data());
        size = activation_buffer_bytes();
    } else {
        const std::uint64_t b = (address - out_base_) / out_stride_;
        if (b >= buffers_) return false;
        base = out_base_ + b * out_stride_;
        data = reinterpret_cast<unsigned char*>(output_storage(unsigned(b)).data());
        size = output_buffer_bytes();
    }
    return address - base < size;
}

void PodMemory::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    unsigned char* data = nullptr;
    std::uint64_t size = 0, base = 0;
    if (!window(trans.get_address(), data, size, base)) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    execute_on_memory(trans, MemoryWindow{data, size, true}, trans.get_address() - base);
}

unsigned PodMemory::transport_dbg(int, tlm::tlm_generic_payload& trans) {
    unsigned char* data = nullptr;
    std::uint64_t size = 0, base = 0;
    if (!window(trans.get_address(), data, size, base)) return 0;
    return debug_on_memory(trans, MemoryWindow{data, size, true}, trans.get_address() - base);
}

bool PodMemory::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    unsigned char* data = nullptr;
    std::uint64_t size = 0, base = 0;
    if (!window(trans.get_address(), data, size, base)) {
        dmi.allow_none();
        return false;
    }
    dmi.allow_read_write();
    dmi.set_dmi_ptr(data);
    dmi.set_start_address(base);
    dmi.set_end_address(base + size - 1);
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

}  // namespace planaria
