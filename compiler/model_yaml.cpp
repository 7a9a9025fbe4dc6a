// Reading planaria-model/1 YAML (compiler/MODEL_FORMAT.md) with yaml-cpp.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compiler/model.h"
#include "hw/config/yaml_document.h"

namespace planaria {

namespace {

constexpr const char* kFormat = "planaria-model/1";

struct TypeInfo {
    LayerType type;
    std::set<std::string> keys;  ///< allowed besides name, type, input, inputs
};

const std::map<std::string, TypeInfo>& layer_types() {
    static const std::set<std::string> window = {"kernel", "stride", "padding", "dilation"};
    static const std::map<std::string, TypeInfo> types = [] {
        std::map<std::string, TypeInfo> t;
        auto with = [](std::set<std::string> a, std::set<std::string> b) {
            a.insert(b.begin(), b.end());
            return a;
        };
        t["conv"] = {LayerType::Conv, with(window, {"out_channels", "groups", "bias"})};
        t["depthwise_conv"] = {LayerType::DepthwiseConv, with(window, {"multiplier", "bias"})};
        t["fc"] = {LayerType::FullyConnected, {"out_features", "bias", "per_position"}};
        t["lstm"] = {LayerType::Lstm, {"hidden", "bidirectional", "bias"}};
        t["attention"] = {LayerType::Attention, {"units"}};
        t["embedding"] = {LayerType::Embedding, {"vocabulary", "dim"}};
        t["batchnorm"] = {LayerType::BatchNorm, {}};
        t["relu"] = {LayerType::Relu, {}};
        t["relu6"] = {LayerType::Relu6, {}};
        t["leaky_relu"] = {LayerType::LeakyRelu, {}};
        t["sigmoid"] = {LayerType::Sigmoid, {}};
        t["swish"] = {LayerType::Swish, {}};
        t["tanh"] = {LayerType::Tanh, {}};
        t["softmax"] = {LayerType::Softmax, {}};
        t["maxpool"] = {LayerType::MaxPool, {"kernel", "stride", "padding", "ceil_mode"}};
        t["avgpool"] = {LayerType::AvgPool, {"kernel", "stride", "padding", "ceil_mode"}};
        t["global_avgpool"] = {LayerType::GlobalAvgPool, {}};
        t["add"] = {LayerType::Add, {}};
        t["mul"] = {LayerType::Mul, {}};
        t["concat"] = {LayerType::Concat, {}};
        t["upsample"] = {LayerType::Upsample, {"scale"}};
        t["flatten"] = {LayerType::Flatten, {}};
        t["detection"] = {LayerType::Detection, {"classes", "boxes"}};
        return t;
    }();
    return types;
}

class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& where, const std::string& what) const {
        std::string at = source_;
        if (node.Mark().line >= 0) at += ":" + std::to_string(node.Mark().line + 1);
        throw ModelError(at + ": " + where + ": " + what);
    }

    std::uint64_t whole(const YAML::Node& n, const std::string& where) const {
        if (!n.IsScalar()) fail(n, where, "must be a whole number");
        const std::string t = n.Scalar();
        std::size_t used = 0;
        unsigned long long v = 0;
        try {
            if (!t.empty() && t[0] == '-') throw std::invalid_argument(t);
            v = std::stoull(t, &used);
        } catch (const std::exception&) {
            fail(n, where, "must be a non-negative whole number, got '" + t + "'");
        }
        if (used != t.size()) fail(n, where, "must be a non-negative whole number, got '" + t + "'");
        return v;
    }

    unsigned small(const YAML::Node& n, const std::string& where) const {
        const std::uint64_t v = whole(n, where);
        if (v > 1u << 20) fail(n, where, "is implausibly large: " + std::to_string(v));
        return unsigned(v);
    }

    bool flag(const YAML::Node& n, const std::string& where) const {
        if (!n.IsScalar()) fail(n, where, "must be true or false");
        const std::string t = n.Scalar();
        if (t == "true") return true;
        if (t == "false") return false;
        fail(n, where, "must be true or false, got '" + t + "'");
    }

