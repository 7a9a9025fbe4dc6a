#include "compiler/data_layout.h"

namespace planaria {

namespace {
std::uint64_t take(std::uint64_t& at, std::uint64_t bytes) {
    const std::uint64_t here = at;
    at += (bytes + DataLayout::kAlign - 1) / DataLayout::kAlign * DataLayout::kAlign;
    return here;
}
}  // namespace

WeightLayout weight_layout(const LayerWork& w, std::size_t gemm, unsigned rows, unsigned cols) {
    const GemmWork& g = w.gemms.at(gemm);
    return WeightLayout(g.k, g.n, g.instances, rows, cols, g.bias);
}

std::uint64_t weight_offset(const LayerWork& w, std::size_t gemm, unsigned rows, unsigned cols) {
    std::uint64_t at = 0;
    for (std::size_t j = 0; j < gemm; ++j) at += weight_layout(w, j, rows, cols).bytes();
    return at;
}

DataLayout layout_data(const Model& model, const std::vector<LayerWork>& work, unsigned rows, unsigned cols) {
    DataLayout d;
    const std::size_t n = model.layers.size();
    d.outputs.assign(n, 0);
    d.weights.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        if (!work[i].gemms.empty())
            d.weights[i] = take(d.weight_bytes, weight_offset(work[i], work[i].gemms.size(), rows, cols));
    std::uint64_t at = 0;
    for (const auto& in : model.inputs) d.inputs.push_back(take(at, in.shape.elements() * 2));
    for (std::size_t i = n; i-- > 0;) {
        // A chain shares its last layer's tensor: walk back from each chain end.
        if (i + 1 < n && work[i + 1].fused) {
            d.outputs[i] = d.outputs[i + 1];
            continue;
        }
        d.outputs[i] = take(at, model.layers[i].out.elements() * 2);
    }
    d.tensor_bytes = at;
    return d;
}

}  // namespace planaria
