#include "compiler/model.h"

#include <map>
#include <numeric>
#include <sstream>

namespace planaria {

std::uint64_t Model::params() const {
    return std::accumulate(layers.begin(), layers.end(), std::uint64_t(0),
                           [](std::uint64_t s, const Layer& l) { return s + l.params; });
}
std::uint64_t Model::macs() const {
    return std::accumulate(layers.begin(), layers.end(), std::uint64_t(0),
                           [](std::uint64_t s, const Layer& l) { return s + l.macs; });
}
std::uint64_t Model::simd_ops() const {
    return std::accumulate(layers.begin(), layers.end(), std::uint64_t(0),
                           [](std::uint64_t s, const Layer& l) { return s + l.simd_ops; });
}
const Layer* Model::find(const std::string& name) const {
    for (const auto& l : layers)
        if (l.name == name) return &l;
    return nullptr;
}

namespace {

[[noreturn]] void fail(const Model& m, const Layer& l, const std::string& what) {
    throw ModelError((m.file.empty() ? m.key : m.file) + ": layer '" + l.name + "' (" + to_string(l.type) +
                     "): " + what);
}

/// Output extent of a window of size k, stride s, padding p, dilation d.
std::uint64_t window_out(const Model& m, const Layer& l, std::uint64_t in, unsigned k, unsigned s, unsigned p,
                         unsigned d, bool same, bool ceil_mode) {
    if (s == 0) fail(m, l, "stride must be at least 1");
    if (same) return (in + s - 1) / s;
    const std::int64_t span = std::int64_t(d) * (k - 1) + 1;
    const std::int64_t room = std::int64_t(in) + 2 * p - span;
    if (room < 0)
        fail(m, l, "a " + std::to_string(k) + "-wide window does not fit an input of " + std::to_string(in) +
                       " with padding " + std::to_string(p));
    std::uint64_t out = ceil_mode ? std::uint64_t((room + s - 1) / s) + 1 : std::uint64_t(room / s) + 1;
    // A window that would start in the padding only is dropped (Caffe/PyTorch).
    if (ceil_mode && (out - 1) * s >= in + p) --out;
    return out;
}

// Products of sizes are checked: a model whose sizes do not fit 64 bits is
// refused naming the layer (a wrapped product could look plausible).
std::uint64_t times(const Model& m, const Layer& l, std::initializer_list<std::uint64_t> factors) {
    std::uint64_t p = 1;
    for (std::uint64_t f : factors)
        if (__builtin_mul_overflow(p, f, &p)) fail(m, l, "sizes too large: a product overflows 64 bits");
    return p;
}
std::uint64_t plus(const Model& m, const Layer& l, std::uint64_t a, std::uint64_t b) {
    std::uint64_t s = 0;
    if (__builtin_add_overflow(a, b, &s)) fail(m, l, "sizes too large: a sum overflows 64 bits");
    return s;
}
std::uint64_t elements(const Model& m, const Layer& l, const TensorShape& s) { return times(m, l, {s.c, s.h, s.w}); }

void infer_layer(const Model& m, Layer& l) {
    const TensorShape in = l.in.front();
    const std::uint64_t in_elements = elements(m, l, in);
    auto single = [&] {
        if (l.in.size() != 1) fail(m, l, "takes exactly one input");
    };
    switch (l.type) {
        case LayerType::Conv: {
            single();
            if (l.out_channels == 0) fail(m, l, "out_channels: must be at least 1");
            if (l.groups == 0 || in.c % l.groups || l.out_channels % l.groups)
                fail(m, l, "groups: " + std::to_string(l.groups) + " must divide the " + std::to_string(in.c) +
                               " input and " + std::to_string(l.out_channels) + " output channels");
            const std::uint64_t oh = window_out(m, l, in.h, l.kh, l.sh, l.ph, l.dh, l.same_padding, false);
            const std::uint64_t ow = window_out(m, l, in.w, l.kw, l.sw, l.pw, l.dw, l.same_padding, false);
            l.out = {l.out_channels, oh, ow};
            const std::uint64_t per_output = times(m, l, {in.c / l.groups, l.kh, l.kw});
            l.params = plus(m, l, times(m, l, {l.out_channels, per_output}), l.bias ? l.out_channels : 0);
            l.macs = times(m, l, {elements(m, l, l.out), per_output});
            break;
        }
        case LayerType::DepthwiseConv: {
            single();
            if (l.multiplier == 0) fail(m, l, "multiplier: must be at least 1");
            const std::uint64_t oh = window_out(m, l, in.h, l.kh, l.sh, l.ph, l.dh, l.same_padding, false);
            const std::uint64_t ow = window_out(m, l, in.w, l.kw, l.sw, l.pw, l.dw, l.same_padding, false);
            l.out = {times(m, l, {in.c, l.multiplier}), oh, ow};
            l.params = plus(m, l, times(m, l, {l.out.c, l.kh, l.kw}), l.bias ? l.out.c : 0);
            l.macs = times(m, l, {elements(m, l, l.out), l.kh, l.kw});
            break;
        }
        case LayerType::FullyConnected: {
            single();
            if (l.out_channels == 0) fail(m, l, "out_features: must be at least 1");
            const std::uint64_t features = l.per_position ? in.c : in_elements;
            const std::uint64_t positions = l.per_position ? times(m, l, {in.h, in.w}) : 1;
            l.out = l.per_position ? TensorShape{l.out_channels, in.h, in.w} : TensorShape{l.out_channels, 1, 1};
            l.params = plus(m, l, times(m, l, {l.out_channels, features}), l.bias ? l.out_channels : 0);
            l.macs = times(m, l, {l.out_channels, features, positions});
            break;
        }
        case LayerType::Lstm: {
            single();
            if (l.hidden == 0) fail(m, l, "hidden: must be at least 1");
            if (in.h != 1) fail(m, l, "input " + in.str() + " is not a sequence [features, 1, steps]");
            const std::uint64_t dirs = l.bidirectional ? 2 : 1;
            l.out = {times(m, l, {l.hidden, dirs}), 1, in.w};
            const std::uint64_t gates = times(m, l, {4, l.hidden, plus(m, l, in.c, l.hidden)});
            l.params = times(m, l, {dirs, plus(m, l, gates, l.bias ? times(m, l, {4, l.hidden}) : 0)});
            l.macs = times(m, l, {dirs, in.w, gates});
            // Per unit and step: three sigmoids, two tanh, three products, one sum.
            l.simd_ops = times(m, l, {dirs, in.w, l.hidden, 9});
            break;
        }
        case LayerType::Attention: {
            if (l.in.size() != 2) fail(m, l, "inputs: needs [query, memory]");
            const TensorShape q = l.in[0], mem = l.in[1];
            if (q.h != 1 || mem.h != 1) fail(m, l, "query and memory must be sequences [features, 1, steps]");
            const std::uint64_t units = l.units ? l.units : q.c;
            l.out = {mem.c, 1, q.w};
            l.params = plus(m, l, times(m, l, {units, plus(m, l, q.c, mem.c)}), times(m, l, {2, units}));
            l.macs = plus(m, l, plus(m, l, times(m, l, {mem.w, mem.c, units}), times(m, l, {q.w, q.c, units})),
                          plus(m, l, times(m, l, {q.w, mem.w, units}), times(m, l, {q.w, mem.w, mem.c})));
            l.simd_ops = times(m, l, {q.w, mem.w, plus(m, l, units, 1)});
            break;
        }
        case LayerType::Embedding: {
            single();
            if (in.c != 1 || in.h != 1) fail(m, l, "input " + in.str() + " is not a token sequence [1, 1, steps]");
            if (l.vocabulary == 0 || l.dim == 0) fail(m, l, "vocabulary and dim must be at least 1");
            l.out = {l.dim, 1, in.w};
            l.params = times(m, l, {l.vocabulary, l.dim});
            break;
        }
        case LayerType::BatchNorm:
            single();
            l.out = in;
            l.params = times(m, l, {2, in.c});
            l.simd_ops = in_elements;
            break;
        case LayerType::Relu: case LayerType::Relu6: case LayerType::LeakyRelu: case LayerType::Sigmoid:
        case LayerType::Swish: case LayerType::Tanh: case LayerType::Softmax: case LayerType::Detection:
            single();
            l.out = in;
            l.simd_ops = in_elements;
            break;
        case LayerType::MaxPool: case LayerType::AvgPool: {
            single();
            const std::uint64_t oh = window_out(m, l, in.h, l.kh, l.sh, l.ph, 1, l.same_padding, l.ceil_mode);
            const std::uint64_t ow = window_out(m, l, in.w, l.kw, l.sw, l.pw, 1, l.same_padding, l.ceil_mode);
            l.out = {in.c, oh, ow};
            l.simd_ops = times(m, l, {elements(m, l, l.out), l.kh, l.kw});
            break;
        }
        case LayerType::GlobalAvgPool:
            single();
            l.out = {in.c, 1, 1};
            l.simd_ops = in_elements;
            break;
        case LayerType::Add:
            if (l.in.size() != 2) fail(m, l, "inputs: needs exactly two");
            if (!(l.in[0] == l.in[1])) fail(m, l, "inputs have different shapes " + l.in[0].str() + " and " + l.in[1].str());
            l.out = in;
            l.simd_ops = in_elements;
            break;
        case LayerType::Mul: {
            if (l.in.size() != 2) fail(m, l, "inputs: needs exactly two");
            const TensorShape b = l.in[1];
            if (!(b == in) && !(b.c == in.c && b.h == 1 && b.w == 1))
                fail(m, l, "second input " + b.str() + " neither matches " + in.str() + " nor broadcasts as [C, 1, 1]");
            l.out = in;
            l.simd_ops = in_elements;
            break;
        }
        case LayerType::Concat: {
            if (l.in.size() < 2) fail(m, l, "inputs: needs at least two");
            l.out = {0, in.h, in.w};
            for (const auto& s : l.in) {
                if (s.h != in.h || s.w != in.w)
                    fail(m, l, "inputs differ in height/width: " + in.str() + " and " + s.str());
                l.out.c = plus(m, l, l.out.c, s.c);
            }
            break;
        }
        case LayerType::Upsample:
            single();
            if (l.scale == 0) fail(m, l, "scale: must be at least 1");
            l.out = {in.c, times(m, l, {in.h, l.scale}), times(m, l, {in.w, l.scale})};
            break;
        case LayerType::Flatten:
            single();
            l.out = {in_elements, 1, 1};
            break;
    }
}

// What one layer may be: beyond these the chip's memory map, the instruction
// fields and a machine running the model all give out; a model beyond them
// is refused naming the layer and the figure, not compiled into nonsense.
void check_limits(const Model& m, const Layer& l) {
    const auto over = [&](const char* what, std::uint64_t value, std::uint64_t limit) {
        if (value > limit)
            fail(m, l, std::string(what) + " " + std::to_string(value) + " exceed the limit of " + std::to_string(limit));
    };
    over("output elements", elements(m, l, l.out), kMaxTensorElements);
    over("parameters", l.params, kMaxLayerParameters);
    over("multiply-accumulates", l.macs, kMaxLayerMacs);
    if (l.out.c == 0 || l.out.h == 0 || l.out.w == 0) fail(m, l, "output shape " + l.out.str() + " is empty");
}

}  // namespace

void infer(Model& m) {
    std::map<std::string, int> index;  // layer index, or -1 - k for input k
    for (std::size_t k = 0; k < m.inputs.size(); ++k) {
        const TensorShape& s = m.inputs[k].shape;
        if (s.c == 0 || s.h == 0 || s.w == 0)
            throw ModelError(m.file + ": input '" + m.inputs[k].name + "': shape must not be empty");
        if (s.c > kMaxTensorElements || s.h > kMaxTensorElements || s.w > kMaxTensorElements ||
            s.c * s.h > kMaxTensorElements || s.c * s.h * s.w > kMaxTensorElements)
            throw ModelError(m.file + ": input '" + m.inputs[k].name + "': shape " + s.str() + " holds more than " +
                             std::to_string(kMaxTensorElements) + " elements");
        index[m.inputs[k].name] = -1 - int(k);
    }
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        Layer& l = m.layers[i];
        if (index.count(l.name)) fail(m, l, "name: used twice");
        std::vector<std::string> names = l.input_names;
        if (names.empty()) {
            if (i == 0 && m.inputs.empty()) fail(m, l, "the model has no input");
            names.push_back(i == 0 ? m.inputs.front().name : m.layers[i - 1].name);
        }
        l.inputs.clear();
        l.in.clear();
        for (const auto& n : names) {
            const auto it = index.find(n);
            if (it == index.end()) fail(m, l, "input: '" + n + "' is neither a model input nor an earlier layer");
            l.inputs.push_back(it->second);
            l.in.push_back(it->second < 0 ? m.inputs[std::size_t(-1 - it->second)].shape
                                          : m.layers[std::size_t(it->second)].out);
        }
        infer_layer(m, l);
        check_limits(m, l);
        index[l.name] = int(i);
    }
}

InputOverride InputOverride::parse(const std::string& text) {
    const auto eq = text.find('=');
    InputOverride o;
    if (eq == std::string::npos || eq == 0) throw ModelError("--input " + text + ": expected NAME=CxHxW");
    o.name = text.substr(0, eq);
    std::vector<std::uint64_t> dims;
    std::istringstream is(text.substr(eq + 1));
    std::string part;
    while (std::getline(is, part, 'x')) {
        try {
            std::size_t used = 0;
            const unsigned long long v = std::stoull(part, &used);
            if (used != part.size() || v == 0) throw std::invalid_argument(part);
            dims.push_back(v);
        } catch (const std::exception&) {
            throw ModelError("--input " + text + ": '" + part + "' is not a positive whole number");
        }
    }
    if (dims.size() != 3) throw ModelError("--input " + text + ": expected three dimensions CxHxW");
    o.shape = {dims[0], dims[1], dims[2]};
    return o;
}

}  // namespace planaria
