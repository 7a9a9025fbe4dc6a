#pragma once
// A Fission Pod (paper Section IV-B, Fig. 9): Pod Memory shared by the pod's
// subarrays and the two 4x4 crossbars that connect them to it, driven by the
// pod's crossbar selectors in the current reconfiguration state. The
// subarrays themselves are owned by the datapath; a pod knows them by slot.

#include <memory>

#include "hw/pod/pod_crossbar.h"
#include "hw/pod/pod_memory.h"
#include "hw/regfile/reconfiguration_register_file.h"

namespace planaria {

class FissionPod : public sc_core::sc_module {
public:
    FissionPod(sc_core::sc_module_name name, const ArchConfig& cfg, unsigned index,
               const ReconfigurationRegisterFile& regs);

    unsigned index() const { return index_; }
    PodMemory& memory() { return memory_; }
    PodCrossbar& activation_crossbar() { return activation_crossbar_; }
    PodCrossbar& output_crossbar() { return output_crossbar_; }

private:
    unsigned index_;
    PodMemory memory_;
    PodCrossbar activation_crossbar_;
    PodCrossbar output_crossbar_;
};

}  // namespace planaria
