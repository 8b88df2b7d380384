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
tests/test_model_io.c loads the first with hone_model_load and compares hone_model_predict with
the second.

With --check FILE it reads a safetensors file written by hone, builds the nn.Sequential its
hone.architecture describes, loads the tensors with load_state_dict(strict=True), and prints the
outputs for the fixture's rows (when the file has 5 inputs; random rows otherwise), standardized
with the file's own statistics. When the file holds the fixture's weights it also prints the
largest difference from torch_mlp_expected.txt.

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
SEED = 20240601
ROWS = 6

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}


def write_safetensors(path, tensors, metadata):
    """tensors: name -> numpy array (float32 or float64), written in order, contiguous."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, a in tensors.items():
        a = np.ascontiguousarray(a)
        dtype = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}[a.dtype]
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
        count = int(np.prod(entry["shape"], dtype=np.int64))
        assert 0 <= begin <= end <= len(buf) and end - begin == count * dtype.itemsize, name
        tensors[name] = np.frombuffer(buf[begin:end], dtype=dtype).reshape(entry["shape"]).copy()
        spans.append((begin, end, name))
    at = 0
    for begin, end, name in sorted(spans):
        assert begin == at, f"hole or overlap before {name}"
        at = end
    assert at == len(buf), "bytes after the last tensor"
    return tensors, metadata


def build(arch):
    """The nn.Sequential that a hone.architecture describes."""
    layers, width = [], arch["inputs"]
    for spec in arch["layers"]:
        kind = spec["kind"]
        if kind == "dense":
            layers.append(nn.Linear(width, spec["units"]))
            width = spec["units"]
        elif kind == "relu":
            layers.append(nn.ReLU())
        elif kind == "leaky_relu":
            layers.append(nn.LeakyReLU(spec.get("alpha", 0.01)))
        elif kind == "tanh":
            layers.append(nn.Tanh())
        elif kind == "sigmoid":
            layers.append(nn.Sigmoid())
        elif kind == "identity":
            layers.append(nn.Identity())
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    return nn.Sequential(*layers)


def outputs(loss, z):
    if loss == "softmax_ce":
        return torch.softmax(z, dim=1)
    if loss == "sigmoid_ce":
        return torch.sigmoid(z)
    return z


def read_expected(path):
    with open(path) as f:
        lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
    _, rows, _, inputs, _, outs = lines[0]
    data = np.array([[float(v) for v in line] for line in lines[1:]], dtype=np.float64)
    assert data.shape == (int(rows), int(inputs) + int(outs))
    return data[:, :int(inputs)], data[:, int(inputs):]


def make_fixture():
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    # float32 statistics and rows, so that both hone builds hold them exactly
    mean = (torch.randn(5) * 2).numpy().astype(np.float32)
    std = (torch.rand(5) * 2 + 0.25).numpy().astype(np.float32)
    x = (torch.randn(ROWS, 5) * torch.from_numpy(std) + torch.from_numpy(mean)).numpy().astype(np.float32)

    arch = {"inputs": 5, "loss": "softmax_ce",
            "layers": [{"kind": "dense", "units": 4}, {"kind": "tanh"}, {"kind": "dense", "units": 3}]}
    metadata = {
        "format": "pt",
        "hone.format_version": "1",
        "hone.architecture": json.dumps(arch),
        # repr of a float32 widened to float64 is exact, and reads back to the same float32
        "hone.standardize": json.dumps({"mean": [float(v) for v in mean], "std": [float(v) for v in std]}),
        "hone.config": json.dumps({"source": "tests/data/make_torch_fixture.py", "seed": SEED}),
    }
    state = {name: t.detach().numpy() for name, t in model.state_dict().items()}
    write_safetensors(FIXTURE, state, metadata)

    # the reference: float64 arithmetic on the float32 weights (widening is exact)
    ref = copy.deepcopy(model).double()
    x64 = torch.from_numpy(x.astype(np.float64))
    xs = (x64 - torch.from_numpy(mean.astype(np.float64))) / torch.from_numpy(std.astype(np.float64))
    with torch.no_grad():
        p = torch.softmax(ref(xs), dim=1).numpy()
    with open(EXPECTED, "w") as f:
        f.write("# written by tests/data/make_torch_fixture.py (torch %s, seed %d): raw input rows and\n"
                % (torch.__version__, SEED))
        f.write("# torch's float64 softmax probabilities for the model in torch_mlp.safetensors\n")
        f.write("rows %d inputs 5 outputs 3\n" % ROWS)
        for r in range(ROWS):
            f.write(" ".join("%.17g" % v for v in list(x[r].astype(np.float64)) + list(p[r])) + "\n")
    print(f"wrote {FIXTURE} and {EXPECTED}")


def check(path):
    tensors, metadata = read_safetensors(path)
    arch = json.loads(metadata["hone.architecture"])
    model = build(arch)
    dtypes = {t.dtype for t in tensors.values()}
    if dtypes == {np.dtype("<f8")}:
        model = model.double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=True)
    print(f"{path}: load_state_dict(strict=True) accepted {len(tensors)} tensors "
          f"({', '.join(sorted(tensors))}), dtype {'/'.join(sorted(str(d) for d in dtypes))}")
    print("architecture:", metadata["hone.architecture"])
    stats = json.loads(metadata["hone.standardize"]) if "hone.standardize" in metadata else None
    if arch["inputs"] == 5 and os.path.exists(EXPECTED):
        x, expected = read_expected(EXPECTED)
    else:
        x, expected = np.random.default_rng(0).standard_normal((ROWS, arch["inputs"])), None
    x = torch.from_numpy(x)
    if stats:
        x = (x - torch.tensor(stats["mean"], dtype=torch.float64)) / torch.tensor(stats["std"], dtype=torch.float64)
    with torch.no_grad():
        p = outputs(arch["loss"], model.double()(x)).numpy()
    for row in p:
        print(" ".join("%.9f" % v for v in row))
    if expected is not None and os.path.exists(FIXTURE):
        fixture, _ = read_safetensors(FIXTURE)
        same = fixture.keys() == tensors.keys() and all(
            np.array_equal(fixture[k].astype(np.float64), tensors[k].astype(np.float64)) for k in tensors)
        if same:
            print("weights equal the fixture's; largest difference from torch_mlp_expected.txt: %.3g"
                  % np.max(np.abs(p - expected)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", metavar="FILE", help="load a hone-written safetensors file into torch")
    args = parser.parse_args()
    if args.check:
        check(args.check)
    else:
        make_fixture()


if __name__ == "__main__":
    sys.exit(main())