    std::string text(const YAML::Node& n, const std::string& where) const {
        if (!n.IsScalar()) fail(n, where, "must be a string");
        return n.Scalar();
    }

    /// An int, or [a, b] for height and width.
    void pair(const YAML::Node& n, const std::string& where, unsigned& a, unsigned& b) const {
        if (n.IsSequence()) {
            if (n.size() != 2) fail(n, where, "must be a whole number or [height, width]");
            a = small(n[0], where);
            b = small(n[1], where);
        } else {
            a = b = small(n, where);
        }
    }

    TensorShape shape(const YAML::Node& n, const std::string& where) const {
        if (!n.IsSequence() || n.size() != 3) fail(n, where, "must be [C, H, W]");
        TensorShape s{whole(n[0], where), whole(n[1], where), whole(n[2], where)};
        if (s.elements() == 0) fail(n, where, "dimensions must be at least 1");
        return s;
    }

    Layer layer(const YAML::Node& n, std::size_t index) const {
        const std::string at = "layers[" + std::to_string(index) + "]";
        if (!n.IsMap()) fail(n, at, "must be a mapping");
        Layer l;
        if (!n["name"]) fail(n, at, "name: missing");
        l.name = text(n["name"], at + ".name");
        const std::string where = "layer '" + l.name + "'";
        if (!n["type"]) fail(n, where, "type: missing");
        const std::string type = text(n["type"], where + ".type");
        const auto it = layer_types().find(type);
        if (it == layer_types().end()) fail(n["type"], where, "type: unknown layer type '" + type + "'");
        l.type = it->second.type;
        for (const auto& kv : n) {
            const std::string key = kv.first.as<std::string>();
            if (key == "name" || key == "type" || key == "input" || key == "inputs") continue;
            if (!it->second.keys.count(key))
                fail(kv.first, where, key + ": not a key of a " + type + " layer");
        }
        if (n["input"] && n["inputs"]) fail(n, where, "give either input or inputs, not both");
        if (n["input"]) l.input_names.push_back(text(n["input"], where + ".input"));
        if (n["inputs"]) {
            if (!n["inputs"].IsSequence() || n["inputs"].size() == 0)
                fail(n["inputs"], where, "inputs: must be a list of layer names");
            for (const auto& x : n["inputs"]) l.input_names.push_back(text(x, where + ".inputs"));
        }
        const auto key = [&](const char* k) { return n[k]; };
        const auto path = [&](const char* k) { return where + "." + k; };
        if (key("out_channels")) l.out_channels = whole(key("out_channels"), path("out_channels"));
        if (key("out_features")) l.out_channels = whole(key("out_features"), path("out_features"));
        if (l.type == LayerType::Conv && !key("out_channels")) fail(n, where, "out_channels: missing");
        if (l.type == LayerType::FullyConnected && !key("out_features")) fail(n, where, "out_features: missing");
        if (key("kernel")) pair(key("kernel"), path("kernel"), l.kh, l.kw);
        else if (l.type == LayerType::Conv || l.type == LayerType::DepthwiseConv || l.type == LayerType::MaxPool ||
                 l.type == LayerType::AvgPool)
            fail(n, where, "kernel: missing");
        if (l.kh == 0 || l.kw == 0) fail(key("kernel"), where, "kernel: must be at least 1");
        const bool pooling = l.type == LayerType::MaxPool || l.type == LayerType::AvgPool;
        if (key("stride")) pair(key("stride"), path("stride"), l.sh, l.sw);
        else if (pooling) l.sh = l.kh, l.sw = l.kw;
        if (key("dilation")) pair(key("dilation"), path("dilation"), l.dh, l.dw);
        if (key("padding")) {
            const YAML::Node p = key("padding");
            if (p.IsScalar() && p.Scalar() == "same") l.same_padding = true;
            else pair(p, path("padding"), l.ph, l.pw);
        }
        if (key("groups")) l.groups = whole(key("groups"), path("groups"));
        if (key("multiplier")) l.multiplier = small(key("multiplier"), path("multiplier"));
        l.bias = l.type == LayerType::FullyConnected || l.type == LayerType::Lstm;  // defaults
        if (key("bias")) l.bias = flag(key("bias"), path("bias"));
        if (key("per_position")) l.per_position = flag(key("per_position"), path("per_position"));
        if (key("hidden")) l.hidden = whole(key("hidden"), path("hidden"));
        else if (l.type == LayerType::Lstm) fail(n, where, "hidden: missing");
        if (key("bidirectional")) l.bidirectional = flag(key("bidirectional"), path("bidirectional"));
        if (key("units")) l.units = whole(key("units"), path("units"));
        if (key("vocabulary")) l.vocabulary = whole(key("vocabulary"), path("vocabulary"));
        if (key("dim")) l.dim = whole(key("dim"), path("dim"));
        if (key("ceil_mode")) l.ceil_mode = flag(key("ceil_mode"), path("ceil_mode"));
        if (key("scale")) l.scale = small(key("scale"), path("scale"));
        if (key("classes")) l.classes = small(key("classes"), path("classes"));
        if (key("boxes")) l.boxes = small(key("boxes"), path("boxes"));
        return l;
    }

