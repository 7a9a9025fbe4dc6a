#!/usr/bin/env python3
"""The Planaria model zoo: writes scenarios/models/<key>.yaml and checks them.

    python3 scripts/models/zoo.py            # regenerate every file, print the table
    python3 scripts/models/zoo.py --check    # write nothing: re-read the files on
                                             # disk and verify shapes and counts

Each network is built programmatically (functions for the blocks it is made
of) and written in the `planaria-model/1` format of compiler/MODEL_FORMAT.md,
one layer per line in YAML flow style. Keys equal to their default are left
out. The script carries its own shape inference and parameter/MAC counting,
written from MODEL_FORMAT.md alone (it shares no code with the C++ loader),
and its own minimal reader of the lines it writes, so `--check` tells whether
the files on disk are well formed and still give the counts recorded in
EXPECTED below. Standard library only; the output is byte-identical on every
run.
"""

import math
import os
import sys
import textwrap

FORMAT = "planaria-model/1"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(ROOT, "scenarios", "models")

# ---------------------------------------------------------------------------
# The format: keys of every layer type, in the order they are written, with
# their defaults (MODEL_FORMAT.md, "Layer types"). REQUIRED: no default.
# ---------------------------------------------------------------------------

REQUIRED = object()
KERNEL_DEFAULT = object()    # pooling stride: defaults to the kernel
QUERY_DEFAULT = object()     # attention units: default to the query features

POOL_KEYS = [("kernel", REQUIRED), ("stride", KERNEL_DEFAULT), ("padding", 0),
             ("ceil_mode", False)]
SPEC = {
    "conv": [("out_channels", REQUIRED), ("kernel", REQUIRED), ("stride", 1),
             ("padding", 0), ("dilation", 1), ("groups", 1), ("bias", False)],
    "depthwise_conv": [("kernel", REQUIRED), ("stride", 1), ("padding", 0),
                       ("dilation", 1), ("multiplier", 1), ("bias", False)],
    "fc": [("out_features", REQUIRED), ("bias", True), ("per_position", False)],
    "lstm": [("hidden", REQUIRED), ("bidirectional", False), ("bias", True)],
    "attention": [("units", QUERY_DEFAULT)],
    "embedding": [("vocabulary", REQUIRED), ("dim", REQUIRED)],
    "batchnorm": [],
    "relu": [], "relu6": [], "leaky_relu": [], "sigmoid": [], "swish": [],
    "tanh": [], "softmax": [],
    "maxpool": POOL_KEYS, "avgpool": POOL_KEYS,
    "global_avgpool": [],
    "add": [], "mul": [], "concat": [],
    "upsample": [("scale", 2)],
    "flatten": [],
    "detection": [("classes", REQUIRED), ("boxes", REQUIRED)],
}
MULTI_INPUT = {"attention": 2, "add": 2, "mul": 2, "concat": None}  # None: >= 2
COMMON_KEYS = ("name", "type", "input", "inputs")
DOC_KEYS = ("format", "name", "key", "source", "notes", "inputs", "layers")


class ModelError(Exception):
    pass


# ---------------------------------------------------------------------------
# Shape inference and counting (MODEL_FORMAT.md formulas)
# ---------------------------------------------------------------------------

def _pair(v, what):
    if isinstance(v, bool):
        raise ModelError(f"{what}: boolean where a number is expected")
    if isinstance(v, int):
        return v, v
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return v[0], v[1]
    raise ModelError(f"{what}: expected an int or [a, b], got {v!r}")


