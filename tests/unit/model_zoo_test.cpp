// The model zoo (scenarios/models): every file loads, and its parameter and
// MAC counts match the published figures (source of each beside it).
#include <catch2/catch.hpp>

#include "compiler/model.h"
#include "support/zoo.h"

using namespace planaria;

namespace {
using test::zoo;
bool has_type(const Model& m, LayerType t) {
    for (const auto& l : m.layers)
        if (l.type == t) return true;
    return false;
}
}  // namespace

TEST_CASE("ResNet-50: 25.6 M parameters, 4.1 G MACs", "[zoo]") {
    // torchvision resnet50 (v1.5) model card: 25,557,032 parameters, 4.09 GFLOPs (multiply-adds).
    const Model m = zoo("resnet50");
    CHECK(m.params() == 25557032);
    CHECK(double(m.macs()) == Approx(4.09e9).epsilon(0.01));
    const Layer* fc = m.find("fc1000");
    REQUIRE(fc);
    CHECK(fc->out == TensorShape{1000, 1, 1});
    CHECK(has_type(m, LayerType::Add));
}

TEST_CASE("GoogLeNet: about 6.8 M parameters and 1.5 G MACs", "[zoo]") {
    // Szegedy et al. 2014, Table 1: 6.8 M parameters (rounded, without biases), 1.5 G multiply-adds.
    const Model m = zoo("googlenet");
    CHECK(double(m.params()) == Approx(6.8e6).epsilon(0.05));
    CHECK(double(m.macs()) == Approx(1.5e9).epsilon(0.07));
    CHECK(has_type(m, LayerType::Concat));
}

TEST_CASE("MobileNet-v1: 4.2 M parameters, 569 M MACs", "[zoo]") {
    // Howard et al. 2017, Table 8 (1.0 MobileNet-224): 4.2 M parameters, 569 M mult-adds.
    const Model m = zoo("mobilenet_v1");
    CHECK(double(m.params()) == Approx(4.2e6).epsilon(0.01));
    CHECK(double(m.macs()) == Approx(569e6).epsilon(0.005));
    CHECK(has_type(m, LayerType::DepthwiseConv));
}

TEST_CASE("EfficientNet-B0: 5.3 M parameters, 0.39 G MACs, with squeeze-and-excitation", "[zoo]") {
    // Tan & Le 2019, Table 2: 5.3 M parameters, 0.39 B FLOPS (multiply-adds); Keras: 5,288,548.
    const Model m = zoo("efficientnet_b0");
    CHECK(m.params() == 5288548);
    CHECK(double(m.macs()) == Approx(0.39e9).epsilon(0.02));
    CHECK(has_type(m, LayerType::Mul));
    CHECK(has_type(m, LayerType::Swish));
}

TEST_CASE("SSD-MobileNet-v1 at 300: about 6.9 M parameters and 1.2 G MACs", "[zoo]") {
    // MLPerf Inference v0.5 (Reddi et al. 2020), Table I: 6.91 M parameters, 2.47 G ops = 1.24 G MACs.
    const Model m = zoo("ssd_mobilenet_v1");
    CHECK(double(m.params()) == Approx(6.91e6).epsilon(0.02));
    CHECK(double(m.macs()) == Approx(1.235e9).epsilon(0.01));
    CHECK(has_type(m, LayerType::Detection));
}