    Model model(const YAML::Node& root) const {
        if (!root.IsMap()) fail(root, "<document>", "must be a mapping");
        static const std::set<std::string> top = {"format", "name", "key", "source", "notes", "inputs", "layers"};
        for (const auto& kv : root) {
            const std::string k = kv.first.as<std::string>();
            if (!top.count(k)) fail(kv.first, k, "unknown key");
        }
        if (!root["format"] || text(root["format"], "format") != kFormat)
            fail(root, "format", std::string("must be ") + kFormat);
        Model m;
        m.file = source_;
        for (const char* k : {"name", "key", "source"}) {
            if (!root[k]) fail(root, k, "missing");
        }
        m.name = text(root["name"], "name");
        m.key = text(root["key"], "key");
        // The key names the model's files (compile writes <key>.bundle): a
        // plain file name, never a path, a hidden name or nothing.
        const bool plain = !m.key.empty() && m.key.size() <= 64 && m.key.front() != '.' &&
                           m.key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                               std::string::npos;
        if (!plain)
            fail(root["key"], "key",
                 "must be 1 to 64 letters, digits, '_', '.' or '-', not starting with '.', got '" + m.key + "'");
        m.source = text(root["source"], "source");
        if (root["notes"]) m.notes = text(root["notes"], "notes");
        if (!root["inputs"] || !root["inputs"].IsSequence() || root["inputs"].size() == 0)
            fail(root, "inputs", "must list at least one input");
        for (const auto& in : root["inputs"]) {
            if (!in.IsMap() || !in["name"] || !in["shape"]) fail(in, "inputs", "each input needs name and shape");
            m.inputs.push_back({text(in["name"], "inputs.name"), shape(in["shape"], "inputs.shape")});
        }
        if (!root["layers"] || !root["layers"].IsSequence() || root["layers"].size() == 0)
            fail(root, "layers", "must list at least one layer");
        std::size_t i = 0;
        for (const auto& n : root["layers"]) m.layers.push_back(layer(n, i++));
        return m;
    }

private:
    std::string source_;
};

}  // namespace

Model parse_model(const std::string& yaml_text, const std::string& source,
                  const std::vector<InputOverride>& overrides) {
    YAML::Node root;
    try {
        root = load_yaml_document(yaml_text, source);
    } catch (const YamlInputError& e) {
        throw ModelError(e.what());
    }
    Model m = Reader(source).model(root);
    for (const auto& o : overrides) {
        bool found = false;
        for (auto& in : m.inputs)
            if (in.name == o.name) in.shape = o.shape, found = true;
        if (!found) throw ModelError(source + ": --input " + o.name + ": the model has no input of that name");
    }
    infer(m);
    return m;
}

Model load_model_file(const std::string& file, const std::vector<InputOverride>& overrides) {
    std::string text;
    try {
        text = read_yaml_file(file);
    } catch (const YamlInputError& e) {
        throw ModelError(e.what());
    }
    return parse_model(text, file, overrides);
}

}  // namespace planaria
