#include "hw/isa/layer_type.h"

namespace planaria {

std::string TensorShape::str() const {
    return "[" + std::to_string(c) + ", " + std::to_string(h) + ", " + std::to_string(w) + "]";
}

const char* to_string(LayerType t) {
    switch (t) {
        case LayerType::Conv: return "conv";
        case LayerType::DepthwiseConv: return "depthwise_conv";
        case LayerType::FullyConnected: return "fc";
        case LayerType::Lstm: return "lstm";
        case LayerType::Attention: return "attention";
        case LayerType::Embedding: return "embedding";
        case LayerType::BatchNorm: return "batchnorm";
        case LayerType::Relu: return "relu";
        case LayerType::Relu6: return "relu6";
        case LayerType::LeakyRelu: return "leaky_relu";
        case LayerType::Sigmoid: return "sigmoid";
        case LayerType::Swish: return "swish";
        case LayerType::Tanh: return "tanh";
        case LayerType::Softmax: return "softmax";
        case LayerType::MaxPool: return "maxpool";
        case LayerType::AvgPool: return "avgpool";
        case LayerType::GlobalAvgPool: return "global_avgpool";
        case LayerType::Add: return "add";
        case LayerType::Mul: return "mul";
        case LayerType::Concat: return "concat";
        case LayerType::Upsample: return "upsample";
        case LayerType::Flatten: return "flatten";
        case LayerType::Detection: return "detection";
    }
    return "?";
}

}  // namespace planaria
