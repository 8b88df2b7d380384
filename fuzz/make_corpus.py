#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, fuzz/corpus/fuzz_NAME/: small valid files and near-valid
ones (one field off), so fuzzing starts inside each format rather than at random bytes.

    fuzz/make_corpus.py [path/to/hone]

With a hone binary it also trains two tiny models (1 epoch on a 30-row CSV: one hidden layer of 3;
three with batch norm, residual blocks, dropout and leaky ReLU) and adds the saved files as model
seeds, so the seeds carry everything `hone train --save` writes, config metadata included; and three
runs with --checkpoint (Adam with batch norm and dropout; SGD with early stopping, so with the best
epoch's tensors; RMSprop with residual blocks, L2 and the plateau schedule) whose checkpoints are
checkpoint seeds. Only the standard library is needed; gzip output is deterministic
(mtime 0). Input layouts are described at the top of each fuzz/fuzz_NAME.c.
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(harness, name, data):
    d = os.path.join(ROOT, "fuzz_" + harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


# --- IDX: mode byte, then images (mode 0) or a 2-byte big-endian images length, images, labels
def idx(dims, data, type_=0x08):
    return bytes([0, 0, type_, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


def idx_one(images):
    return b"\x00" + images


def idx_pair(images, labels):
    return b"\x01" + struct.pack(">H", len(images)) + images + labels


IMG = idx([3, 2, 2], range(0, 240, 20))
LAB = idx([3], [0, 1, 2])
put("idx", "images", idx_one(IMG))
put("idx", "pair", idx_pair(IMG, LAB))
put("idx", "pair_gz", idx_pair(gz(IMG), gz(LAB)))
put("idx", "images_gz", idx_one(gz(idx([2, 4], range(8)))))
put("idx", "rank1", idx_one(idx([5], [9, 8, 7, 6, 5])))
put("idx", "truncated", idx_pair(idx([3, 2, 2], range(11)), LAB))
put("idx", "trailing", idx_one(IMG + b"\x00"))
put("idx", "float32_type", idx_one(idx([1, 1], b"\x00\x00\x80\x3f", 0x0D)))
put("idx", "label_count", idx_pair(IMG, idx([2], [1, 1])))
put("idx", "labels_rank2", idx_pair(IMG, idx([3, 1], [0, 1, 2])))
put("idx", "huge_dims", idx_one(idx([0xFFFFFFFF, 0xFFFF], range(4))))

# --- CSV: the file itself
put("csv", "header", "a,b,label\n1,2,0\n3,4,1\n5,6,2\n")
put("csv", "no_header", "1,2,0\n3,4,1\n5,6,1\n")
put("csv", "regression", "x1,x2,y\n0.5,-1e-3,2.5\n1.25,3,-0.75\n")
put("csv", "quoted_crlf", '"f1","f2","label"\r\n"1", "2" ,0\r\n3,4,"1"\r\n\r\n')
put("csv", "semicolon", "p;label;q\n1;0;2\n3;1;4\n")
put("csv", "gzip", gz(b"a,b,label\n" + b"".join(b"%d,%d,%d\n" % (i, i * i, i % 3) for i in range(20))))
put("csv", "ragged", "1,2,0\n3,4\n")
put("csv", "not_finite", "a,label\nnan,0\n1e999,1\n")
put("csv", "blank_middle", "1,2,0\n\n3,4,1\n")
put("csv", "bad_label", "1,2,-1\n3,4,0.5\n")
put("csv", "one_column", "label\n1\n2\n")


# --- NPY: the x file, optionally followed by the y file
def npy(descr, shape, data, major=1, fortran=False):
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join("%d" % s for s in shape) + ")"
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    pre = 10 if major == 1 else 12
    hl = len(d) + 1
    hl += (64 - (pre + hl) % 64) % 64
    head = b"\x93NUMPY" + bytes([major, 0]) + struct.pack("<H" if major == 1 else "<I", hl)
    return head + d.encode() + b" " * (hl - len(d) - 1) + b"\n" + data


def pack(fmt, values):
    return struct.pack("<%d%s" % (len(values), fmt), *values)


put("npy", "f4", npy("<f4", (3, 2), pack("f", [0.5, 1, -2, 3.25, 4, 5])))
put("npy", "f8_i8", npy("<f8", (2, 2), pack("d", [1, 2, 3, 4])) + npy("<i8", (2,), pack("q", [0, 1])))
put("npy", "u1_u1", npy("|u1", (2, 2, 2), bytes(range(8))) + npy("|u1", (2,), bytes([1, 0])))
put("npy", "f4_targets", npy("<f4", (2, 1), pack("f", [1, 2])) + npy("<f4", (2, 2), pack("f", [0.1, 0.2, 0.3, 0.4])))
put("npy", "v2_i4", npy("<f4", (1, 3), pack("f", [1, 2, 3]), major=2) + npy("<i4", (1,), pack("i", [7]), major=3))
put("npy", "gzip", gz(npy("<f8", (3,), pack("d", [1, 2, 3]))))
put("npy", "fortran_1d", npy("<f4", (4,), pack("f", [1, 2, 3, 4]), fortran=True))
put("npy", "fortran_2d", npy("<f4", (3, 2), pack("f", [0.5, 10.5, 20.5, 1.5, 11.5, 21.5]), fortran=True))
put("npy", "images_nhwc", npy("|u1", (2, 2, 2, 1), bytes(range(8))) + npy("|u1", (2,), bytes([1, 0])))
put("npy", "images_nchw_fortran", npy("|u1", (2, 1, 2, 2), bytes(range(8)), fortran=True))
put("npy", "rgb", npy("|u1", (1, 2, 2, 3), bytes(range(12))))
put("npy", "big_endian", npy(">f4", (1, 1), b"\x3f\x80\x00\x00"))
put("npy", "truncated", npy("<f8", (2, 2), pack("d", [1, 2, 3])))
put("npy", "scalar", npy("<f4", (), pack("f", [1])))
put("npy", "label_rows", npy("<f4", (2, 1), pack("f", [1, 2])) + npy("<i8", (3,), pack("q", [0, 1, 2])))


# --- safetensors models, hand-made (every layer kind and loss, F32 and F64 tensors)
def safetensors(arch, tensors, standardize=None, config=None, f64=False, extra_meta=None, checksums=False):
    """tensors: (name, shape, values), real (F32, or F64 with f64), or I64 when the name is in
    INTEGER_TENSORS or ends in .num_batches_tracked; extra_meta: more __metadata__ entries;
    checksums: "crc32" and "metadata_crc32" as hone writes them (src/model/checksum.h), or, when
    a dict, those entries as given."""
    meta = {"format": "pt", "hone.format_version": "1", "hone.architecture": json.dumps(arch)}
    if standardize:
        meta["hone.standardize"] = json.dumps(standardize)
    if config:
        meta["hone.config"] = config
    meta.update(extra_meta or {})
    header, data = {"__metadata__": meta}, b""
    for name, shape, values in tensors:
        integer = name in INTEGER_TENSORS or name.endswith(".num_batches_tracked")
        raw = pack("q" if integer else "d" if f64 else "f", values)
        header[name] = {"dtype": "I64" if integer else "F64" if f64 else "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if checksums is True:
        own = b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in meta.items() if k.startswith("hone."))
        meta.update({"crc32": "%08x" % zlib.crc32(data), "metadata_crc32": "%08x" % zlib.crc32(own)})
    elif checksums:
        meta.update(checksums)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


INTEGER_TENSORS = {"hone.order"}


def dense(units):
    return {"kind": "dense", "units": units}


put("model", "softmax", safetensors(
    {"inputs": 3, "loss": "softmax_ce", "layers": [dense(2), {"kind": "relu"}, dense(2)]},
    [("0.weight", [2, 3], [0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), ("0.bias", [2], [0, 0.1]),
     ("2.weight", [2, 2], [1, -1, 0.5, 0.25]), ("2.bias", [2], [0.01, -0.01])],
    standardize={"mean": [0.5, 1, -1], "std": [1, 2, 0.5]}, config='{"epochs": 1}'))
put("model", "leaky_f64", safetensors(
    {"inputs": 2, "loss": "sigmoid_ce",
     "layers": [dense(2), {"kind": "leaky_relu", "alpha": 0.2}, {"kind": "tanh"}, dense(1), {"kind": "sigmoid"}]},
    [("0.weight", [2, 2], [1, 2, 3, 4]), ("0.bias", [2], [0, 1]), ("3.weight", [1, 2], [0.5, -0.5]),
     ("3.bias", [1], [0.25])], f64=True))
# the checksums hone writes: right, wrong (read on past in a fuzzing build) and malformed
SOFTMAX_CHECKSUMS = (
    {"inputs": 3, "loss": "softmax_ce", "layers": [dense(2), {"kind": "tanh"}, dense(2)]},
    [("0.weight", [2, 3], [0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), ("0.bias", [2], [0, 0.1]),
     ("2.weight", [2, 2], [1, -1, 0.5, 0.25]), ("2.bias", [2], [0.01, -0.01])])
put("model", "checksums", safetensors(*SOFTMAX_CHECKSUMS, standardize={"mean": [0.5, 1, -1], "std": [1, 2, 0.5]},
                                      checksums=True))
put("model", "checksums_wrong", safetensors(*SOFTMAX_CHECKSUMS, checksums={"crc32": "0badc0de",
                                                                            "metadata_crc32": "00000000"}))
put("model", "checksum_malformed", safetensors(*SOFTMAX_CHECKSUMS, checksums={"crc32": "0badc0d"}))
put("model", "identity_mse", safetensors(
    {"inputs": 2, "loss": "mse", "layers": [{"kind": "identity"}]}, [],
    standardize={"mean": [0, 0], "std": [1, 1]}))
# an mse model's targets standardized (format version 2)
put("model", "target_mse", safetensors(
    {"inputs": 2, "loss": "mse", "layers": [dense(2)]},
    [("0.weight", [2, 2], [1, 0.5, -0.5, 2]), ("0.bias", [2], [0.1, -0.1])],
    standardize={"mean": [0, 1], "std": [1, 2], "target_mean": [250000, -3.5], "target_std": [49000, 0.25]},
    extra_meta={"hone.format_version": "2"}))
# a model of images of 1 x 3 pixels (the shape its training data had)
put("model", "image", safetensors(
    {"inputs": 3, "loss": "softmax_ce", "layers": [dense(2)]},
    [("0.weight", [2, 3], [0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), ("0.bias", [2], [0, 0.1])],
    standardize={"mean": [0.5, 1, -1], "std": [1, 2, 0.5]},
    extra_meta={"hone.image": json.dumps({"height": 1, "width": 3})}))


def module_paths(layers):
    """hone's names: "k" in the outer Sequential, "k.body.j" inside a residual block (a block
    starting at layer i ends at the first add after it whose skip is i - 1)."""
    n, end = len(layers), {}
    for e, layer in enumerate(layers):
        s = layer.get("skip")
        if layer["kind"] == "add" and -1 <= s < e - 1 and s + 1 not in end:
            end[s + 1] = e
    paths, i, k = [], 0, 0
    while i < n:
        last = end.get(i, i)
        paths += ["%d.body.%d" % (k, j - i) if i in end else "%d" % k for j in range(i, last + 1)]
        i, k = last + 1, k + 1
    return paths


# residual adds in odd places: a block from the network input, a skip into a finished block
ODD = [dense(2), {"kind": "relu"}, {"kind": "add", "skip": -1}, dense(2), {"kind": "add", "skip": 0},
       {"kind": "dropout", "keep_prob": 0.75}, {"kind": "add", "skip": 3}]
NAMES = module_paths(ODD)
put("model", "residual_odd", safetensors(
    {"inputs": 2, "loss": "mse", "layers": ODD},
    [(NAMES[0] + ".weight", [2, 2], [1, 0, 0, 1]), (NAMES[0] + ".bias", [2], [0, 0]),
     (NAMES[3] + ".weight", [2, 2], [0.5, 0.5, -0.5, 0.5]), (NAMES[3] + ".bias", [2], [1, -1])]))
put("model", "overlap", safetensors(
    {"inputs": 1, "loss": "mse", "layers": [dense(1)]},
    [("0.weight", [1, 1], [2]), ("0.bias", [1], [3])])[:-4])
put("model", "not_hone", struct.pack("<Q", 8) + b'{}      ')


# --- checkpoints (hone train --checkpoint): a model file plus the hone.* tensors and the
# hone.checkpoint metadata entry (src/train/checkpoint.c)
def checkpoint_meta(position, config, precision="float32"):
    """The hone.checkpoint entry: every field of the loader's tables; reals that JSON cannot
    hold as the strings "inf", "-inf", "nan"."""
    rng = "9e3779b97f4a7c15bf58476d1ce4e5b9243f6a8885a308d3d6e8feb86659fd93"
    c = {"epochs": 5, "batch": 2, "lr": 0.05, "seed": "000000000000002a", "shuffle": 1, "optimizer": "sgd",
         "beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "weight_decay": 0, "momentum_ewma": 1, "schedule": "constant",
         "decay_rate": 1, "step_size": 10, "warmup": 0, "min_lr": 0, "per_step": 0, "factor": 0.1, "patience": 10,
         "threshold": 0.0001, "clip_value": 0, "clip_norm": 0, "normalize_grad": 0, "early_stop": 0, "min_delta": 0,
         "early_stop_on_accuracy": 0, "augment_shift": 0, "augment_rotate": 0, "augment_flip": 0, "augment_noise": 0}
    c.update(config)
    s = {"version": 1, "precision": precision, "epoch": 0, "batch": 0, "rng": rng, "train_rows": 5,
         "train_checksum": "0123456789abcdef", "dev_rows": 2, "dev_checksum": "fedcba9876543210", "plateau_lr": 0.05,
         "plateau_best": "inf", "plateau_bad_epochs": 0, "best_epoch": 0, "bad_epochs": 0, "best_metric": "inf",
         "best_bn_batches": 0, "loss_sum": 0, "norm_sum": 0, "correct": 0, "seconds": 0, "opt_steps": 0,
         "bn_batches": 0, "model_rng": rng[::-1], "l2": 0, "l1": 0, "decay_bias": 0}
    s.update(position)
    last = {"epoch": s["epoch"], "epochs": c["epochs"], "train_loss": 1.25, "train_acc": 0.4, "dev_loss": 1.5,
            "dev_acc": 0.5, "lr": c["lr"], "grad_norm": 0.75, "seconds": 0.001, "samples_per_s": 5000,
            "best_epoch": s["best_epoch"], "stopped_early": 0}
    last.update(s.pop("last_epoch", {}))
    s["last_epoch"], s["config"] = last, c
    return json.dumps(s)


# Dense(2, no bias) BatchNorm ReLU Dense(2) on 2 inputs: 14 parameters, 4 running statistics
CK_ARCH = {"inputs": 2, "loss": "softmax_ce",
           "layers": [{"kind": "dense", "units": 2, "bias": False},
                      {"kind": "batchnorm", "momentum": 0.1, "eps": 1e-5}, {"kind": "relu"}, dense(2)]}
CK_PARAMS = [0.5, -0.25, 0.125, 1, 1, 1, 0, 0, 0.5, -0.5, 0.25, 0.75, 0.1, -0.1]


def ck_tensors(order=(4, 0, 3, 1, 2), opt=None, best=False):
    p = CK_PARAMS
    t = [("0.weight", [2, 2], p[0:4]), ("1.weight", [2], p[4:6]), ("1.bias", [2], p[6:8]),
         ("1.running_mean", [2], [0.1, -0.2]), ("1.running_var", [2], [0.9, 1.1]), ("1.num_batches_tracked", [], [4]),
         ("3.weight", [2, 2], p[8:12]), ("3.bias", [2], p[12:14]),
         ("hone.opt_state", [2, 14], opt if opt is not None else [0.01 * i for i in range(28)]),
         ("hone.order", [len(order)], list(order))]
    if best:
        t += [("hone.best_params", [14], [x / 2 for x in p]), ("hone.best_buffers", [4], [0, 0, 1, 1])]
    return t


CK_STD = {"mean": [0.5, -1], "std": [2, 0.25]}
# mid-epoch (epoch 3, one batch of three done), momentum, plateau, early stopping with a best epoch
MID = {"epoch": 2, "batch": 1, "best_epoch": 1, "bad_epochs": 1, "best_metric": 0.875, "best_bn_batches": 3,
       "plateau_lr": 0.025, "plateau_best": 0.875, "plateau_bad_epochs": 1, "loss_sum": 2.5, "norm_sum": 0.5,
       "correct": 1, "seconds": 0.002, "opt_steps": 7, "bn_batches": 7}
MID_CONFIG = {"optimizer": "momentum", "schedule": "plateau", "factor": 0.5, "patience": 0, "early_stop": 2}
put("checkpoint", "mid_epoch", safetensors(CK_ARCH, ck_tensors(best=True), standardize=CK_STD, config='{"epochs": 5}',
                                           extra_meta={"hone.checkpoint": checkpoint_meta(MID, MID_CONFIG)}))
put("checkpoint", "mid_epoch_checksums", safetensors(CK_ARCH, ck_tensors(best=True), standardize=CK_STD,
                                                     config='{"epochs": 5}', checksums=True,
                                                     extra_meta={"hone.checkpoint": checkpoint_meta(MID, MID_CONFIG)}))
# a fresh run's first checkpoint (of 3 epochs): Adam, cosine with a warm-up, L2, clipping, augmentation
put("checkpoint", "adam_start", safetensors(CK_ARCH, ck_tensors(), extra_meta={"hone.checkpoint": checkpoint_meta(
    {"epoch": 1, "opt_steps": 3, "bn_batches": 3, "l2": 0.01, "decay_bias": 1},
    {"epochs": 3, "optimizer": "adam", "schedule": "cosine", "warmup": 1, "clip_norm": 5, "augment_shift": 1,
     "augment_flip": 1, "augment_noise": 0.1, "per_step": 1})}))
# a finished run, in the double build's precision (refused by the float build)
put("checkpoint", "float64_end", safetensors(CK_ARCH, ck_tensors(), f64=True, extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 5, "opt_steps": 15, "bn_batches": 15},
                                       {"optimizer": "rmsprop", "schedule": "step", "decay_rate": 0.5},
                                       precision="float64")}))
# one field off each: a batch past the epoch, no order, best weights without a best epoch
put("checkpoint", "batch_past_epoch", safetensors(CK_ARCH, ck_tensors(), extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 1, "batch": 4}, {})}))
put("checkpoint", "no_order", safetensors(CK_ARCH, ck_tensors()[:-1], extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 1}, {})}))
put("checkpoint", "best_without_epoch", safetensors(CK_ARCH, ck_tensors(best=True), extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 1}, {"early_stop": 2})}))
# at the int limits: one epoch left of INT_MAX (resumed, the epoch count must not pass it), a
# bad-epoch count of INT_MAX (refused: its next increment would overflow), a negative plateau rate,
# a negative second moment of Adam
INT_MAX = 2 ** 31 - 1
put("checkpoint", "int_max_epochs", safetensors(CK_ARCH, ck_tensors(), extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": INT_MAX - 1}, {"epochs": INT_MAX, "early_stop": 3})}))
put("checkpoint", "bad_epochs_int_max", safetensors(CK_ARCH, ck_tensors(), extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 2, "bad_epochs": INT_MAX, "plateau_bad_epochs": INT_MAX}, {})}))
put("checkpoint", "negative_plateau_rate", safetensors(CK_ARCH, ck_tensors(), extra_meta={
    "hone.checkpoint": checkpoint_meta({"epoch": 1, "plateau_lr": -0.05}, {"schedule": "plateau"})}))
