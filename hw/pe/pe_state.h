#pragma once
// The state of the processing elements of one subarray as plain C++ data
// (NVDLA style: MAC cells are data stepped inside one module, never a
// process each). Structure of arrays, row-major in physical PE coordinates:
// element [r * cols + c] belongs to the PE in physical row r, column c.
//
// A PE is weight-stationary (TPU-like): it holds a private weight buffer of
// `slots` weights, latches one of them into its weight register for a tile,
// multiplies the activation passing along its row with it and adds the
// product to the partial sum passing down its column.
//
// The storage is allocated on first use (materialize()): a chip at tile
// fidelity never steps its PEs, and must not pay 4 MB of weight buffers for
// them (Fig. 16 elaborates hundreds of chips in one process).

#include <cstdint>
#include <vector>

namespace planaria {

/// Accumulator type: products of two 16-bit values are 32 bits; the model's
/// accumulator is 64 bits wide in C++, of which the configured width
/// (48 bits on Planaria) is the hardware's. The widest reduction in the model
/// zoo (3x3x1024 = 9,216 terms) needs 32 + 14 = 46 bits.
using Accumulator = std::int64_t;
using Activation = std::int16_t;
using Weight = std::int16_t;

struct PeState {
    unsigned rows = 0, cols = 0, slots = 0;
    std::vector<Weight> weight_buffer;     ///< [pe * slots + slot], the private weight buffers
    std::vector<Weight> weight;            ///< [pe] weight register (the stationary weight)
    std::vector<Activation> activation;    ///< [pe] activation register
    std::vector<std::uint8_t> act_valid;   ///< [pe] the activation register holds data
    std::vector<Accumulator> psum;         ///< [pe] partial-sum (accumulator) register
    std::vector<std::uint8_t> psum_valid;  ///< [pe] the partial sum is complete so far

    PeState(unsigned r, unsigned c, unsigned s) : rows(r), cols(c), slots(s) {}

    unsigned pe_count() const { return rows * cols; }
    bool materialized() const { return !weight.empty(); }
    /// Allocates the state (zeros) if it is not yet.
    void materialize() {
        if (materialized()) return;
        const std::size_t n = std::size_t(rows) * cols;
        weight_buffer.assign(n * slots, 0);
        weight.assign(n, 0);
        activation.assign(n, 0);
        act_valid.assign(n, 0);
        psum.assign(n, 0);
        psum_valid.assign(n, 0);
    }
    Weight* buffer_of(unsigned pe) {
        materialize();
        return weight_buffer.data() + std::size_t(pe) * slots;
    }
};

}  // namespace planaria
