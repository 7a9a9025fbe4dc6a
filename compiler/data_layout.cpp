#include "compiler/data_layout.h"

namespace planaria {

namespace {
constexpr std::uint64_t kAlign = 64;
std::uint64_t take(std::uint64_t& at, std::uint64_t bytes) {
    const std::uint64_t here = at;
    at += (bytes + kAlign - 1) / kAlign * kAlign;
    return here;
}
}  // namespace

DataLayout layout_data(const Model& model, const std::vector<LayerWork>& work) {
    DataLayout d;
    std::uint64_t at = DataLayout::kDataBase;
    for (const auto& in : model.inputs) d.inputs.push_back(take(at, in.shape.elements() * 2));
    const std::size_t n = model.layers.size();
    d.outputs.assign(n, 0);
    d.weights.assign(n, 0);
    d.bias.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Layer& l = model.layers[i];
        if (!work[i].gemms.empty()) {
            const GemmWork& g = work[i].gemms.front();
            d.weights[i] = take(at, g.k * g.n * g.instances * 2);
            if (l.bias) d.bias[i] = take(at, l.out.c * 2);
        }
    }
    for (std::size_t i = n; i-- > 0;) {
        // A chain shares its last layer's tensor: walk back from each chain end.
        if (i + 1 < n && work[i + 1].fused) {
            d.outputs[i] = d.outputs[i + 1];
            continue;
        }
        d.outputs[i] = take(at, model.layers[i].out.elements() * 2);
    }
    d.end = at;
    return d;
}

}  // namespace planaria