TEST_CASE("SSD-ResNet34 at 300 (the paper set): SSD300's 8,732 boxes on a ResNet-34 backbone", "[zoo]") {
    // No published counts at 300x300. Hand count of the backbone's MACs: the stem (150x150, 7x7x3x64),
    // layer1 at 75x75 (6 convs 3x3x64x64), layer2 at 38x38 (8 convs 3x3x128x128, the first from 64
    // at stride 2, and a 1x1 projection), layer3 at 38x38 (12 convs 3x3x256x256, the first from
    // 128, and a 1x1 projection).
    const Model m = zoo("ssd_resnet34");
    const double stem = 150.0 * 150 * 7 * 7 * 3 * 64;
    const double layer1 = 6.0 * 75 * 75 * 9 * 64 * 64;
    const double layer2 = 38.0 * 38 * (9 * 64 * 128 + 7 * 9 * 128 * 128 + 64 * 128);
    const double layer3 = 38.0 * 38 * (9 * 128 * 256 + 11 * 9 * 256 * 256 + 128 * 256);
    const double backbone = stem + layer1 + layer2 + layer3;
    CHECK(double(m.macs()) > backbone);
    CHECK(double(m.macs()) < 1.25 * backbone);  // extras and heads are the smaller part
    // The same weights as the MLPerf 1200 variant: only the strides and paddings differ.
    CHECK(m.params() == zoo("ssd_resnet34_1200").params());
    std::uint64_t boxes = 0;
    for (const auto& l : m.layers)
        if (l.type == LayerType::Detection) boxes += std::uint64_t(l.boxes) * l.in.front().h * l.in.front().w;
    CHECK(boxes == 8732);
}

TEST_CASE("SSD-ResNet34 at 1200 (MLPerf): 433 G ops, the resolution a parameter", "[zoo]") {
    // MLPerf Inference v0.5, Table I: 433 G ops (216.5 G MACs). Its 36.3 M parameters count
    // checkpoint weights the inference graph does not use (README, model zoo).
    const Model m = zoo("ssd_resnet34_1200");
    CHECK(double(m.macs()) == Approx(216.5e9).epsilon(0.01));
    CHECK(double(m.params()) == Approx(20.0e6).epsilon(0.01));
    const Model small = load_model_file(std::string(PLANARIA_SOURCE_DIR) + "/scenarios/models/ssd_resnet34_1200.yaml",
                                        {InputOverride::parse(m.inputs.front().name + "=3x600x600")});
    CHECK(small.params() == m.params());
    CHECK(double(small.macs()) == Approx(double(m.macs()) / 4).epsilon(0.05));
}

TEST_CASE("YOLOv3 at 416: 62 M parameters, 32.9 G MACs, with upsampling and routes", "[zoo]") {
    // darknet yolov3.cfg: 65.879 BFLOPs = 32.94 G MACs; 61,949,149 parameters.
    const Model m = zoo("yolov3");
    CHECK(double(m.params()) == Approx(61.95e6).epsilon(0.005));
    CHECK(double(m.macs()) == Approx(32.94e9).epsilon(0.005));
    CHECK(has_type(m, LayerType::Upsample));
    CHECK(has_type(m, LayerType::Concat));
    unsigned heads = 0;
    for (const auto& l : m.layers) heads += l.type == LayerType::Detection;
    CHECK(heads == 3);
}

TEST_CASE("Tiny YOLO (YOLOv2-tiny) at 416: 3.49 G MACs", "[zoo]") {
    // darknet YOLO page, yolov2-tiny-voc: 6.97 BFLOPs = 3.485 G MACs.
    const Model m = zoo("tiny_yolo");
    CHECK(double(m.macs()) == Approx(3.485e9).epsilon(0.005));
    CHECK(has_type(m, LayerType::MaxPool));
}

TEST_CASE("GNMT: LSTM encoder and decoder with attention, about 210 M parameters", "[zoo]") {
    // MLPerf Inference v0.5, Table I: GNMT 210 M parameters.
    const Model m = zoo("gnmt");
    CHECK(double(m.params()) == Approx(210e6).epsilon(0.01));
    CHECK(has_type(m, LayerType::Lstm));
    CHECK(has_type(m, LayerType::Attention));
    CHECK(has_type(m, LayerType::Embedding));
    unsigned lstms = 0;
    for (const auto& l : m.layers) lstms += l.type == LayerType::Lstm;
    CHECK(lstms == 8);  // 4 encoder layers (the first bidirectional) and 4 decoder layers
}
