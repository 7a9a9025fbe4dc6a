#pragma once
// Where a layer's windows start: the padding of conv, depth-wise conv and
// pooling layers, shared by code generation (layer descriptors) and the
// reference execution.

#include <cstdint>

#include "compiler/model.h"

namespace planaria::numerics {

/// Where a window layer's (conv, depthwise conv, pooling) windows start: the
/// padding before the first row and column. Explicit padding as written;
/// "same" padding splits the total like TensorFlow (the smaller half first).
struct WindowOrigin {
    std::int64_t top = 0, left = 0;
};
WindowOrigin window_origin(const Layer& layer);

}  // namespace planaria::numerics
