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

/// The activation registers of a PE row form a shift register: every cycle
/// each takes its upstream neighbour's value. The model keeps each row's
/// registers as a window onto that row's recent inputs instead, so that a
/// cycle writes one value and moves the window rather than shifting every
/// register: the register of PE (r, c) is history[r * span + window + c].
/// Flowing eastward the window moves down (the newest input is at PE 0),
/// westward up (the newest at PE cols-1); every kRebase cycles the live
/// registers are copied back to the other end of the row's history.
struct PeState {
    static constexpr unsigned kRebase = 256;

    unsigned rows = 0, cols = 0, slots = 0;
    unsigned span = 0;                     ///< history entries per row: cols + kRebase
    unsigned window = 0;                   ///< where PE column 0's register is in each row's history
    std::vector<Weight> weight_buffer;     ///< [pe * slots + slot], the private weight buffers
    std::vector<Weight> weight;            ///< [pe] weight register (the stationary weight)
    std::vector<Activation> history;       ///< [row * span + i] activation registers (see above)
    std::vector<std::uint8_t> history_valid;  ///< [row * span + i] the register holds data
    std::vector<Accumulator> psum;         ///< [pe] partial-sum (accumulator) register
    std::vector<std::uint8_t> psum_valid;  ///< [pe] the partial sum is complete so far

    PeState(unsigned r, unsigned c, unsigned s) : rows(r), cols(c), slots(s), span(c + kRebase), window(kRebase / 2) {}

    unsigned pe_count() const { return rows * cols; }
    bool materialized() const { return !weight.empty(); }
    /// Allocates the state (zeros) if it is not yet.
    void materialize() {
        if (materialized()) return;
        const std::size_t n = std::size_t(rows) * cols;
        weight_buffer.assign(n * slots, 0);
        weight.assign(n, 0);
        history.assign(std::size_t(rows) * span, 0);
        history_valid.assign(std::size_t(rows) * span, 0);
        psum.assign(n, 0);
        psum_valid.assign(n, 0);
    }
    /// The activation register of PE `pe` (row-major), and whether it holds data.
    Activation activation(unsigned pe) const { return history[std::size_t(pe / cols) * span + window + pe % cols]; }
    bool activation_valid(unsigned pe) const {
        return history_valid[std::size_t(pe / cols) * span + window + pe % cols] != 0;
    }
    Weight* buffer_of(unsigned pe) {
        materialize();
        return weight_buffer.data() + std::size_t(pe) * slots;
    }
};

}  // namespace planaria
