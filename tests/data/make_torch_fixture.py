#!/usr/bin/python3
"""make_torch_fixture.py - PyTorch's side of hone's model files.

Without arguments it writes, next to itself:
  torch_mlp.safetensors     the state_dict of nn.Sequential(Linear(5, 4), Tanh(), Linear(4, 3))
                            built with a fixed seed, written as safetensors by hand (json and
                            numpy; the safetensors package is not needed), with hone's metadata:
                            the architecture (tanh, softmax_ce) and a non-trivial standardization
  torch_mlp_expected.txt    6 raw input rows and torch's softmax probabilities for them, computed
                            in float64 from the same float32 weights after standardizing the rows
                            with the same mean and std:
                                # comments
                                rows 6 inputs 5 outputs 3
                                x0 .. x4 p0 .. p2        (one line per row, %.17g)
  torch_bn.safetensors      the same for nn.Sequential(Linear(5, 6, bias=False), BatchNorm1d(6),
                            ReLU(), Dropout(0.3), Linear(6, 3)) with non-trivial gamma and beta and
                            running statistics moved by a few training-mode forwards
                            (num_batches_tracked, an int64 0-d tensor, is their count)
  torch_bn_expected.txt     its rows and torch's eval-mode (running statistics, no dropout)
                            probabilities, in float64 from the float32 weights
tests/test_model_io.c loads the .safetensors files with hone_model_load and compares
hone_model_predict (inference mode) with the expected files. Both fixtures come out the same on
every run (fixed seeds), so rerunning the script leaves the committed files unchanged.

With --check FILE it reads a safetensors file written by hone, builds the nn.Sequential that its
hone.architecture describes (dense with or without bias, relu, leaky_relu, tanh, sigmoid,
identity, dropout with p = 1 - keep_prob, batchnorm with its momentum and eps), loads the tensors
with load_state_dict(strict=True), and prints the eval-mode outputs for some rows, standardized
with the file's own statistics. The rows: those of --expected FILE (a file in the format above,
e.g. written by hone for this model), else those of a fixture when the file has 5 inputs, else
random ones. When an expected file applies (--expected, or the fixture whose weights the file
holds) it also prints the largest difference from its probabilities.

Run with /usr/bin/python3 (Debian's python3-torch and python3-numpy).
"""
import argparse
import copy
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "torch_mlp.safetensors")
EXPECTED = os.path.join(HERE, "torch_mlp_expected.txt")
BN_FIXTURE = os.path.join(HERE, "torch_bn.safetensors")
BN_EXPECTED = os.path.join(HERE, "torch_bn_expected.txt")
SEED = 20240601
BN_SEED = 20240602
ROWS = 6

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8")}
NAMES = {np.dtype("float32"): "F32", np.dtype("float64"): "F64", np.dtype("int64"): "I64"}


