#!/usr/bin/env python3
"""Independent numpy float32 reference of the pogo/1 update rules (SGD and AdamW) and of the
replay of every step's weights root, written from docs/protocol-parts/quantization.md.

    adamw_reference.py replay BUNDLE.json

Reads the bundle, theta_0 and each step's pogo/1/grad4 artifact (inline base64 or file://
URIs), applies the bundle's update rule step by step in np.float32 (every operation rounded
once, nothing fused: numpy evaluates each binary operation separately) and prints JSON
{"theta0Root", "weightsRoots": [...], "gradientRoots": [...]} (hex) for comparison with the
committed roots. For "gpt2" checkpoints the attention buffers transformer.h.{i}.attn.bias and
.attn.masked_bias are not parameters and are skipped. Importable: adamw_step, sgd_step,
bias_corrections, dequantize.
"""
import base64
import json
import math
import os
import re
import struct
import sys
import urllib.parse

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import merkle_reference as mk  # noqa: E402

F32 = np.float32
BLOCK = 64
LEAF = 1024
BUFFER = re.compile(r"^transformer\.h\.[0-9]+\.attn\.(bias|masked_bias)$")


def bias_corrections(beta1, beta2, t):
    """bc1 = 1 - beta1^t, bc2 = 1 - beta2^t with the powers built by t float32 multiplications."""
    p1, p2 = F32(1), F32(1)
    for _ in range(t):
        p1 = F32(p1 * beta1)
        p2 = F32(p2 * beta2)
    return F32(F32(1) - p1), F32(F32(1) - p2)


def dequantize(scales, packed, n):
    """scale * code per parameter, one float32 multiply."""
    low = (packed & 0x0F).astype(np.int8)
    high = (packed >> 4).astype(np.int8)
    nib = np.empty(2 * len(packed), dtype=np.int8)
    nib[0::2], nib[1::2] = low, high
    codes = np.where(nib >= 8, nib - 16, nib)[:n].astype(F32)
    return np.repeat(scales, BLOCK)[:n] * codes


def sgd_step(theta, g, lr):
    return theta - lr * g


def adamw_step(theta, m, v, g, t, lr, beta1, beta2, eps, wd):
    """One AdamW step on the dequantized gradient g; all arguments float32. Returns (theta, m, v)."""
    one = F32(1)
    omb1, omb2 = one - beta1, one - beta2
    decay = one - lr * wd
    bc1, bc2 = bias_corrections(beta1, beta2, t)
    m = beta1 * m + omb1 * g
    v = beta2 * v + omb2 * (g * g)
    mhat = m / bc1
    vhat = v / bc2
    u = mhat / (np.sqrt(vhat) + eps)
    return theta * decay - lr * u, m, v


def read_safetensors(raw):
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    return header, raw[8 + n:]


def artifact_bytes(a):
    if "inline" in a:
        return base64.b64decode(a["inline"])
    return open(urllib.parse.urlparse(a["uri"]).path, "rb").read()


def theta0_vector(raw):
    header, data = read_safetensors(raw)
    names = sorted((k for k in header if not BUFFER.match(k)), key=lambda s: s.encode())
    return np.concatenate([np.frombuffer(data[header[k]["data_offsets"][0]:header[k]["data_offsets"][1]], dtype="<f4")
                           for k in names]).astype(F32)


def gradient(raw, n):
    header, data = read_safetensors(raw)
    s, c = header["scales"]["data_offsets"], header["codes"]["data_offsets"]
    scales = np.frombuffer(data[s[0]:s[1]], dtype="<f4").astype(F32)
    packed = np.frombuffer(data[c[0]:c[1]], dtype=np.uint8)
    return scales, packed


def root_of(vec):
    raw = vec.astype("<f4").tobytes()
    return mk.mth([raw[i:i + 4 * LEAF] for i in range(0, len(raw), 4 * LEAF)]).hex()


def gradient_root(scales, packed, n):
    leaves = []
    for start in range(0, n, LEAF):
        m = min(LEAF, n - start)
        blocks = (m + BLOCK - 1) // BLOCK
        leaves.append(scales[start // BLOCK:start // BLOCK + blocks].astype("<f4").tobytes()
                      + packed[start // 2:start // 2 + (m + 1) // 2].tobytes())
    return mk.mth(leaves).hex()


def replay(bundle):
    f = lambda x: F32(struct.unpack("<f", struct.pack("<f", x))[0])
    lr = f(bundle["lr"])
    opt = bundle.get("optimizer") or {"name": "sgd"}
    art = bundle["artifacts"]
    theta = theta0_vector(artifact_bytes(art["theta0"]))
    n = len(theta)
    out = {"theta0Root": root_of(theta), "weightsRoots": [], "gradientRoots": []}
    m = np.zeros(n, dtype=F32)
    v = np.zeros(n, dtype=F32)
    for t, a in enumerate(art["gradients"], start=1):
        scales, packed = gradient(artifact_bytes(a), n)
        g = dequantize(scales, packed, n)
        if opt["name"] == "adamw":
            theta, m, v = adamw_step(theta, m, v, g, t, lr, f(opt["beta1"]), f(opt["beta2"]), f(opt["eps"]),
                                     f(opt["weightDecay"]))
        else:
            theta = sgd_step(theta, g, lr)
        out["gradientRoots"].append(gradient_root(scales, packed, n))
        out["weightsRoots"].append(root_of(theta))
    return out


def main(argv):
    if len(argv) != 3 or argv[1] != "replay":
        sys.exit(__doc__)
    with open(argv[2], "rb") as fh:
        print(json.dumps(replay(json.loads(fh.read()))))


if __name__ == "__main__":
    main(sys.argv)
