#pragma once
// Tensor shapes and layer types: the vocabulary the compiler and the
// hardware's address generators and SIMD segments share (a layer descriptor
// names its type and shapes with them).

#include <cstdint>
#include <string>

namespace planaria {

/// [C, H, W] at batch 1; sequences are [features, 1, steps].
struct TensorShape {
    std::uint64_t c = 1, h = 1, w = 1;
    std::uint64_t elements() const { return c * h * w; }
    bool operator==(const TensorShape& o) const { return c == o.c && h == o.h && w == o.w; }
    std::string str() const;
};

enum class LayerType {
    Conv, DepthwiseConv, FullyConnected, Lstm, Attention, Embedding,
    BatchNorm, Relu, Relu6, LeakyRelu, Sigmoid, Swish, Tanh, Softmax,
    MaxPool, AvgPool, GlobalAvgPool, Add, Mul, Concat, Upsample, Flatten, Detection,
};

const char* to_string(LayerType t);

}  // namespace planaria
