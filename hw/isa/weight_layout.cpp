#include "hw/isa/weight_layout.h"

namespace planaria {

WeightLayout::WeightLayout(std::uint64_t k, std::uint64_t n, std::uint64_t instances, unsigned rows, unsigned cols,
                           bool bias)
    : k_(k), n_(n), instances_(instances), rows_(rows ? rows : 1), cols_(cols ? cols : 1), bias_(bias) {}

std::uint64_t WeightLayout::bytes() const { return instances_ * instance_bytes(); }

std::uint64_t WeightLayout::bias(std::uint64_t instance, std::uint64_t n0) const {
    // Every column block before this one is a whole subarray wide.
    return instance * instance_bytes() + n0 * (k_ + (bias_ ? 1 : 0)) * kValue;
}

std::uint64_t WeightLayout::block(std::uint64_t instance, std::uint64_t k0, std::uint64_t n0) const {
    const std::uint64_t width = block_cols(n0);
    return bias(instance, n0) + ((bias_ ? 1 : 0) + k0) * width * kValue;
}

WeightLayout::Load WeightLayout::load(std::uint64_t instance, std::uint64_t k0, std::uint64_t n0) const {
    const std::uint64_t bytes = block_rows(k0) * block_cols(n0) * kValue;
    if (bias_ && k0 == 0 && bytes) return {bias(instance, n0), bytes + block_cols(n0) * kValue};
    return {block(instance, k0, n0), bytes};
}

std::optional<WeightLayout::Located> WeightLayout::locate(std::uint64_t offset, std::uint64_t bytes) const {
    if (bytes == 0 || offset >= this->bytes()) return std::nullopt;
    Located at;
    at.instance = offset / instance_bytes();
    const std::uint64_t in = offset % instance_bytes();
    const std::uint64_t full = (k_ + (bias_ ? 1 : 0)) * cols_ * kValue;  // a whole-width column block
    at.n0 = in / full * cols_;
    at.cols = block_cols(at.n0);
    const std::uint64_t within = in - bias(0, at.n0);
    const std::uint64_t row_bytes = at.cols * kValue;
    if (within % row_bytes) return std::nullopt;
    std::uint64_t row = within / row_bytes;  // counting the bias as row 0 when there is one
    at.with_bias = bias_ && row == 0;
    if (bias_ && !at.with_bias) --row;
    if (row % rows_) return std::nullopt;
    at.k0 = row;
    at.rows = block_rows(at.k0);
    const Load expected = load(at.instance, at.k0, at.n0);
    if (expected.offset != offset || expected.bytes != bytes) return std::nullopt;
    return at;
}

}  // namespace planaria