put("checkpoint", "negative_second_moment", safetensors(CK_ARCH, ck_tensors(opt=[0.5] * 14 + [0.25] * 13 + [-0.25]),
                                                        extra_meta={"hone.checkpoint": checkpoint_meta(
                                                            {"epoch": 1}, {"optimizer": "adam"})}))

# --- INI files for the config parser (section [fuzz]; keys epochs, lr, activation, model,
# shuffle, quiet)
put("config", "basic.ini", "[fuzz]\nepochs = 20\nlr = 0.02\nactivation = tanh\nshuffle = false\n")
put("config", "top_level.ini", "; a comment\nepochs = 3\nother = ignored at the top\n[fuzz]\nquiet = yes\nmodel = m.safetensors\n")
put("config", "other_sections.ini", "[train]\nlayers = 256,128\n[fuzz]\nlr=1e-3 ; inline comment\n[eval]\njson = on\n")
put("config", "errors.ini", "[fuzz]\nepochs = 1.5\nlr = nan\nshuffle = maybe\nunknown = 1\nnot a line\n")
put("config", "bom_multiline.ini", "\xef\xbb\xbf[fuzz]\nactivation = relu\n  continued\n# hash comment\n")
put("config", "flags", "--epochs\n5\n--lr=0.5\n--no-shuffle\nmodel.safetensors\n--quiet=off\n")
put("config", "units.ini", "[fuzz]\nactivation = 512,256x3,64\n")

