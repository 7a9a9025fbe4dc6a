#include "hw/pod/fission_pod.h"

namespace planaria {

namespace {
/// Both crossbars of a pod follow the pod's selectors in the current state.
std::function<unsigned(unsigned)> current_selector(const ReconfigurationRegisterFile& regs, unsigned pod) {
    return [&regs, pod](unsigned slot) { return regs.current().selector[regs.floorplan().subarray_of(pod, slot)]; };
}
}  // namespace

FissionPod::FissionPod(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned index,
                       const ReconfigurationRegisterFile& regs)
    : sc_module(name), index_(index),
      memory_("pod_memory", cfg, cfg.subarrays_per_pod()),
      activation_crossbar_("activation_crossbar", cfg, PodCrossbar::Kind::ActivationRead, memory_,
                           current_selector(regs, index)),
      output_crossbar_("output_crossbar", cfg, PodCrossbar::Kind::OutputWrite, memory_,
                       current_selector(regs, index)) {
    activation_crossbar_.to_memory.bind(memory_.port);
    output_crossbar_.to_memory.bind(memory_.port);
}

}  // namespace planaria
