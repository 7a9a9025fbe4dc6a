#pragma once
// The source tree's model zoo and architectures, for tests.
#include <string>
#include <vector>

#include "compiler/model.h"
#include "hw/config/arch_yaml.h"

namespace planaria::test {

inline Model zoo(const std::string& key) {
    return load_model_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/" + key + ".yaml");
}

/// The nine DNNs of the zoo (scenarios/models), by key.
inline std::vector<std::string> zoo_keys() {
    return {"efficientnet_b0", "gnmt",         "googlenet", "mobilenet_v1", "resnet50",
            "ssd_mobilenet_v1", "ssd_resnet34", "tiny_yolo", "yolov3"};
}

/// A design of scenarios/arch by name ("planaria", "monolithic", ...).
inline ArchConfig design(const std::string& name) {
    return load_arch_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/arch/" + name + ".yaml");
}

}  // namespace planaria::test