def _ceil_div(a, b):
    return -(-a // b)


def _conv_dim(size, k, s, p, d, same):
    if same:
        return _ceil_div(size, s)
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _conv_geometry(lay, shape):
    c, h, w = shape
    kh, kw = _pair(lay["kernel"], "kernel")
    sh, sw = _pair(lay["stride"], "stride")
    dh, dw = _pair(lay["dilation"], "dilation")
    pad = lay["padding"]
    same = pad == "same"
    ph, pw = (0, 0) if same else _pair(pad, "padding")
    return kh, kw, _conv_dim(h, kh, sh, ph, dh, same), _conv_dim(w, kw, sw, pw, dw, same)


def _pool_dim(size, k, s, same, ceil_mode):
    if same:
        return _ceil_div(size, s)
    if ceil_mode:
        out = _ceil_div(size - k, s) + 1
        # PyTorch/Caffe drop a last window that would start past the input.
        return out - 1 if (out - 1) * s >= size else out
    return (size - k) // s + 1


def layer_shape_and_counts(lay, ins):
    """Output shape, parameters and MACs of one layer whose inputs have shapes `ins`."""
    t = lay["type"]
    x = ins[0]
    c, h, w = x
    if t == "conv":
        out, g = lay["out_channels"], lay["groups"]
        if c % g or out % g:
            raise ModelError(f"groups {g} does not divide {c} -> {out} channels")
        kh, kw, oh, ow = _conv_geometry(lay, x)
        params = out * (c // g) * kh * kw + (out if lay["bias"] else 0)
        return [out, oh, ow], params, out * oh * ow * (c // g) * kh * kw
    if t == "depthwise_conv":
        m = lay["multiplier"]
        kh, kw, oh, ow = _conv_geometry(lay, x)
        params = c * m * kh * kw + (c * m if lay["bias"] else 0)
        return [c * m, oh, ow], params, c * m * oh * ow * kh * kw
    if t == "fc":
        out = lay["out_features"]
        if lay["per_position"]:
            params = out * c + (out if lay["bias"] else 0)
            return [out, h, w], params, out * c * h * w
        n = c * h * w
        return [out, 1, 1], out * n + (out if lay["bias"] else 0), out * n
    if t == "lstm":
        if h != 1:
            raise ModelError(f"lstm input must be [features, 1, steps], got {x}")
        hid, dirs = lay["hidden"], 2 if lay["bidirectional"] else 1
        gates = 4 * hid * (c + hid)
        params = dirs * (gates + (4 * hid if lay["bias"] else 0))
        return [hid * dirs, 1, w], params, dirs * w * gates
    if t == "attention":
        (cq, hq, tq), (cm, hm, tm) = ins
        if hq != 1 or hm != 1:
            raise ModelError("attention inputs must be sequences [features, 1, steps]")
        u = cq if lay["units"] is QUERY_DEFAULT else lay["units"]
        params = u * (cq + cm) + 2 * u
        macs = tm * cm * u + tq * cq * u + tq * tm * u + tq * tm * cm
        return [cm, 1, tq], params, macs
    if t == "embedding":
        if c != 1 or h != 1:
            raise ModelError(f"embedding input must be tokens [1, 1, steps], got {x}")
        return [lay["dim"], 1, w], lay["vocabulary"] * lay["dim"], 0
    if t == "batchnorm":
        return list(x), 2 * c, 0
    if t in ("relu", "relu6", "leaky_relu", "sigmoid", "swish", "tanh", "softmax"):
        return list(x), 0, 0
    if t in ("maxpool", "avgpool"):
        kh, kw = _pair(lay["kernel"], "kernel")
        stride = lay["kernel"] if lay["stride"] is KERNEL_DEFAULT else lay["stride"]
        sh, sw = _pair(stride, "stride")
        pad = lay["padding"]
        if pad not in (0, "same"):
            raise ModelError(f"pooling padding must be 0 or same, got {pad!r}")
        same = pad == "same"
        return [c, _pool_dim(h, kh, sh, same, lay["ceil_mode"]),
                _pool_dim(w, kw, sw, same, lay["ceil_mode"])], 0, 0
    if t == "global_avgpool":
        return [c, 1, 1], 0, 0
    if t == "add":
        if ins[0] != ins[1]:
            raise ModelError(f"add of different shapes {ins[0]} and {ins[1]}")
        return list(x), 0, 0
    if t == "mul":
        b = ins[1]
        if b != x and b != [c, 1, 1]:
            raise ModelError(f"mul: {b} neither equals nor broadcasts to {x}")
        return list(x), 0, 0
    if t == "concat":
        if any(s[1:] != x[1:] for s in ins):
            raise ModelError(f"concat of different H, W: {ins}")
        return [sum(s[0] for s in ins), h, w], 0, 0
    if t == "upsample":
        s = lay["scale"]
        return [c, h * s, w * s], 0, 0
    if t == "flatten":
        return [c * h * w, 1, 1], 0, 0
    if t == "detection":
        # Not a rule of the format, a check of this zoo: every head feeds its
        # decode boxes * (4 or 5 + classes) channels per position.
        b, k = lay["boxes"], lay["classes"]
        if c % b or c // b - k not in (4, 5):
            raise ModelError(f"detection: {c} channels is not {b} x (4|5 + {k})")
        return list(x), 0, 0
    raise ModelError(f"unknown layer type {t!r}")


def normalise(raw):
    """Checks the keys of a layer and fills in its defaults."""
    if not isinstance(raw, dict):
        raise ModelError(f"a layer must be a mapping, got {raw!r}")
    for k in ("name", "type"):
        if k not in raw:
            raise ModelError(f"layer {raw!r} has no {k}")
    t = raw["type"]
    if t not in SPEC:
        raise ModelError(f"layer {raw['name']}: unknown type {t!r}")
    allowed = dict(SPEC[t])
    lay = {}
    for k, v in raw.items():
        if k not in COMMON_KEYS and k not in allowed:
            raise ModelError(f"layer {raw['name']}: unknown key {k!r} for {t}")
        lay[k] = v
    for k, d in SPEC[t]:
        if k not in lay:
            if d is REQUIRED:
                raise ModelError(f"layer {raw['name']}: {t} needs {k}")
            lay[k] = d
    if "input" in lay and "inputs" in lay:
        raise ModelError(f"layer {raw['name']}: both input and inputs")
    return lay


def analyse(doc):
    """Shapes and counts of a model document: (rows, params, macs, outputs)."""
    for k in doc:
        if k not in DOC_KEYS:
            raise ModelError(f"unknown document key {k!r}")
    for k in ("format", "name", "key", "source", "inputs", "layers"):
        if k not in doc:
            raise ModelError(f"document has no {k}")
    if doc["format"] != FORMAT:
        raise ModelError(f"format is {doc['format']!r}, not {FORMAT}")
    shapes = {}
    for inp in doc["inputs"]:
        if set(inp) != {"name", "shape"}:
            raise ModelError(f"input {inp!r} must have exactly name and shape")
        s = inp["shape"]
        if not (isinstance(s, list) and len(s) == 3 and all(isinstance(v, int) and v > 0 for v in s)):
            raise ModelError(f"input {inp['name']}: shape must be [C, H, W]")
        shapes[inp["name"]] = list(s)
    previous = doc["inputs"][0]["name"]
    used = set()
    rows, total_p, total_m = [], 0, 0
    for raw in doc["layers"]:
        lay = normalise(raw)
        name, t = lay["name"], lay["type"]
        if name in shapes:
            raise ModelError(f"layer name {name!r} is not unique")
        if "inputs" in lay:
            srcs = lay["inputs"]
            if not isinstance(srcs, list):
                raise ModelError(f"layer {name}: inputs must be a list")
        else:
            srcs = [lay.get("input", previous)]
        want = MULTI_INPUT.get(t, 1)
        if (want is None and len(srcs) < 2) or (want is not None and len(srcs) != want):
            raise ModelError(f"layer {name}: {t} takes {want or '2 or more'} inputs, got {len(srcs)}")
        for s in srcs:
            if s not in shapes:
                raise ModelError(f"layer {name}: input {s!r} is not an earlier layer or model input")
            used.add(s)
        try:
            out, p, m = layer_shape_and_counts(lay, [shapes[s] for s in srcs])
        except ModelError as e:
            raise ModelError(f"layer {name}: {e}") from None
        if min(out) < 1:
            raise ModelError(f"layer {name}: empty output {out}")
        shapes[name] = out
        rows.append((name, t, out, p, m))
        total_p += p
        total_m += m
        previous = name
    outputs = [r[0] for r in rows if r[0] not in used]
    return rows, total_p, total_m, outputs


# ---------------------------------------------------------------------------
# Writing: one layer per line in flow style
# ---------------------------------------------------------------------------

def _plain(s):
    ok = s and all(ch.isalnum() or ch in "_-." for ch in s) and s not in (
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~")
    if not ok or s[0] in "-." or s.lstrip("-").isdigit():
        raise ModelError(f"{s!r} is not a safe plain YAML scalar")
    return s


def fmt_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _plain(v)
    if isinstance(v, list):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    raise ModelError(f"cannot write {v!r}")


def fmt_map(d):
    return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in d.items()) + "}"


def _folded(text):
    lines = textwrap.wrap(" ".join(text.split()), width=78, initial_indent="  ",
                          subsequent_indent="  ", break_long_words=False,
                          break_on_hyphens=False)
    return ">-\n" + "\n".join(lines)


class Net:
    """A model under construction: layers in execution order."""

    def __init__(self, key, name, inputs, source, notes, ref):
        self.key, self.name, self.source, self.notes = key, name, source, notes
        self.inputs = [{"name": n, "shape": list(s)} for n, s in inputs]
        self.ref = ref          # published figures, see REFERENCES
        self.items = []         # ("comment", text) or ("layer", dict)
        self.names = {i["name"] for i in self.inputs}
        self.last = self.inputs[0]["name"]

    def comment(self, text):
        self.items.append(("comment", text))

    def layer(self, name, type_, input=None, inputs=None, **kw):
        if name in self.names:
            raise ModelError(f"{self.key}: duplicate layer name {name}")
        d = {"name": name, "type": type_}
        if inputs is not None:
            d["inputs"] = list(inputs)
        else:
            src = self.last if input is None else input
            first = not any(kind == "layer" for kind, _ in self.items)
            if src != self.last or (first and len(self.inputs) > 1):
                d["input"] = src
        for k, default in SPEC[type_]:
            if k not in kw:
                continue
            v = kw.pop(k)
            if default is KERNEL_DEFAULT and v == kw.get("kernel", d.get("kernel")):
                continue
            if default is not REQUIRED and type(v) is type(default) and v == default:
                continue
            d[k] = v
        if kw:
            raise ModelError(f"{self.key}/{name}: unknown keys {sorted(kw)} for {type_}")
        self.items.append(("layer", d))
        self.names.add(name)
        self.last = name
        return name

    # shorthands -----------------------------------------------------------
    def conv(self, name, out, kernel, stride=1, padding=0, **kw):
        return self.layer(name, "conv", out_channels=out, kernel=kernel,
                          stride=stride, padding=padding, **kw)

    def op(self, name, type_, **kw):
        return self.layer(name, type_, **kw)

    def document(self):
        return {"format": FORMAT, "name": self.name, "key": self.key,
                "source": " ".join(self.source.split()),
                "notes": " ".join(self.notes.split()),
                "inputs": self.inputs,
                "layers": [d for kind, d in self.items if kind == "layer"]}

    def text(self):
        out = [f"format: {FORMAT}", f"name: {self.name}", f"key: {self.key}",
               "source: " + _folded(self.source), "notes: " + _folded(self.notes),
               "inputs:"]
        out += ["  - " + fmt_map(i) for i in self.inputs]
        out.append("layers:")
        for kind, d in self.items:
            out.append("  # " + d if kind == "comment" else "  - " + fmt_map(d))
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Reading back: a minimal reader of exactly what Net.text() writes
# ---------------------------------------------------------------------------

def _scalar(tok):
    tok = tok.strip()
    if tok == "true":
        return True
    if tok == "false":
        return False
    if tok.lstrip("-").isdigit():
        return int(tok)
    if not tok:
        raise ModelError("empty scalar")
    return tok


def parse_flow(text):
    pos = 0

    def skip():
        nonlocal pos
        while pos < len(text) and text[pos] == " ":
            pos += 1

    def expect(ch):
        nonlocal pos
        skip()
        if pos >= len(text) or text[pos] != ch:
            raise ModelError(f"expected {ch!r} at column {pos + 1} of {text!r}")
        pos += 1

    def value():
        nonlocal pos
        skip()
        if text.startswith("{", pos):
            return mapping()
        if text.startswith("[", pos):
            return sequence()
        start = pos
        while pos < len(text) and text[pos] not in ",]}":
            pos += 1
        return _scalar(text[start:pos])

    def sequence():
        nonlocal pos
        expect("[")
        items = []
        skip()
        if text.startswith("]", pos):
            pos += 1
            return items
        while True:
            items.append(value())
            skip()
            if text.startswith(",", pos):
                pos += 1
                continue
            expect("]")
            return items

    def mapping():
        nonlocal pos
        expect("{")
        d = {}
        while True:
            skip()
            start = pos
            while pos < len(text) and text[pos] not in ":,{}[]":
                pos += 1
            key = text[start:pos].strip()
            expect(":")
            if not key or key in d:
                raise ModelError(f"bad or repeated key {key!r} in {text!r}")
            d[key] = value()
            skip()
            if text.startswith(",", pos):
                pos += 1
                continue
            expect("}")
            return d

    v = value()
    skip()
    if pos != len(text):
        raise ModelError(f"trailing text in {text!r}")
    return v


def read_model(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    doc, i = {}, 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        if line[0] == " ":
            raise ModelError(f"{path}:{i}: unexpected indentation")
        key, colon, rest = line.partition(":")
        rest = rest.strip()
        if not colon or key in doc:
            raise ModelError(f"{path}:{i}: expected a new 'key: value'")
        if rest in (">-", ">"):
            parts = []
            while i < len(lines) and lines[i].startswith("  "):
                parts.append(lines[i].strip())
                i += 1
            doc[key] = " ".join(parts)
        elif rest == "":
            items = []
            while i < len(lines) and lines[i].startswith("  "):
                item = lines[i].strip()
                i += 1
                if item.startswith("#"):
                    continue
                if not item.startswith("- "):
                    raise ModelError(f"{path}:{i}: expected '- {{...}}'")
                try:
                    items.append(parse_flow(item[2:]))
                except ModelError as e:
                    raise ModelError(f"{path}:{i}: {e}") from None
            doc[key] = items
        else:
            doc[key] = _scalar(rest)
    return doc


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

def conv_bn_act(net, name, out, kernel, stride=1, padding=0, act="relu",
                input=None, act_suffix=None, **kw):
    net.layer(name, "conv", input=input, out_channels=out, kernel=kernel,
              stride=stride, padding=padding, **kw)
    net.op(name + "_bn", "batchnorm")
    if act:
        return net.op(name + (act_suffix or "_" + act), act)
    return net.last


def letters(i):
    return "abcdefghijklmnopqrstuvwxyz"[i]


# --- ResNet ------------------------------------------------------------------

def resnet_bottleneck(net, prefix, width, stride, project):
    """torchvision Bottleneck (v1.5: the stride sits on the 3x3 conv)."""
    x = net.last
    conv_bn_act(net, prefix + "_branch2a", width, 1)
    conv_bn_act(net, prefix + "_branch2b", width, 3, stride, 1)
    main = conv_bn_act(net, prefix + "_branch2c", width * 4, 1, act=None)
    short = x
    if project:
        short = conv_bn_act(net, prefix + "_branch1", width * 4, 1, stride,
                            input=x, act=None)
    net.op(prefix, "add", inputs=[main, short])
    return net.op(prefix + "_relu", "relu")


def resnet_basic(net, prefix, width, stride, project):
    """torchvision BasicBlock: two 3x3 convs (names as torchvision's modules)."""
    x = net.last
    net.conv(prefix + "_conv1", width, 3, stride, 1)
    net.op(prefix + "_bn1", "batchnorm")
    net.op(prefix + "_relu1", "relu")
    net.conv(prefix + "_conv2", width, 3, 1, 1)
    main = net.op(prefix + "_bn2", "batchnorm")
    short = x
    if project:
        short = conv_bn_act(net, prefix + "_downsample", width, 1, stride,
                            input=x, act=None)
    net.op(prefix + "_add", "add", inputs=[main, short])
    return net.op(prefix + "_relu", "relu")


def resnet_stem(net):
    conv_bn_act(net, "conv1", 64, 7, 2, 3)
    return net.op("pool1", "maxpool", kernel=3, stride=2, padding="same")


def resnet50():
    net = Net("resnet50", "ResNet-50 v1.5", [("image", (3, 224, 224))],
              source="He et al., Deep Residual Learning for Image Recognition, "
              "CVPR 2016 (50-layer column of Table 1); layer-for-layer the "
              "torchvision resnet50 (v1.5, the stride of a downsampling "
              "bottleneck on its 3x3 conv, as in MLPerf Inference). Reference "
              "figures: torchvision model card, 25,557,032 parameters and 4.09 "
              "GFLOPS (counted as multiply-accumulates) at 224x224.",
              notes="Batch normalisation after every conv (2 parameters per "
              "channel: scale and shift; running statistics are not parameters). "
              "Projection shortcuts (branch1: 1x1 conv + batchnorm, stride 2 "
              "except in res2a) only in the first block of each stage; identity "
              "shortcuts elsewhere. The stem max-pool is written with padding "
              "same: the format's pooling takes only 0 or same, and for 3x3/2 "
              "on 112x112 both give 56x56 (torchvision pads 1 on each side, same "
              "pads 0 before and 1 after; shape and cost are identical). A "
              "softmax closes the graph as in the inference graph of MLPerf; it "
              "is free in the count. Layer names follow the Caffe release "
              "(res2a_branch2a...).",
              ref=REFERENCES["resnet50"])
    resnet_stem(net)
    for stage, width, blocks in ((2, 64, 3), (3, 128, 4), (4, 256, 6), (5, 512, 3)):
        net.comment(f"conv{stage}_x: {blocks} bottlenecks of width {width}")
        for b in range(blocks):
            stride = 2 if b == 0 and stage > 2 else 1
            resnet_bottleneck(net, f"res{stage}{letters(b)}", width, stride, b == 0)
    net.comment("classifier")
    net.op("pool5", "global_avgpool")
    net.layer("fc1000", "fc", out_features=1000)
    net.op("prob", "softmax")
    return net


# --- GoogLeNet ---------------------------------------------------------------

def inception(net, n, c1, c3r, c3, c5r, c5, pp):
    x = net.last
    a = conv_relu(net, f"{n}_1x1", c1, 1, input=x)
    conv_relu(net, f"{n}_3x3_reduce", c3r, 1, input=x)
    b = conv_relu(net, f"{n}_3x3", c3, 3, padding=1)
    conv_relu(net, f"{n}_5x5_reduce", c5r, 1, input=x)
    c = conv_relu(net, f"{n}_5x5", c5, 5, padding=2)
    net.layer(f"{n}_pool", "maxpool", input=x, kernel=3, stride=1, padding="same")
    d = conv_relu(net, f"{n}_pool_proj", pp, 1)
    return net.op(f"{n}_output", "concat", inputs=[a, b, c, d])


def conv_relu(net, name, out, kernel, stride=1, padding=0, input=None):
    """Caffe conv with bias followed by its ReLU (named as in bvlc_googlenet)."""
    net.layer(name, "conv", input=input, out_channels=out, kernel=kernel,
              stride=stride, padding=padding, bias=True)
    return net.op(name + "_relu", "relu")


def googlenet():
    net = Net("googlenet", "GoogLeNet (Inception v1)", [("image", (3, 224, 224))],
              source="Szegedy et al., Going Deeper with Convolutions, CVPR 2015 "
              "(arXiv 1409.4842, 2014), Table 1; layer names and pooling rules "
              "of the Caffe bvlc_googlenet release. Reference figures: the "
              "paper's Table 1, about 6.8 M parameters and about 1.5 G "
              "multiply-adds.",
              notes="Inference graph: the two auxiliary classifiers (used only "
              "in training) and dropout are left out. Convolutions have biases "
              "and no batch normalisation, as in the paper. The two local "
              "response normalisation layers (after pool1 and after conv2_3x3) "
              "have no layer type in planaria-model/1 and are omitted; they hold "
              "no parameters and no MACs. Caffe pools round up, hence ceil_mode "
              "true on the stride-2 max-pools; the 3x3 stride-1 pool of each "
              "inception branch (pad 1 in Caffe) is written padding same. "
              "pool5 is Caffe's 7x7 stride-1 average pool (global at 224x224). "
              "Our exact count is higher than the paper's rounded table: the "
              "table leaves out biases and gives conv1 2.7 K parameters where "
              "7x7x3x64 is 9.4 K, and its operation column rounds each row.",
              ref=REFERENCES["googlenet"])
    conv_relu(net, "conv1_7x7_s2", 64, 7, 2, 3)
    net.op("pool1_3x3_s2", "maxpool", kernel=3, stride=2, ceil_mode=True)
    net.comment("pool1/norm1 (LRN) omitted: no layer type")
    conv_relu(net, "conv2_3x3_reduce", 64, 1)
    conv_relu(net, "conv2_3x3", 192, 3, padding=1)
    net.comment("conv2/norm2 (LRN) omitted: no layer type")
    net.op("pool2_3x3_s2", "maxpool", kernel=3, stride=2, ceil_mode=True)
    table = {
        "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
        "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
        "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
        "4e": (256, 160, 320, 32, 128, 128), "5a": (256, 160, 320, 32, 128, 128),
        "5b": (384, 192, 384, 48, 128, 128),
    }
    for m, cfg in table.items():
        if m in ("4a", "5a"):
            net.op(f"pool{int(m[0]) - 1}_3x3_s2", "maxpool", kernel=3, stride=2, ceil_mode=True)
        net.comment(f"inception ({m})")
        inception(net, f"inception_{m}", *cfg)
    net.comment("classifier")
    net.op("pool5_7x7_s1", "avgpool", kernel=7, stride=1)
    net.layer("loss3_classifier", "fc", out_features=1000)
    net.op("prob", "softmax")
    return net


# --- MobileNet v1 ------------------------------------------------------------

MOBILENET_V1 = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
                (1024, 1)]


def mobilenet_v1_body(net):
    """Conv 3x3/2 then 13 depthwise-separable blocks, batchnorm + relu6, SAME."""
    conv_bn_act(net, "conv1", 32, 3, 2, "same", act="relu6")
    for i, (c, s) in enumerate(MOBILENET_V1, 1):
        net.layer(f"conv_dw_{i}", "depthwise_conv", kernel=3, stride=s, padding="same")
        net.op(f"conv_dw_{i}_bn", "batchnorm")
        net.op(f"conv_dw_{i}_relu6", "relu6")
        conv_bn_act(net, f"conv_pw_{i}", c, 1, act="relu6")
    return net.last


def mobilenet_v1():
    net = Net("mobilenet_v1", "MobileNet-v1 1.0 224", [("image", (3, 224, 224))],
              source="Howard et al., MobileNets: Efficient Convolutional Neural "
              "Networks for Mobile Vision Applications, arXiv 1704.04861, 2017, "
              "Table 1 (body) and Tables 4/8 (1.0 MobileNet-224: 4.2 M "
              "parameters, 569 M mult-adds). Layer names as in Keras "
              "applications MobileNet.",
              notes="Width multiplier 1.0, resolution 224. Every conv and "
              "depthwise conv is followed by batchnorm and relu6 (TensorFlow "
              "slim); convs have no bias. TensorFlow SAME padding throughout. "
              "1000 classes as in the paper (the TF-slim checkpoint used by "
              "MLPerf has 1001 outputs: 1,025 more parameters and MACs). The "
              "classifier is the Keras/slim 1x1 conv with bias on the pooled "
              "features (equivalent to fc 1000); dropout is left out "
              "(inference); softmax at the end.",
              ref=REFERENCES["mobilenet_v1"])
    mobilenet_v1_body(net)
    net.comment("classifier")
    net.op("global_pool", "global_avgpool")
    net.conv("conv_preds", 1000, 1, bias=True)
    net.op("predictions", "softmax")
    return net


# --- EfficientNet-B0 -----------------------------------------------------------

EFFICIENTNET_B0 = [  # expansion, kernel, stride, out channels, repeats
    (1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]


def mbconv(net, p, cin, cout, expand, kernel, stride, se_ratio=0.25):
    """MBConv: expansion 1x1, depthwise kxk, squeeze-and-excitation, projection."""
    x = net.last
    cexp = cin * expand
    if expand != 1:
        conv_bn_act(net, p + "_expand", cexp, 1, act="swish")
    net.layer(p + "_dw", "depthwise_conv", kernel=kernel, stride=stride, padding="same")
    net.op(p + "_dw_bn", "batchnorm")
    feat = net.op(p + "_dw_swish", "swish")
    net.op(p + "_se_squeeze", "global_avgpool")
    net.conv(p + "_se_reduce", max(1, int(cin * se_ratio)), 1, bias=True)
    net.op(p + "_se_swish", "swish")
    net.conv(p + "_se_expand", cexp, 1, bias=True)
    gate = net.op(p + "_se_sigmoid", "sigmoid")
    net.op(p + "_se_excite", "mul", inputs=[feat, gate])
    net.conv(p + "_project", cout, 1)
    out = net.op(p + "_project_bn", "batchnorm")
    if stride == 1 and cin == cout:
        out = net.op(p + "_add", "add", inputs=[out, x])
    return out


def efficientnet_b0():
    net = Net("efficientnet_b0", "EfficientNet-B0", [("image", (3, 224, 224))],
              source="Tan and Le, EfficientNet: Rethinking Model Scaling for "
              "Convolutional Neural Networks, ICML 2019, Table 1 (B0 network) "
              "and Table 2 (B0: 5.3 M parameters, 0.39 B FLOPS, i.e. "
              "multiply-adds); block details (SE ratio 0.25 of the block input "
              "channels, swish) from the reference TensorFlow implementation and "
              "Keras applications EfficientNetB0 (5,288,548 trainable "
              "parameters).",
              notes="Stem conv 3x3/2 32, seven stages of MBConv blocks "
              "(expansion 1 or 6, depthwise 3x3 or 5x5), head conv 1x1 1280, "
              "global average pool, fc 1000, softmax. Each block: 1x1 expansion "
              "conv + batchnorm + swish (absent when expansion is 1), depthwise "
              "conv + batchnorm + swish, squeeze-and-excitation (global_avgpool, "
              "1x1 conv with bias to max(1, input channels / 4), swish, 1x1 conv "
              "with bias back to the expanded width, sigmoid, mul broadcast over "
              "the depthwise output), 1x1 projection conv + batchnorm (no "
              "activation), residual add when the stride is 1 and input and "
              "output channels match. TensorFlow SAME padding. Dropout and drop "
              "connect are training-only and left out. Names: "
              "mbconv<expansion>_<stage><block>_..., where stage 1 to 7 counts the "
              "MBConv stages (stages 2 to 8 of Table 1), as Keras block1a to "
              "block7a.",
              ref=REFERENCES["efficientnet_b0"])
    conv_bn_act(net, "stem_conv", 32, 3, 2, "same", act="swish")
    cin = 32
    for stage, (e, k, s, cout, n) in enumerate(EFFICIENTNET_B0, 1):
        net.comment(f"stage {stage}: {n} x MBConv{e} {k}x{k}, {cout} channels")
        for b in range(n):
            mbconv(net, f"mbconv{e}_{stage}{letters(b)}", cin, cout, e, k, s if b == 0 else 1)
            cin = cout
    net.comment("head")
    conv_bn_act(net, "head_conv", 1280, 1, act="swish")
    net.op("avg_pool", "global_avgpool")
    net.layer("predictions", "fc", out_features=1000)
    net.op("softmax", "softmax")
    return net


# --- SSD -----------------------------------------------------------------------

def ssd_heads(net, maps, boxes, classes, kernel, stride, padding, box_name, cls_name):
    """Per feature map: box conv, class conv, concat, decode."""
    for i, (src, nb) in enumerate(zip(maps, boxes)):
        b = net.conv(box_name.format(i), nb * 4, kernel, stride, padding, bias=True, input=src)
        c = net.conv(cls_name.format(i), nb * classes, kernel, stride, padding, bias=True, input=src)
        net.op(f"head{i}_concat", "concat", inputs=[b, c])
        net.layer(f"head{i}_detection", "detection", classes=classes, boxes=nb)


def ssd_mobilenet_v1():
    net = Net("ssd_mobilenet_v1", "SSD-MobileNet-v1 300 (COCO)", [("image", (3, 300, 300))],
              source="Liu et al., SSD: Single Shot MultiBox Detector, ECCV 2016, "
              "with the MobileNet-v1 feature extractor of the TensorFlow Object "
              "Detection API (ssd_mobilenet_v1_coco config, checkpoint "
              "ssd_mobilenet_v1_coco_2018_01_28) used by MLPerf Inference v0.5. "
              "Reference figures: MLPerf Inference v0.5 (Reddi et al., ISCA "
              "2020, Table I), 6.91 M parameters and 2.47 G operations per "
              "image, i.e. about 1.23 G multiply-accumulates.",
              notes="300x300 input, 91 classes including background (90 COCO "
              "ids + 1). MobileNet-v1 1.0 body up to conv_pw_13 (batchnorm + "
              "relu6, SAME padding), no classifier. Six feature maps: "
              "conv_pw_11 (512 channels, 19x19), conv_pw_13 (1024, 10x10) and "
              "four extra stages, each a 1x1 conv (256, 128, 128, 64) and a 3x3 "
              "stride-2 conv (512, 256, 256, 128; 5x5, 3x3, 2x2, 1x1), all with "
              "batchnorm + relu6 and no bias, as the API builds them. Anchors: "
              "3 per position on the first map (reduce_boxes_in_lowest_layer), "
              "6 on the others (1917 in all). Box and class predictors are 1x1 "
              "convs with bias and no batchnorm (convolutional box predictor, "
              "kernel_size 1). Each map's box (boxes x 4) and class (boxes x 91) "
              "outputs are concatenated and fed to a detection layer, which "
              "stands for the box decode and the sigmoid score conversion; "
              "non-maximum suppression is outside the model. Our parameter "
              "count is within a few per cent of MLPerf's 6.91 M, whose exact "
              "counting rule (e.g. batchnorm moving statistics) is not stated.",
              ref=REFERENCES["ssd_mobilenet_v1"])
    mobilenet_v1_body(net)
    maps = ["conv_pw_11_relu6", "conv_pw_13_relu6"]
    net.comment("extra feature layers")
    for i, d1, d3 in ((2, 256, 512), (3, 128, 256), (4, 128, 256), (5, 64, 128)):
        conv_bn_act(net, f"extra{i}_1x1_{d1}", d1, 1, act="relu6")
        maps.append(conv_bn_act(net, f"extra{i}_3x3_s2_{d3}", d3, 3, 2, "same", act="relu6"))
    net.comment("box predictors and decode, one per feature map")
    ssd_heads(net, maps, [3, 6, 6, 6, 6, 6], 91, 1, 1, 0,
              "box_predictor{}_box", "box_predictor{}_class")
    return net


SSD_R34_BACKBONE_NOTES = (
    "Backbone: torchvision ResNet-34 up to and including layer3 "
    "(conv4_x); layer4, the pooling and the classifier are dropped, "
    "and layer3's first block has its stride changed to 1 (its 3x3 "
    "conv and its 1x1 downsample), so conv4_x keeps the resolution of "
    "conv3_x. Backbone convs have no bias and are followed by "
    "batchnorm; the stem max-pool is written padding same (3x3/2; "
    "same shape as PyTorch's pad 1). ")


SSD_R34_DECODE_NOTES = (
    "Box and class outputs of a map are concatenated and decoded by a "
    "detection layer (softmax scores and box decode; NMS is outside the "
    "model).")
# The first three extra stages (1x1 channels, 3x3 channels, stride, padding);
# the last two differ between the 300 and the 1200 layouts.
SSD_R34_EXTRAS = [(256, 512, 2, 1), (256, 512, 2, 1), (128, 256, 2, 1)]


def ssd_resnet34_net(net, extras, head_stride):
    """The SSD-ResNet34 graph shared by the 300 and the 1200 variants:
    backbone, extra stages (1x1 conv + ReLU, 3x3 conv + ReLU, with bias) and
    the loc/conf heads (3x3, padding 1, stride `head_stride`)."""
    net.comment("ResNet-34 backbone through conv4_x (layer3 at stride 1)")
    resnet_stem(net)
    for stage, width, blocks, stride in ((1, 64, 3, 1), (2, 128, 4, 2), (3, 256, 6, 1)):
        net.comment(f"layer{stage}: {blocks} basic blocks of width {width}")
        for b in range(blocks):
            resnet_basic(net, f"layer{stage}_{b}", width, stride if b == 0 else 1,
                         b == 0 and stage > 1)
    maps = [net.last]
    net.comment("extra feature layers (conv with bias + ReLU)")
    for i, (c1, c3, s, p) in enumerate(extras, 1):
        net.conv(f"extra{i}_1x1", c1, 1, bias=True)
        net.op(f"extra{i}_1x1_relu", "relu")
        net.conv(f"extra{i}_3x3", c3, 3, s, p, bias=True)
        maps.append(net.op(f"extra{i}_3x3_relu", "relu"))
    net.comment(f"loc and conf heads (3x3, stride {head_stride}) and decode, one per feature map")
    ssd_heads(net, maps, [4, 6, 6, 6, 4, 4], 81, 3, head_stride, 1, "loc{}", "conf{}")
    return net


def ssd_resnet34():
    net = Net("ssd_resnet34", "SSD-ResNet34 300", [("image", (3, 300, 300))],
              source="Liu et al., SSD: Single Shot MultiBox Detector, ECCV 2016 "
              "(the SSD300 input size), with the ResNet-34 feature extractor of "
              "the MLPerf single-stage detector (reference ssd300.py of MLPerf "
              "Training v0.5; the same graph as the MLPerf Inference v0.5 "
              "ssd_r34.py at 300x300), after He et al., ResNet, CVPR 2016. "
              "Planaria's Table I cites the original SSD, whose input is "
              "300x300; this is the project's default (paper set). No figures "
              "are published for this size; the 1200x1200 MLPerf Inference "
              "variant is ssd_resnet34_1200.",
              notes=SSD_R34_BACKBONE_NOTES +
              "Extra layers: five stages of a 1x1 conv (256, 256, 128, 128, "
              "128) and a 3x3 conv (512 s2 p1, 512 s2 p1, 256 s2 p1, 256 s1 "
              "p0, 256 s1 p0), all with bias and ReLU, no batchnorm. Heads: on "
              "each of the six maps (38, 19, 10, 5, 3, 1) a 3x3 box conv (4 x "
              "boxes) and a 3x3 class conv (81 x boxes), padding 1, stride 1, "
              "with bias; 4, 6, 6, 6, 4, 4 default boxes per position (8,732 "
              "boxes, as SSD300). " + SSD_R34_DECODE_NOTES,
              ref=REFERENCES["ssd_resnet34"])
    return ssd_resnet34_net(net, SSD_R34_EXTRAS + [(128, 256, 1, 0), (128, 256, 1, 0)], 1)


def ssd_resnet34_1200():
    net = Net("ssd_resnet34_1200", "SSD-ResNet34 1200 (MLPerf)", [("image", (3, 1200, 1200))],
              source="MLPerf Inference v0.5 object detection (heavy): the "
              "reference model ssd_r34.py (SSD_R34, strides [3, 3, 2, 2, 2, 2], "
              "label_num 81), after Liu et al., SSD, ECCV 2016, and He et al., "
              "ResNet, CVPR 2016. Reference figures: MLPerf Inference v0.5 "
              "(Reddi et al., ISCA 2020, Table I), 36.3 M parameters and 433 G "
              "operations per 1200x1200 image, i.e. about 216 G "
              "multiply-accumulates. The sensitivity study's model (scenarios "
              "workload-a-mlperf and workload-c-mlperf); the paper set uses "
              "ssd_resnet34 at 300x300.",
              notes=SSD_R34_BACKBONE_NOTES +
              "Extra layers: five stages of a "
              "1x1 conv (256, 256, 128, 128, 128) and a 3x3 conv (512 s2 p1, "
              "512 s2 p1, 256 s2 p1, 256 s2 p0, 256 s1 p0), all with bias and "
              "ReLU, no batchnorm. Heads: on each of the six maps a 3x3 box "
              "conv (4 x boxes) and a 3x3 class conv (81 x boxes), both padding "
              "1 and stride 3 as in the reference (strides[0:2]), with bias; 4, "
              "6, 6, 6, 4, 4 default boxes per position. At 1200x1200 the maps "
              "are 150, 75, 38, 19, 9, 7 and the heads 50, 25, 13, 7, 3, 3 "
              "(15,130 boxes). " + SSD_R34_DECODE_NOTES + " Nothing but inputs depends on the "
              "resolution: the loader may override the input shape (the "
              "unpadded extra convs need at least 385x385). Our MACs agree with "
              "MLPerf's 433 G operations to 0.1 %, but our parameter count is "
              "about 20.0 M against MLPerf's 36.3 M, a gap we could not "
              "reconcile from the reference code; the torchvision ResNet-34 "
              "weights the reference loads still hold layer4 and fc (13.6 M), "
              "which this inference graph does not use and we do not count.",
              ref=REFERENCES["ssd_resnet34_1200"])
    return ssd_resnet34_net(net, SSD_R34_EXTRAS + [(128, 256, 2, 0), (128, 256, 1, 0)], 3)


# --- YOLO ------------------------------------------------------------------------

def darknet_conv(net, name, filters, size, stride=1, input=None):
    """darknet [convolutional] with batch_normalize=1, pad=1, activation=leaky."""
    return conv_bn_act(net, name, filters, size, stride, size // 2,
                       act="leaky_relu", act_suffix="_leaky", input=input)


def yolo_output(net, prefix, boxes, classes):
    net.conv(prefix + "_out", boxes * (5 + classes), 1, bias=True)
    return net.layer(prefix + "_yolo", "detection", classes=classes, boxes=boxes)


def yolov3():
    net = Net("yolov3", "YOLOv3 416 (COCO)", [("image", (3, 416, 416))],
              source="Redmon and Farhadi, YOLOv3: An Incremental Improvement, "
              "arXiv 1804.02767, 2018; layer for layer darknet's cfg/yolov3.cfg "
              "at width = height = 416. Reference figures: darknet prints 65.879 "
              "BFLOPs for this cfg (2 FLOPs per multiply-accumulate, so 32.94 G "
              "MACs); about 62 M parameters (61,949,149 in the common PyTorch "
              "ports, which count batchnorm as scale and shift).",
              notes="80 COCO classes, 3 anchors per scale: output convs of "
              "3 x (5 + 80) = 255 channels. Darknet-53 body: every "
              "[convolutional] is a conv without bias (pad = size/2) + batchnorm "
              "+ leaky_relu (slope 0.1), [shortcut] is add, the five "
              "stride-2 3x3 convs downsample. Three heads at strides 32, 16 and "
              "8; [route] of a single layer is written as input: on the next "
              "layer, [route] of two layers is concat (upsampled layer first, "
              "as in the cfg), [upsample] is upsample by 2 (nearest). The 1x1 "
              "output convs are linear with bias; each [yolo] layer is a "
              "detection layer (box decode, no NMS). Names: down<stage> for the "
              "stride-2 convs, res<stage>_<block> for the residual blocks, "
              "head<scale>_... for the detection heads; darknet layer indices "
              "36, 61, 79 and 91 are res3_8_add, res4_8_add, head1_conv5 and "
              "head2_conv5.",
              ref=REFERENCES["yolov3"])
    darknet_conv(net, "conv1", 32, 3)
    taps = {}
    for stage, (c, n) in enumerate(((64, 1), (128, 2), (256, 8), (512, 8), (1024, 4)), 1):
        net.comment(f"Darknet-53 stage {stage}: {n} residual blocks of {c} channels")
        darknet_conv(net, f"down{stage}", c, 3, 2)
        for b in range(1, n + 1):
            x = net.last
            darknet_conv(net, f"res{stage}_{b}_1x1", c // 2, 1)
            y = darknet_conv(net, f"res{stage}_{b}_3x3", c, 3)
            taps[stage] = net.op(f"res{stage}_{b}_add", "add", inputs=[y, x])
    route = None
    for head, width in ((1, 512), (2, 256), (3, 128)):
        net.comment(f"detection head {head} (stride {64 >> head})")
        if head > 1:
            darknet_conv(net, f"head{head}_reduce", width, 1, input=route)
            up = net.op(f"head{head}_upsample", "upsample")
            net.op(f"head{head}_route", "concat", inputs=[up, taps[6 - head]])
        for i in range(1, 7):
            darknet_conv(net, f"head{head}_conv{i}", width * (2 if i % 2 == 0 else 1),
                         3 if i % 2 == 0 else 1)
            if i == 5:
                route = net.last
        yolo_output(net, f"head{head}", 3, 80)
    return net


def tiny_yolo():
    net = Net("tiny_yolo", "Tiny YOLOv2 416 (VOC)", [("image", (3, 416, 416))],
              source="Redmon and Farhadi, YOLO9000: Better, Faster, Stronger, "
              "CVPR 2017; layer for layer darknet's cfg/yolov2-tiny-voc.cfg "
              "(Tiny YOLO, VOC 2007+2012) at 416x416. Reference figure: the "
              "darknet YOLO page lists 6.97 Bn FLOPS for Tiny YOLO VOC, i.e. "
              "about 3.49 G multiply-accumulates; no parameter figure is "
              "published.",
              notes="The VOC variant is chosen (20 classes, 5 anchors per "
              "position: final conv 5 x (5 + 20) = 125 channels, two 1024-wide "
              "3x3 convs at the end), not the COCO yolov2-tiny.cfg. Every "
              "[convolutional] but the last is a 3x3 conv without bias + "
              "batchnorm + leaky_relu (slope 0.1). Max-pools are 2x2 stride 2, "
              "except the sixth: 2x2 stride 1, which darknet pads by one so "
              "that 13x13 stays 13x13, written padding same. The last conv is "
              "1x1, linear, with bias; the [region] layer is a detection layer "
              "(box decode, no NMS).",
              ref=REFERENCES["tiny_yolo"])
    for i, c in enumerate((16, 32, 64, 128, 256, 512), 1):
        darknet_conv(net, f"conv{i}", c, 3)
        if i < 6:
            net.op(f"pool{i}", "maxpool", kernel=2)
        else:
            net.op(f"pool{i}", "maxpool", kernel=2, stride=1, padding="same")
    darknet_conv(net, "conv7", 1024, 3)
    darknet_conv(net, "conv8", 1024, 3)
    net.conv("conv9", 125, 1, bias=True)
    net.layer("region", "detection", classes=20, boxes=5)
    return net


# --- GNMT ------------------------------------------------------------------------

GNMT_VOCAB = 36548
GNMT_HIDDEN = 1024
GNMT_STEPS = 25


def gnmt():
    h, v, t = GNMT_HIDDEN, GNMT_VOCAB, GNMT_STEPS
    net = Net("gnmt", "GNMT (MLPerf Inference v0.5, en-de)",
              [("source", (1, 1, t)), ("target", (1, 1, t))],
              source="Wu et al., Google's Neural Machine Translation System, "
              "arXiv 1609.08144, 2016, in the GNMT v2 form of the TensorFlow "
              "NMT tutorial (Luong et al., gnmt_model.py, "
              "wmt16_gnmt_4_layer hparams) used as the MLPerf Inference v0.5 "
              "translation model (WMT16 English-German). Reference figure: "
              "MLPerf Inference v0.5 (Reddi et al., ISCA 2020, Table I), 210 M "
              "parameters; no MAC figure is published (it depends on the "
              "sentence lengths).",
              notes=f"Hidden size {h}. Vocabulary: the shared WMT16 en-de BPE "
              f"vocabulary vocab.bpe.32000, {v} entries with <unk>, <s> and "
              "</s>; source and target use the same vocabulary but separate "
              "embedding tables (share_vocab false in the MLPerf hparams), and "
              "the output projection is a third matrix, without bias. Sequence "
              f"lengths: {t} source and {t} target tokens (the inputs are token "
              f"sequences [1, 1, {t}]; change them there). Encoder: layer 1 "
              "bidirectional LSTM (2 x 1024, outputs concatenated), layers 2 to "
              "4 unidirectional; residual adds on layers 3 and 4. Decoder, "
              "unrolled teacher-forcing style: each layer runs once over the "
              "target steps. Normalised Bahdanau attention with 1024 units, "
              "queried by decoder layer 1's output (GNMT v2, new attention) over "
              "the encoder output; its context is concatenated to the input of "
              "every decoder layer, so each decoder LSTM sees 2048 features; "
              "residual adds on decoder layers 3 and 4 (the residual is the "
              "previous layer's output, the first 1024 features of the input). "
              "Per step, the projection to the vocabulary is an fc with "
              "per_position true, then softmax. Deviation: decoder layer 1's "
              "input at step t is [embedding, context of step t-1] (input "
              "feeding); that recurrence through the attention cannot be "
              "written in a one-pass graph, so dec1_input concatenates the "
              "target embedding with itself as a stand-in for the previous "
              "context: shapes, parameters and MACs are exact, the data "
              "dependence is approximate. Beam search (width 10 in MLPerf) "
              "multiplies decoder work per sentence and is not modelled: batch "
              "1, one hypothesis. LSTM biases are one vector of 4 x hidden per "
              "direction (TensorFlow).",
              ref=REFERENCES["gnmt"])
    net.comment("encoder")
    net.layer("enc_embedding", "embedding", input="source", vocabulary=v, dim=h)
    net.layer("enc1_bilstm", "lstm", hidden=h, bidirectional=True)
    net.layer("enc2_lstm", "lstm", hidden=h)
    prev = net.last
    for i in (3, 4):
        y = net.layer(f"enc{i}_lstm", "lstm", input=prev, hidden=h)
        prev = net.op(f"enc{i}_residual", "add", inputs=[y, prev])
    memory = prev
    net.comment("decoder with attention")
    emb = net.layer("dec_embedding", "embedding", input="target", vocabulary=v, dim=h)
    net.op("dec1_input", "concat", inputs=[emb, emb])
    net.layer("dec1_lstm", "lstm", hidden=h)
    ctx = net.op("attention", "attention", inputs=["dec1_lstm", memory])
    prev = "dec1_lstm"
    for i in (2, 3, 4):
        net.op(f"dec{i}_input", "concat", inputs=[prev, ctx])
        y = net.layer(f"dec{i}_lstm", "lstm", hidden=h)
        prev = net.op(f"dec{i}_residual", "add", inputs=[y, prev]) if i >= 3 else y
    net.comment("output projection per step")
    net.layer("projection", "fc", input=prev, out_features=v, bias=False, per_position=True)
    net.op("softmax", "softmax")
    return net


# ---------------------------------------------------------------------------
# Published figures and the counts this zoo gives
# ---------------------------------------------------------------------------

REFERENCES = {  # key: (parameters, MACs, where they come from); None: none published
    "resnet50": (25_557_032, 4.09e9, "torchvision model card"),
    "googlenet": (6.8e6, 1.5e9, "Szegedy et al. 2014, Table 1"),
    "mobilenet_v1": (4.2e6, 569e6, "Howard et al. 2017, Table 8"),
    "efficientnet_b0": (5.3e6, 0.39e9, "Tan and Le 2019, Table 2"),
    "ssd_mobilenet_v1": (6.91e6, 2.47e9 / 2, "MLPerf Inference v0.5, Table I"),
    "ssd_resnet34": (None, None, "none published at 300x300"),
    "ssd_resnet34_1200": (36.3e6, 433e9 / 2, "MLPerf Inference v0.5, Table I"),
    "yolov3": (62e6, 65.879e9 / 2, "darknet yolov3.cfg (BFLOPs / 2)"),
    "tiny_yolo": (None, 6.97e9 / 2, "darknet YOLO page (Bn FLOPS / 2)"),
    "gnmt": (210e6, None, "MLPerf Inference v0.5, Table I"),
}

MODELS = [resnet50, googlenet, mobilenet_v1, efficientnet_b0, ssd_mobilenet_v1,
          ssd_resnet34, ssd_resnet34_1200, yolov3, tiny_yolo, gnmt]

# The counts of the files as written (parameters, MACs); --check holds the
# files on disk to them.
EXPECTED = {
    "resnet50": (25_557_032, 4_089_184_256),
    "googlenet": (6_998_552, 1_582_671_872),
    "mobilenet_v1": (4_231_976, 568_740_352),
    "efficientnet_b0": (5_288_548, 385_814_752),
    "ssd_mobilenet_v1": (6_819_839, 1_237_129_408),
    "ssd_resnet34": (19_972_534, 15_862_078_720),
    "ssd_resnet34_1200": (19_972_534, 216_415_931_904),
    "yolov3": (61_949_149, 32_932_037_632),
    "tiny_yolo": (15_861_773, 3_485_520_896),
    "gnmt": (210_880_512, 3_401_062_400),
}


def _rel(ours, ref):
    return "-" if ref is None else f"{(ours - ref) / ref:+.1%}"


def _fmt_ref(x):
    if x is None:
        return "-"
    if x % 1000:                    # an exact figure
        return f"{x:,.0f}"
    return f"{x / 1e6:,.2f} M" if x < 1e9 else f"{x / 1e9:,.2f} G"


def table(results):
    head = f"{'model':<17} {'parameters':>13} {'MACs':>17}  {'published params':>16} {'diff':>7}  {'published MACs':>14} {'diff':>7}  source"
    lines = [head, "-" * len(head)]
    for key, p, m in results:
        rp, rm, src = REFERENCES[key]
        lines.append(f"{key:<17} {p:>13,} {m:>17,}  {_fmt_ref(rp):>16} {_rel(p, rp):>7}  "
                     f"{_fmt_ref(rm):>14} {_rel(m, rm):>7}  {src}")
    return "\n".join(lines)


def main(argv):
    check = "--check" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--check"]
    if unknown:
        print(__doc__)
        return 2
    failures, results = [], []
    if not check:
        os.makedirs(OUT_DIR, exist_ok=True)
    for build in MODELS:
        net = build()
        path = os.path.join(OUT_DIR, net.key + ".yaml")
        text = net.text()
        try:
            _, p_built, m_built, _ = analyse(net.document())
            if not check:
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
            elif not os.path.exists(path):
                raise ModelError("missing; run zoo.py without --check")
            doc = read_model(path)
            _, p, m, outputs = analyse(doc)
            if doc != net.document():
                raise ModelError("file differs from what zoo.py builds (stale?)")
            if (p, m) != (p_built, m_built):
                raise ModelError(f"file gives {p:,}/{m:,}, builder {p_built:,}/{m_built:,}")
            if net.key in EXPECTED and EXPECTED[net.key] != (p, m):
                raise ModelError(f"counts {p:,} parameters / {m:,} MACs, expected "
                                 f"{EXPECTED[net.key][0]:,} / {EXPECTED[net.key][1]:,}")
            if net.key not in EXPECTED:
                raise ModelError(f"no EXPECTED entry; counts are ({p}, {m})")
            results.append((net.key, p, m))
        except ModelError as e:
            failures.append(f"{os.path.relpath(path, ROOT)}: {e}")
    print(table(results))
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    if not failures:
        print(f"\n{len(results)} models {'checked' if check else 'written to ' + os.path.relpath(OUT_DIR, ROOT)}: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
