#pragma once
// Lowering: what each layer asks of the hardware, independent of how many
// subarrays run it.
//
//  - convolution and fully connected layers are weight-stationary GEMMs:
//    O[M x N] = A[M x K] * W[K x N] with M output positions, K = in/groups *
//    kh * kw and N = out/groups, once per group;
//  - a depth-wise convolution is one GEMM per channel (M positions, K = kh*kw,
//    N = multiplier): the paper's Section VI-B2 maps each channel to one
//    column of an independent array, so channels run side by side only on
//    separate clusters; DepthwiseMapping::BlockDiagonal instead packs P
//    channels into one pass, as a TPU-like compiler could for a monolithic
//    array: K = P*kh*kw rows, N = P*multiplier columns, the weights
//    block-diagonal (the zeros are stored, fetched and multiplied);
//  - an LSTM is, per direction and time step, one GEMM of a single vector
//    ([x_t, h_t-1] times the four gate matrices), the steps one after another;
//  - attention is four GEMMs (memory and query projections, scores, context),
//    the last two with activations as the stationary operand;
//  - everything else is element-wise work on the SIMD segments. Batch norm and
//    activations that directly follow a GEMM layer are fused into its
//    write-back (no extra memory traffic); pooling, additions, products,
//    softmax and detection decode read and write their tensors.
//
// Activations and weights are 16-bit; layers exchange tensors through
// off-chip memory.

#include <cstdint>
#include <string>
#include <vector>

#include "hw/isa/activation_window.h"
#include "compiler/model.h"

namespace planaria {

/// How a depth-wise convolution's channels map onto an array (see above).
enum class DepthwiseMapping {
    Column,         ///< one channel per pass, on one column (the paper's, the default)
    BlockDiagonal,  ///< as many channels per pass as the array's rows and columns hold
};
const char* to_string(DepthwiseMapping m);
/// "column" or "block-diagonal"; throws std::invalid_argument otherwise.
DepthwiseMapping parse_depthwise_mapping(const std::string& text);

struct LoweringOptions {
    DepthwiseMapping depthwise = DepthwiseMapping::Column;
    unsigned array_rows = 0, array_cols = 0;  ///< BlockDiagonal packs for an array of this size
};

struct GemmWork {
    GemmWork(std::uint64_t m_, std::uint64_t k_, std::uint64_t n_, std::uint64_t instances_ = 1,
             std::uint64_t sequential_ = 1, bool weights_are_activations_ = false, ActivationWindow window_ = {})
        : m(m_), k(k_), n(n_), instances(instances_), sequential(sequential_),
          weights_are_activations(weights_are_activations_), window(window_) {}
    std::uint64_t m = 0, k = 0, n = 0;  ///< one GEMM
    std::uint64_t instances = 1;        ///< independent GEMMs of this shape (groups, channels)
    std::uint64_t sequential = 1;       ///< repetitions that must run one after another (LSTM steps)
    bool weights_are_activations = false;  ///< the stationary operand is computed, not a parameter
    ActivationWindow window;            ///< convolutions: the input windows A's rows read
    std::uint64_t packed = 1;           ///< channels packed block-diagonally per pass (1: none)
    std::uint64_t useful_macs = 0;      ///< packed: the MACs that are not multiplications by zero (0: all are)
    bool bias = false;                  ///< a bias per output column, loaded with the weights (hw/isa/weight_layout.h)
    std::uint64_t macs() const { return m * k * n * instances * sequential; }
};

struct LayerWork {
    std::size_t layer = 0;              ///< index in Model::layers
    std::vector<GemmWork> gemms;        ///< empty for SIMD-only layers
    std::uint64_t simd_ops = 0;         ///< element-wise operations (fused ones included)
    bool fused = false;                 ///< runs in the write-back of the previous GEMM layer
    std::uint64_t input_bytes = 0;      ///< read from off-chip memory (the layer's inputs)
    std::uint64_t output_bytes = 0;     ///< written to off-chip memory
    std::uint64_t weight_bytes = 0;     ///< parameters read from off-chip memory
    bool has_gemm() const { return !gemms.empty(); }
};

/// One LayerWork per model layer, in order.
std::vector<LayerWork> lower(const Model& model, const LoweringOptions& options = {});

/// Off-chip bytes no schedule can avoid: every parameter, every output and
/// every input element the layer reads, once (a window layer's inputs: the
/// pixels its windows touch). Fused layers are charged to their producer.
std::uint64_t compulsory_bytes(const LayerWork& work);

}  // namespace planaria
