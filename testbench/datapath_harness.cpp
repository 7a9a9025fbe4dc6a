#include "testbench/datapath_harness.h"

#include <algorithm>
#include <stdexcept>

#include "tlm/register_map.h"

namespace planaria {

DatapathHarness::DatapathHarness(const ArchConfig& c) : cfg(c), dp("datapath", cfg), driver("host", dp.floorplan()) {
    driver.socket.bind(dp.registers().socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // complete elaboration: the sockets' bindings
}

void DatapathHarness::form(const std::vector<LogicalArray>& arrays) {
    const Floorplan& fp = dp.floorplan();
    FissionState st = FissionState::reset(fp);
    for (const auto& a : arrays) st = place_array(fp, a, st);
    program(st);
}

void DatapathHarness::program(const FissionState& st) {
    driver.program(st);
    driver.commit();
    dp.registers().tile_boundary();
    if (driver.read(regmap::kStatus) & regmap::kStatusError)
        throw std::runtime_error("commit refused: " + dp.registers().refused()->message);
}

FissionConfiguration DatapathHarness::form_squarest(unsigned k) {
    const Floorplan& fp = dp.floorplan();
    const auto configs = enumerate_configurations(fp, canonical_region(fp, k));
    const FissionConfiguration best = *squarest_single_array(configs);
    form(best.placement);
    return best;
}

DatapathHarness::Operands DatapathHarness::load_random(const LogicalArray& array, unsigned vectors, std::mt19937& rng,
                                                       int lo, int hi) {
    Operands o;
    o.m = vectors, o.k = array.block_rows * cfg.subarray.rows, o.n = array.block_cols * cfg.subarray.cols;
    o.weights = random_matrix(rng, o.k, o.n, lo, hi);
    o.activations = random_matrix(rng, o.m, o.k, lo, hi);
    dp.write_weights(array, 0, o.weights, o.k, o.n);
    dp.write_activations(array, 0, o.activations, o.m, o.k);
    return o;
}

unsigned DatapathHarness::max_vectors() {
    const PodMemory& memory = dp.pod(0).memory();
    return std::min(memory.activation_entries(), memory.output_entries());
}

TracedTile trace_tile(const ArchConfig& cfg, unsigned k, unsigned vectors, unsigned traced, SignalTrace& trace) {
    DatapathHarness bench(cfg);
    const FissionConfiguration best = bench.form_squarest(k);
    const LogicalArray& array = best.placement.front();
    std::mt19937 rng(1);
    const DatapathHarness::Operands op = bench.load_random(array, vectors, rng, -100, 100);
    const unsigned r1 = cfg.subarray.rows - 1, c1 = cfg.subarray.cols - 1;
    bench.dp.trace(&trace, traced, {{0, 0}, {0, c1}, {r1, 0}, {r1, c1}});
    TileCommand cmd;
    cmd.shape = {vectors, op.k, op.n};
    const TileRun run = bench.dp.compute_tile(array, cmd);
    bench.dp.trace(nullptr, 0);

    TracedTile t;
    t.configuration = best.name(cfg);
    t.subarrays = array.subarrays;
    t.m = vectors, t.k = op.k, t.n = op.n;
    t.cycles = run.cycles;
    const auto out = bench.dp.read_outputs(array, 0, vectors, op.n);
    const auto expected = reference_gemm(op.activations, op.weights, vectors, op.k, op.n);
    for (std::size_t i = 0; i < expected.size(); ++i) t.wrong += out[i] != expected[i];
    return t;
}

std::vector<std::int16_t> random_matrix(std::mt19937& rng, unsigned rows, unsigned cols, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<std::int16_t> m(std::size_t(rows) * cols);
    for (auto& v : m) v = std::int16_t(d(rng));
    return m;
}

std::vector<std::int64_t> reference_gemm(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& w,
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

}  // namespace planaria
