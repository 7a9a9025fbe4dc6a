#include "compiler/window.h"

#include <algorithm>

namespace planaria::numerics {

WindowOrigin window_origin(const Layer& l) {
    if (!l.same_padding) return {l.ph, l.pw};
    const TensorShape in = l.in.front();
    const auto before = [](std::uint64_t in_extent, std::uint64_t out_extent, unsigned k, unsigned s, unsigned d) {
        const std::int64_t total =
            std::max<std::int64_t>(std::int64_t((out_extent - 1) * s + std::uint64_t(d) * (k - 1) + 1) - std::int64_t(in_extent), 0);
        return total / 2;
    };
    const bool pooling = l.type == LayerType::MaxPool || l.type == LayerType::AvgPool;
    return {before(in.h, l.out.h, l.kh, l.sh, pooling ? 1 : l.dh), before(in.w, l.out.w, l.kw, l.sw, pooling ? 1 : l.dw)};
}

}  // namespace planaria::numerics
