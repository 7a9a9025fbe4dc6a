#pragma once
// The datapath harness of the library (testbench/datapath_harness.h) under
// the tests' names.
#include "testbench/datapath_harness.h"

namespace planaria::test {
using DatapathBench = DatapathHarness;
using planaria::random_matrix;
using planaria::reference_gemm;
}  // namespace planaria::test