def write_safetensors(path, tensors, metadata):
    """tensors: name -> numpy array (float32, float64 or int64), written in order, contiguous."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a).reshape(np.shape(a))  # ascontiguousarray makes a 0-d array 1-d
        dtype = NAMES[a.dtype]
        data = a.astype(DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """Returns (tensors, metadata), checking the layout as strictly as the format asks."""
    with open(path, "rb") as f:
        raw = f.read()
    assert len(raw) >= 8, "shorter than 8 bytes"
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw), "header length past the end"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    assert isinstance(header, dict), "header is not an object"
    buf = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    assert all(isinstance(v, str) for v in metadata.values()), "metadata values must be strings"
    tensors, spans = {}, []
    for name, entry in header.items():
        dtype = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = int(np.prod(entry["shape"], dtype=np.int64))  # 1 for a 0-d tensor (shape [])
        assert 0 <= begin <= end <= len(buf) and end - begin == count * dtype.itemsize, name
        tensors[name] = np.frombuffer(buf[begin:end], dtype=dtype).reshape(entry["shape"]).copy()
        spans.append((begin, end, name))
    at = 0
    for begin, end, name in sorted(spans):
        assert begin == at, f"hole or overlap before {name}"
        at = end
    assert at == len(buf), "bytes after the last tensor"
    return tensors, metadata


def as_float32(v):
    """hone keeps layer settings as float32: the leaky slope 0.05 is 0.0500000007 in its arithmetic."""
    return float(np.float32(v))


class Residual(nn.Module):
    """A residual block as hone saves it: x + body(x), body the layers between the block's input and
    its add; tensors are named "k.body.j.weight"."""

    def __init__(self, body):
        super().__init__()
        self.body = nn.Sequential(*body)

    def forward(self, x):
        return x + self.body(x)


def build(arch):
    """The nn.Sequential that a hone.architecture describes (defaults as hone's loader). The
    settings that shape the function (leaky slope, batch norm eps) are rounded to float32 as hone
    holds them, so that in float64 torch computes what hone computes (with the settings as
    written, a leaky slope of 0.05 alone moves the outputs by about 1e-9)."""
    layers, width = [], arch["inputs"]
    position = []  # where each of hone's layers sits in `layers` (a block collapses into one module)
    for spec in arch["layers"]:
        kind = spec["kind"]
        position.append(len(layers))
        if kind == "dense":
            layers.append(nn.Linear(width, spec["units"], bias=spec.get("bias", True)))
            width = spec["units"]
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind in ("leaky_relu", "leaky"):
            layers.append(nn.LeakyReLU(as_float32(spec.get("alpha", 0.01))))
        elif kind == "tanh":
            layers.append(nn.Tanh())
        elif kind == "sigmoid":
            layers.append(nn.Sigmoid())
        elif kind in ("identity", "linear", "none"):
            layers.append(nn.Identity())
        elif kind == "dropout":
            layers.append(nn.Dropout(p=1 - spec.get("keep_prob", 0.5)))
        elif kind == "batchnorm":
            layers.append(nn.BatchNorm1d(width, eps=as_float32(spec.get("eps", 1e-5)), momentum=spec.get("momentum", 0.1)))
        elif kind == "add":
            # the layers after the skip source form the block's body (skip -1: the input)
            start = 0 if spec["skip"] < 0 else position[spec["skip"]] + 1
            layers[start:] = [Residual(layers[start:])]
            position[-1] = start
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    return nn.Sequential(*layers)


def outputs(loss, z):
    if loss in ("softmax_ce", "softmax", "cross_entropy"):
        return torch.softmax(z, dim=1)
    if loss in ("sigmoid_ce", "sigmoid", "binary"):
        return torch.sigmoid(z)
    return z


def read_expected(path):
    with open(path) as f:
        lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
    _, rows, _, inputs, _, outs = lines[0]
    data = np.array([[float(v) for v in line] for line in lines[1:]], dtype=np.float64)
    assert data.shape == (int(rows), int(inputs) + int(outs))
    return data[:, :int(inputs)], data[:, int(inputs):]


def standardization(seed_rows):
    """float32 statistics and raw rows, so that both hone builds hold them exactly."""
    mean = (torch.randn(5) * 2).numpy().astype(np.float32)
    std = (torch.rand(5) * 2 + 0.25).numpy().astype(np.float32)
    x = (torch.randn(seed_rows, 5) * torch.from_numpy(std) + torch.from_numpy(mean)).numpy().astype(np.float32)
    return mean, std, x


def write_fixture(path, expected_path, model, arch, mean, std, x, seed, what):
    metadata = {
        "format": "pt",
        "hone.format_version": "1",
        "hone.architecture": json.dumps(arch),
        # repr of a float32 widened to float64 is exact, and reads back to the same float32
        "hone.standardize": json.dumps({"mean": [float(v) for v in mean], "std": [float(v) for v in std]}),
        "hone.config": json.dumps({"source": "tests/data/make_torch_fixture.py", "seed": seed}),
    }
    state = {name: t.detach().numpy() for name, t in model.state_dict().items()}
    write_safetensors(path, state, metadata)

    # the reference: float64 arithmetic on the float32 weights (widening is exact), in eval mode
    # (batch norm on its running statistics, dropout off); num_batches_tracked stays int64
    ref = copy.deepcopy(model).double().eval()
    x64 = torch.from_numpy(x.astype(np.float64))
    xs = (x64 - torch.from_numpy(mean.astype(np.float64))) / torch.from_numpy(std.astype(np.float64))
    with torch.no_grad():
        p = torch.softmax(ref(xs), dim=1).numpy()
    rows, outs = p.shape
    with open(expected_path, "w") as f:
        f.write("# written by tests/data/make_torch_fixture.py (torch %s, seed %d): raw input rows and\n"
                % (torch.__version__, seed))
        f.write("# torch's float64 %s for the model in %s\n" % (what, os.path.basename(path)))
        f.write("rows %d inputs 5 outputs %d\n" % (rows, outs))
        for r in range(rows):
            f.write(" ".join("%.17g" % v for v in list(x[r].astype(np.float64)) + list(p[r])) + "\n")
    print(f"wrote {path} and {expected_path}")


def make_fixture():
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    mean, std, x = standardization(ROWS)
    arch = {"inputs": 5, "loss": "softmax_ce",
            "layers": [{"kind": "dense", "units": 4}, {"kind": "tanh"}, {"kind": "dense", "units": 3}]}
    write_fixture(FIXTURE, EXPECTED, model, arch, mean, std, x, SEED, "softmax probabilities")


def make_bn_fixture():
    torch.manual_seed(BN_SEED)
    model = nn.Sequential(nn.Linear(5, 6, bias=False), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(6, 3))
    bn = model[1]
    with torch.no_grad():
        bn.weight.copy_(torch.rand(6) * 1.5 + 0.25)  # gamma
        bn.bias.copy_(torch.randn(6) * 0.5)  # beta
        # a few training-mode forwards on shifted, scaled data move the running mean and
        # variance well away from 0 and 1 (and count the batches); dropout masks are drawn too
        model.train()
        shift, scale = torch.randn(5) * 1.5, torch.rand(5) * 2 + 0.5
        for _ in range(7):
            model(torch.randn(16, 5) * scale + shift)
    model.eval()
    assert int(bn.num_batches_tracked) == 7
    mean, std, x = standardization(8)
    arch = {"inputs": 5, "loss": "softmax_ce",
            "layers": [{"kind": "dense", "units": 6, "bias": False},
                       {"kind": "batchnorm", "momentum": 0.1, "eps": 1e-05},
                       {"kind": "relu"},
                       {"kind": "dropout", "keep_prob": 0.7},
                       {"kind": "dense", "units": 3}]}
    write_fixture(BN_FIXTURE, BN_EXPECTED, model, arch, mean, std, x, BN_SEED,
                  "eval-mode softmax probabilities")


def check(path, expected_path=None):
    tensors, metadata = read_safetensors(path)
    arch = json.loads(metadata["hone.architecture"])
    model = build(arch).eval()
    real = {t.dtype for t in tensors.values() if t.dtype.kind == "f"}
    if real == {np.dtype("<f8")}:
        model = model.double()  # floating tensors only: num_batches_tracked stays int64
    # torch's load_state_dict lets a [1] tensor into a 0-d one (old num_batches_tracked files);
    # the format does not, so shapes are compared here first, exactly
    wanted = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    for k, v in tensors.items():
        if k in wanted and tuple(v.shape) != wanted[k]:
            raise ValueError(f"{path}: tensor {k!r} has shape {list(v.shape)}, torch's is {list(wanted[k])}")
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    print(f"{path}: load_state_dict(strict=True) accepted {len(tensors)} tensors "
          f"({', '.join(sorted(tensors))}), dtype {'/'.join(sorted(str(t.dtype) for t in tensors.values()))}")
    print("torch model:", " ".join(repr(model).split()))
    print("architecture:", metadata["hone.architecture"])
    stats = json.loads(metadata["hone.standardize"]) if "hone.standardize" in metadata else None
    fixture = None
    if expected_path:
        x, expected = read_expected(expected_path)
    elif arch["inputs"] == 5 and os.path.exists(EXPECTED):
        fixture, expected_path = next(((f, e) for f, e in ((BN_FIXTURE, BN_EXPECTED), (FIXTURE, EXPECTED))
                                       if os.path.exists(f) and same_weights(f, tensors)), (None, EXPECTED))
        x, expected = read_expected(expected_path)
        if not fixture:
            expected = None
    else:
        x, expected = np.random.default_rng(0).standard_normal((ROWS, arch["inputs"])), None
    x = torch.from_numpy(x)
    if stats:
        x = (x - torch.tensor(stats["mean"], dtype=torch.float64)) / torch.tensor(stats["std"], dtype=torch.float64)
    with torch.no_grad():
        p = outputs(arch["loss"], model.double()(x)).numpy()
    for row in p:
        print(" ".join("%.9f" % v for v in row))
    if expected is not None:
        print("%s; largest difference from %s: %.3g"
              % ("weights equal the fixture's" if fixture else "rows and outputs of --expected",
                 os.path.basename(expected_path), np.max(np.abs(p - expected))))


def same_weights(fixture_path, tensors):
    fixture, _ = read_safetensors(fixture_path)
    return fixture.keys() == tensors.keys() and all(
        np.array_equal(fixture[k].astype(np.float64), tensors[k].astype(np.float64)) for k in tensors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", metavar="FILE", help="load a hone-written safetensors file into torch")
    parser.add_argument("--expected", metavar="FILE",
                        help="with --check: rows to run and the outputs to compare with (the fixture format)")
    args = parser.parse_args()
    if args.check:
        check(args.check, args.expected)
    else:
        make_fixture()
        make_bn_fixture()


if __name__ == "__main__":
    sys.exit(main())
