#!/usr/bin/env python3
"""Independent reference of the pogo/1 run key and commitment digest (docs/protocol-parts/bundle.md,
"Commitment and run"), written from the protocol text with hashlib and struct.

    commitment_reference.py BUNDLE.json [BUNDLE.json ...]

Prints one JSON object per bundle: {"runKey": hex, "commitment": hex}. Numbers are read as the
bundle parser reads them: JSON numbers as binary64, then lr and losses rounded to the nearest
fp32 (struct's "f" format rounds to nearest even), counts as integers.
"""
import hashlib
import json
import struct
import sys


def u64(n):
    return n.to_bytes(8, "big")


def text(s):
    raw = s.encode()
    return u64(len(raw)) + raw


def f32(x):
    bits = struct.unpack(">I", struct.pack(">f", x))[0]
    if bits == 0x80000000:  # -0 is written as +0
        bits = 0
    return bits.to_bytes(4, "big")


def digest(h):
    raw = bytes.fromhex(h)
    assert len(raw) == 32
    return raw


def integer(v):
    assert float(v) == int(v), v
    return int(v)


def model(m):
    c = m["config"]
    if m["architecture"] == "mlp":
        out = text("mlp") + u64(integer(c["inputs"])) + u64(len(c["hidden"]))
        out += b"".join(u64(integer(h)) for h in c["hidden"])
        return out + u64(integer(c["classes"])) + text(c["activation"])
    if m["architecture"] == "gpt2":
        inner = c.get("n_inner") or 4 * integer(c["n_embd"])
        sizes = [integer(c[k]) for k in ("n_layer", "n_embd", "n_head", "n_positions", "vocab_size")] + [integer(inner)]
        return text("gpt2") + b"".join(u64(n) for n in sizes) + f32(c.get("layer_norm_epsilon", 1e-5))
    return text("gpt") + b"".join(u64(integer(c[k])) for k in ("layers", "channels", "heads", "context"))


def optimizer(b):
    """Empty for SGD (absent or {"name": "sgd"}), so SGD run keys are those of bundles without it."""
    o = b.get("optimizer") or {"name": "sgd"}
    if o["name"] == "sgd":
        return b""
    return text("adamw") + b"".join(f32(o[k]) for k in ("beta1", "beta2", "eps", "weightDecay"))


def run_key(b):
    return hashlib.sha256(text("pogo/1/run") + text(b["protocol"]) + model(b["model"]) + digest(b["dataset"]["sha256"])
                          + f32(b["lr"]) + u64(integer(b["batchSize"])) + digest(b["blockSeed"])
                          + u64(integer(b["parameters"])) + digest(b["theta0Root"]) + optimizer(b)).digest()


def commitment(b):
    out = text("pogo/1/commitment") + run_key(b) + u64(len(b["steps"]))
    for s in b["steps"]:
        out += digest(s["weightsRoot"]) + digest(s["gradientRoot"]) + f32(s["loss"])
    e = b["evaluation"]
    out += u64(integer(e["batchSize"])) + f32(e["initialLoss"]) + f32(e["finalLoss"])
    return hashlib.sha256(out).digest()


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            b = json.load(f)
        print(json.dumps({"runKey": run_key(b).hex(), "commitment": commitment(b).hex()}, sort_keys=True))


if __name__ == "__main__":
    main()
