#pragma once
// A cycle-accurate datapath with a host on its register file, and the plain
// reference loops the datapath is checked against.
#include <random>
#include <vector>

#include "hw/datapath/systolic_datapath.h"
#include "hw/fission/fission_encoder.h"
#include "sched/reconfiguration_driver.h"

namespace planaria::test {

struct DatapathBench {
    ArchConfig cfg;
    SystolicDatapath dp;
    ReconfigurationDriver driver;

    explicit DatapathBench(const ArchConfig& c = ArchConfig{})
        : cfg(c), dp("datapath", cfg), driver("host", dp.floorplan()) {
        driver.socket.bind(dp.registers().socket);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);  // complete elaboration: the sockets' bindings
    }

    /// Forms `arrays` (other subarrays stay independent 1x1 arrays) the only
    /// way software can: writing the next-state registers over the bus and
    /// committing at a tile boundary.
    void form(const std::vector<LogicalArray>& arrays) {
        const Floorplan& fp = dp.floorplan();
        FissionState st = FissionState::reset(fp);
        for (const auto& a : arrays) st = place_array(fp, a, st);
        program(st);
    }

    void program(const FissionState& st) {
        driver.program(st);
        driver.commit();
        dp.registers().tile_boundary();
        if (driver.read(regmap::kStatus) & regmap::kStatusError)
            throw std::runtime_error("commit refused: " + dp.registers().refused()->message);
    }
};

inline std::vector<std::int16_t> random_matrix(std::mt19937& rng, unsigned rows, unsigned cols, int lo = -32768,
                                               int hi = 32767) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<std::int16_t> m(std::size_t(rows) * cols);
    for (auto& v : m) v = std::int16_t(d(rng));
    return m;
}

/// O = A * W with A: M x K, W: K x N, in 64-bit integers.
inline std::vector<std::int64_t> reference_gemm(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& w,
                                                unsigned m, unsigned k, unsigned n) {
    std::vector<std::int64_t> o(std::size_t(m) * n, 0);
    for (unsigned i = 0; i < m; ++i)
        for (unsigned j = 0; j < n; ++j) {
            std::int64_t sum = 0;
            for (unsigned x = 0; x < k; ++x) sum += std::int64_t(a[std::size_t(i) * k + x]) * w[std::size_t(x) * n + j];
            o[std::size_t(i) * n + j] = sum;
        }
    return o;
}

}  // namespace planaria::test