# --- models `hone train --save` wrote, checkpoints `hone train --checkpoint` wrote
if len(sys.argv) > 1:
    tmp = tempfile.mkdtemp()
    try:
        csv = os.path.join(tmp, "tiny.csv")
        with open(csv, "w") as f:
            f.write("a,b,c,label\n")
            for i in range(30):
                f.write("%d,%d,%d,%d\n" % (i % 5, (i * 7) % 11, i % 2, i % 3))
        runs = {
            "trained": ["--layers", "3"],
            # batch norm (running statistics, a count, dense layers without bias), residual blocks
            # (names "k.body.j.weight", add layers), dropout and leaky ReLU
            "trained_bn_residual": ["--layers", "3,3,3", "--batchnorm", "--residual", "--keep-prob", "0.8",
                                    "--activation", "leaky_relu", "--alpha", "0.2"],
        }
        for name, args in runs.items():
            out = os.path.join(tmp, name + ".safetensors")
            subprocess.run([sys.argv[1], "train", "--data", csv, "--epochs", "1", "--quiet", "--save", out] + args,
                           check=True)
            shutil.copy(out, os.path.join(ROOT, "fuzz_model", name))
        # checkpoints a whole run wrote (at its last epoch; --checkpoint-every 1 rewrites it)
        checkpoints = {
            # Adam (moments in both halves of the optimizer state), batch norm, dropout, cosine
            "trained_adam_bn": ["--epochs", "2", "--layers", "3", "--batchnorm", "--keep-prob", "0.8"],
            # plain SGD with early stopping, so the best epoch's weights and statistics are kept
            "trained_sgd_early_stop": ["--epochs", "6", "--batch", "4", "--optimizer", "sgd", "--layers", "3",
                                       "--batchnorm", "--early-stop", "1", "--lr", "0.5"],
            # RMSprop, residual blocks, L2 on biases too, the plateau schedule
            "trained_rmsprop_residual": ["--epochs", "2", "--optimizer", "rmsprop", "--layers", "3,3,3",
                                         "--residual", "--l2", "0.01", "--decay-bias", "--schedule", "plateau"],
        }
        for name, args in checkpoints.items():
            out = os.path.join(tmp, name + ".ckpt")
            subprocess.run([sys.argv[1], "train", "--data", csv, "--quiet", "--checkpoint", out] + args, check=True,
                           stdout=subprocess.DEVNULL)
            shutil.copy(out, os.path.join(ROOT, "fuzz_checkpoint", name))
    finally:
        shutil.rmtree(tmp)
