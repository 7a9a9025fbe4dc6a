#pragma once
// A DNN as the compiler sees it: layers in execution order, each with its
// hyper-parameters, inferred input/output shapes, parameters, MACs and
// element-wise (SIMD) work. Read from the planaria-model/1 YAML format
// (compiler/MODEL_FORMAT.md).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw/isa/layer_type.h"

namespace planaria {

struct Layer {
    std::string name;
    LayerType type = LayerType::Relu;
    std::vector<std::string> input_names;  ///< as written (resolved to `inputs`)
    std::vector<int> inputs;               ///< producing layer index, or -1 - k for model input k

    // Hyper-parameters (those the type uses).
    std::uint64_t out_channels = 0;        ///< conv: output channels; fc: output features
    unsigned kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
    bool same_padding = false;
    std::uint64_t groups = 1;              ///< conv groups
    unsigned multiplier = 1;               ///< depthwise channel multiplier
    bool bias = false;
    bool per_position = false;             ///< fc applied at every position
    std::uint64_t hidden = 0;              ///< lstm
    bool bidirectional = false;            ///< lstm
    std::uint64_t units = 0;               ///< attention
    std::uint64_t vocabulary = 0, dim = 0; ///< embedding
    bool ceil_mode = false;                ///< pooling
    unsigned scale = 2;                    ///< upsample
    unsigned classes = 0, boxes = 0;       ///< detection

    // Inferred.
    std::vector<TensorShape> in;
    TensorShape out;
    std::uint64_t params = 0;              ///< weights and biases
    std::uint64_t macs = 0;                ///< multiply-accumulates on the systolic array
    std::uint64_t simd_ops = 0;            ///< element-wise operations on the SIMD unit

    bool is_matrix_work() const { return macs > 0; }
};

struct ModelInput {
    std::string name;
    TensorShape shape;
};

struct Model {
    std::string name, key, source, notes, file;
    std::vector<ModelInput> inputs;
    std::vector<Layer> layers;

    std::uint64_t params() const;
    std::uint64_t macs() const;
    std::uint64_t simd_ops() const;
    const Layer* find(const std::string& layer) const;
};

/// The largest layer a model may have (checked by infer): a tensor of 2^30
/// values (2 GiB at 16 bits), 2^34 parameters, 2^50 multiply-accumulates.
constexpr std::uint64_t kMaxTensorElements = std::uint64_t(1) << 30;
constexpr std::uint64_t kMaxLayerParameters = std::uint64_t(1) << 34;
constexpr std::uint64_t kMaxLayerMacs = std::uint64_t(1) << 50;

/// A model that cannot be read; what() names the file, the line, the layer and the field.
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An input shape given on the command line: "image=3x300x300".
struct InputOverride {
    std::string name;
    TensorShape shape;
    static InputOverride parse(const std::string& text);  ///< throws ModelError
};

Model load_model_file(const std::string& file, const std::vector<InputOverride>& overrides = {});
Model parse_model(const std::string& yaml_text, const std::string& source,
                  const std::vector<InputOverride>& overrides = {});

/// Infers shapes, parameters and work of every layer (called by the loaders;
/// public for models built in code). Throws ModelError.
void infer(Model& model);

}  // namespace planaria
