#pragma once
// The datapath harness of the library (testbench/datapath_harness.h) under
// the tests' names.
#include "testbench/datapath_harness.h"

namespace planaria::test {
using DatapathBench = DatapathHarness;
using planaria::random_matrix;
using planaria::reference_gemm;

/// The rows x cols block of the subarray grid from (r0, c0) as one logical
/// array, row-major (whatever configuration the registers hold).
inline LogicalArray rect_array(const Floorplan& fp, unsigned r0, unsigned c0, unsigned rows, unsigned cols) {
    LogicalArray a;
    a.block_rows = rows;
    a.block_cols = cols;
    for (unsigned r = 0; r < rows; ++r)
        for (unsigned c = 0; c < cols; ++c) a.subarrays.push_back(fp.subarray_at({r0 + r, c0 + c}));
    return a;
}
}  // namespace planaria::test
