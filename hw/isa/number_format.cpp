#include "hw/isa/number_format.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace planaria::numerics {

std::int16_t NumberFormat::saturate(std::int64_t v) const { return std::int16_t(std::clamp(v, min(), max())); }

std::int16_t NumberFormat::requantize(std::int64_t accumulator, unsigned shift) const {
    if (shift > 0) accumulator = (accumulator + (std::int64_t(1) << (shift - 1))) >> shift;
    return saturate(accumulator);
}

std::int16_t NumberFormat::average(std::int64_t sum, std::int64_t count) const {
    // floor((2 sum + count) / (2 count)): half up, also for negative sums.
    const std::int64_t num = 2 * sum + count, den = 2 * count;
    std::int64_t q = num / den;
    if ((num % den != 0) && ((num < 0) != (den < 0))) --q;
    return saturate(q);
}

bool supported(LayerType t) {
    switch (t) {
        case LayerType::Lstm: case LayerType::Attention: case LayerType::Embedding: case LayerType::Detection:
            return false;
        default:
            return true;
    }
}

namespace {
double to_real(std::int16_t x) { return double(x) / kOne; }
}  // namespace

std::int16_t NumberFormat::fused_chain(std::int16_t x, const std::uint32_t (&fused)[4]) const {
    for (std::uint32_t f : fused)
        if (f) x = elementwise(static_cast<LayerType>(f - 1), x);
    return x;
}

std::int16_t NumberFormat::write_back(std::int64_t accumulator, const std::uint32_t (&fused)[4]) const {
    return fused_chain(requantize(accumulator), fused);
}

std::int16_t NumberFormat::elementwise(LayerType t, std::int16_t x) const {
    const auto from_real = [this](double v) { return saturate(std::int64_t(std::llround(v * kOne))); };
    switch (t) {
        case LayerType::Relu: return std::max<std::int16_t>(x, 0);
        case LayerType::Relu6: return saturate(std::clamp<std::int64_t>(x, 0, 6 * kOne));
        case LayerType::LeakyRelu:  // slope 0.1 as 26/256
            return x >= 0 ? x : requantize(std::int64_t(x) * 26);
        case LayerType::Sigmoid: return from_real(1.0 / (1.0 + std::exp(-to_real(x))));
        case LayerType::Tanh: return from_real(std::tanh(to_real(x)));
        case LayerType::Swish: return from_real(to_real(x) / (1.0 + std::exp(-to_real(x))));
        default: return x;  // batch norm (folded), flatten
    }
}

void NumberFormat::softmax(const std::int16_t* in, std::int16_t* out, std::uint64_t n, std::uint64_t stride) const {
    if (n == 0) return;
    std::int16_t top = in[0];
    for (std::uint64_t i = 1; i < n; ++i) top = std::max(top, in[i * stride]);
    std::vector<double> e(n);
    double sum = 0;
    for (std::uint64_t i = 0; i < n; ++i) sum += e[i] = std::exp(to_real(in[i * stride]) - to_real(top));
    for (std::uint64_t i = 0; i < n; ++i) out[i * stride] = saturate(std::int64_t(std::llround(e[i] / sum * kOne)));
}

}  // namespace planaria::numerics
