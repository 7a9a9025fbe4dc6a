// The blocked weight layout (hw/isa/weight_layout.h): a bijection between the
// weights and biases and the bytes, each subarray block's load one
// contiguous transfer, and locate() the inverse of load().
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "hw/isa/weight_layout.h"

using namespace planaria;

namespace {

struct Shape {
    std::uint64_t k, n, instances;
    unsigned rows, cols;
    bool bias;
};

}  // namespace

TEST_CASE("weight layout: every weight and bias has its own place and every byte holds one", "[weights]") {
    const Shape shape = GENERATE(Shape{70, 50, 1, 32, 32, true}, Shape{27, 64, 1, 32, 32, false}, Shape{9, 1, 5, 32, 32, true},
                                 Shape{64, 96, 3, 16, 16, true}, Shape{130, 33, 2, 64, 64, false});
    const WeightLayout layout(shape.k, shape.n, shape.instances, shape.rows, shape.cols, shape.bias);
    INFO("K " << shape.k << " N " << shape.n << " instances " << shape.instances << " bias " << shape.bias);
    CHECK(layout.bytes() == (shape.k + (shape.bias ? 1 : 0)) * shape.n * shape.instances * 2);
    std::set<std::uint64_t> places;
    for (std::uint64_t inst = 0; inst < shape.instances; ++inst)
        for (std::uint64_t n0 = 0; n0 < shape.n; n0 += shape.cols) {
            const std::uint64_t nc = layout.block_cols(n0);
            CHECK(nc == std::min<std::uint64_t>(shape.cols, shape.n - n0));
            if (shape.bias)
                for (std::uint64_t j = 0; j < nc; ++j) CHECK(places.insert(layout.bias(inst, n0) + 2 * j).second);
            for (std::uint64_t k0 = 0; k0 < shape.k; k0 += shape.rows) {
                const std::uint64_t kr = layout.block_rows(k0);
                CHECK(kr == std::min<std::uint64_t>(shape.rows, shape.k - k0));
                for (std::uint64_t r = 0; r < kr; ++r)
                    for (std::uint64_t j = 0; j < nc; ++j)
                        CHECK(places.insert(layout.block(inst, k0, n0) + 2 * (r * nc + j)).second);
            }
        }
    REQUIRE(places.size() == layout.bytes() / 2);
    CHECK(*places.begin() == 0);
    CHECK(*places.rbegin() == layout.bytes() - 2);
}

TEST_CASE("weight layout: a block's load is one run, with the bias in front for the top block", "[weights]") {
    const WeightLayout layout(70, 50, 2, 32, 32, true);
    for (std::uint64_t inst = 0; inst < 2; ++inst)
        for (std::uint64_t n0 : {0ull, 32ull})
            for (std::uint64_t k0 : {0ull, 32ull, 64ull}) {
                const WeightLayout::Load load = layout.load(inst, k0, n0);
                const std::uint64_t nc = layout.block_cols(n0), kr = layout.block_rows(k0);
                if (k0 == 0) {
                    CHECK(load.offset == layout.bias(inst, n0));
                    CHECK(load.bytes == (kr + 1) * nc * 2);
                    // The bias lies just before the block: one run.
                    CHECK(layout.bias(inst, n0) + nc * 2 == layout.block(inst, 0, n0));
                } else {
                    CHECK(load.offset == layout.block(inst, k0, n0));
                    CHECK(load.bytes == kr * nc * 2);
                }
                const auto at = layout.locate(load.offset, load.bytes);
                REQUIRE(at);
                CHECK(at->instance == inst);
                CHECK(at->k0 == k0);
                CHECK(at->n0 == n0);
                CHECK(at->rows == kr);
                CHECK(at->cols == nc);
                CHECK(at->with_bias == (k0 == 0));
            }
}

TEST_CASE("weight layout: locate refuses what is not one block's load", "[weights]") {
    const WeightLayout layout(70, 50, 1, 32, 32, true);
    const WeightLayout::Load top = layout.load(0, 0, 0), second = layout.load(0, 32, 0);
    CHECK_FALSE(layout.locate(top.offset, top.bytes - 2));          // short
    CHECK_FALSE(layout.locate(top.offset + 2, top.bytes));          // misaligned
    CHECK_FALSE(layout.locate(layout.block(0, 0, 0), 32 * 32 * 2));  // the top block without its bias
    CHECK_FALSE(layout.locate(second.offset, 0));                   // nothing
    CHECK_FALSE(layout.locate(layout.bytes(), 64));                 // beyond the weights
    CHECK(layout.locate(second.offset, second.bytes));
    // Without a bias the top block is loaded alone.
    const WeightLayout plain(70, 50, 1, 32, 32, false);
    CHECK(plain.load(0, 0, 0).offset == plain.block(0, 0, 0));
    CHECK(plain.locate(plain.block(0, 0, 32), 32 * 18 * 2));
}
