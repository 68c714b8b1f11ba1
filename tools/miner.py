#!/usr/bin/env python3
"""Independent Python + numpy float32 PoGO miner (pogo/1), written from docs/protocol-parts/.

It computes losses and gradients with tools/reference_models.py (numpy, not the Swift
kernels), quantizes and applies the update rule with tools/quant_reference.py, commits with
tools/merkle_reference.py and draws batches with tools/challenge_reference.py, and writes
OUT/bundle.json with inline (--inline) or file:// artifacts. Its gradients differ from the
Swift verifier's by float rounding, which is what the verifier's tolerances must absorb.

    miner.py --arch mlp --hidden 32 --steps 8 --lr 0.1 --batch 64 --eval-batch 256 \
             --seed 1 --block-seed HEX --out DIR [--inline] [--dataset PATH] [--noise REL]
             [--precision float32|float64] [--sum-order batched|reversed]
             [--optimizer sgd|adamw [--beta1 B --beta2 B --eps E --weight-decay W]]

--arch gpt2 trains transformers' GPT2LMHeadModel layout (--layers, --channels, --heads,
--context as n_positions, --vocab) on an llm.c token file (--dataset), theta_0 drawn from
numpy's generator (any theta_0 is a miner's choice); --optimizer adamw applies the AdamW rule
of docs/protocol-parts/quantization.md with tools/adamw_reference.py.

Honest float noise, so the verifier's tolerances can be tested against it:
--noise REL multiplies every gradient element by (1 + REL * N(0, 1)) before quantizing, a
stand-in for a less precise device (e.g. REL = 1e-3 for TF32-like matmuls);
--precision float64 computes losses and gradients in binary64 and rounds them to fp32;
--sum-order reversed adds per-example gradients in reverse example order instead of one
batched matmul (see reference_models.loss_and_grad). tools/gradient_noise.py measures them.
"""
import argparse
import base64
import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import challenge_reference as ch  # noqa: E402
import adamw_reference as ar  # noqa: E402
import merkle_reference as mk  # noqa: E402
import quant_reference as qr  # noqa: E402
import reference_models as rm  # noqa: E402

F32 = np.float32


def canonical(tensors, shapes):
    return np.concatenate([np.asarray(tensors[n], dtype=F32).reshape(-1) for n in sorted(shapes, key=str.encode)])


def unflatten(vec, shapes):
    out, at = {}, 0
    for n in sorted(shapes, key=str.encode):
        size = int(np.prod(shapes[n]))
        out[n] = vec[at:at + size].reshape(shapes[n])
        at += size
    return out


def weights_root(vec):
    raw = vec.astype("<f4").tobytes()
    return mk.mth([raw[i:i + mk.LEAF_BYTES] for i in range(0, len(raw), mk.LEAF_BYTES)])


def gradient_leaves(scales, packed, length):
    out = []
    for start in range(0, length, qr.LEAF):
        m = min(qr.LEAF, length - start)
        blocks = (m + qr.BLOCK - 1) // qr.BLOCK
        out.append(scales[start // qr.BLOCK:start // qr.BLOCK + blocks].astype("<f4").tobytes()
                   + packed[start // 2:start // 2 + (m + 1) // 2].tobytes())
    return out


def safetensors_bytes(tensors, metadata=None):
    path = os.path.join(ARGS.out, ".tmp.safetensors")
    rm.save_safetensors(path, tensors, metadata)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def artifact(name, data):
    if ARGS.inline:
        return {"inline": base64.b64encode(data).decode()}
    path = os.path.abspath(os.path.join(ARGS.out, name))
    with open(path, "wb") as f:
        f.write(data)
    return {"uri": "file://" + path}


class Data:
    def __init__(self, arch, path, cfg):
        raw = open(path, "rb").read()
        self.digest = hashlib.sha256(raw).digest()
        self.arch = arch
        if arch == "mlp":
            table = np.array([[int(v) for v in line.split(",")] for line in raw.decode().splitlines()], dtype=np.int64)
            self.features = (table[:, :64].astype(F32) / F32(16)).astype(F32)
            self.labels = table[:, 64].astype(np.int32)
            self.n = len(self.labels)
        elif arch == "gpt2":
            magic, version, count = np.frombuffer(raw[:12], dtype="<i4")
            assert (magic, version) == (20240520, 1) and len(raw) == 1024 + 2 * count, "not an llm.c token file"
            self.bytes = np.frombuffer(raw[1024:], dtype="<u2")
            self.T = cfg["n_positions"]
            self.n = len(self.bytes) - self.T
        else:
            self.bytes = np.frombuffer(raw, dtype=np.uint8)
            self.T = cfg["context"]
            self.n = len(raw) - self.T

    def batch(self, idx):
        if self.arch == "mlp":
            return {"features": self.features[idx], "labels": self.labels[idx]}
        rows = np.array([self.bytes[i:i + self.T + 1] for i in idx], dtype=np.int32)
        return {"inputs": rows[:, :-1], "targets": rows[:, 1:]}


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", choices=["mlp", "gpt", "gpt2"], required=True)
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--optimizer", choices=["sgd", "adamw"], default="sgd")
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-8)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--hidden", default="32")
    p.add_argument("--activation", default="tanh")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--channels", type=int, default=32)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--context", type=int, default=16)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--eval-batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block-seed", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--inline", action="store_true")
    p.add_argument("--dataset")
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--precision", choices=["float32", "float64"], default="float32")
    p.add_argument("--sum-order", choices=["batched", "reversed"], default="batched")
    ARGS = p.parse_args()
    os.makedirs(ARGS.out, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if ARGS.arch == "mlp":
        cfg = {"inputs": 64, "hidden": [int(h) for h in ARGS.hidden.split(",")], "classes": 10, "activation": ARGS.activation}
        default_data = os.path.join(root, "data", "digits.csv")
    elif ARGS.arch == "gpt2":
        cfg = {"n_layer": ARGS.layers, "n_embd": ARGS.channels, "n_head": ARGS.heads, "n_positions": ARGS.context,
               "vocab_size": ARGS.vocab, "n_inner": None, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new",
               "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}
        default_data = os.path.join(root, "data", "shakespeare-bytes.tokens")
    else:
        cfg = {"layers": ARGS.layers, "channels": ARGS.channels, "heads": ARGS.heads, "context": ARGS.context}
        default_data = os.path.join(root, "data", "shakespeare.txt")
    data = Data(ARGS.arch, ARGS.dataset or default_data, cfg)
    block_seed = bytes.fromhex(ARGS.block_seed)
    lr = F32(ARGS.lr)
    shapes = rm.param_shapes(ARGS.arch, cfg)
    if ARGS.arch == "gpt2":
        draw = np.random.default_rng(ARGS.seed)
        theta = canonical({n: (np.ones(s) if "ln_" in n and n.endswith(".weight") else
                               np.zeros(s) if "ln_" in n or n.endswith(".bias") else
                               draw.normal(0, 0.02, s)).astype(F32) for n, s in shapes.items()}, shapes)
    else:
        theta = canonical(rm.init_params(ARGS.arch, cfg, ARGS.seed), shapes)
    adamw = None
    if ARGS.optimizer == "adamw":
        adamw = {"name": "adamw", "beta1": float(F32(ARGS.beta1)), "beta2": float(F32(ARGS.beta2)),
                 "eps": float(F32(ARGS.eps)), "weightDecay": float(F32(ARGS.weight_decay))}
        m, v = np.zeros_like(theta), np.zeros_like(theta)
    theta0 = theta.copy()
    noise = np.random.default_rng(ARGS.seed)

    def loss_grad(vec, idx):
        loss, grad = rm.loss_and_grad(unflatten(vec, shapes), {"arch": ARGS.arch, "config": json.dumps(cfg)}, data.batch(idx),
                                      ARGS.precision, ARGS.sum_order)
        return F32(loss), canonical(grad, shapes)

    steps, grads = [], []
    for t in range(1, ARGS.steps + 1):
        loss, g = loss_grad(theta, ch.batch(data.digest, block_seed, t, ARGS.batch, data.n))
        if ARGS.noise:
            g = (g * (F32(1) + F32(ARGS.noise) * noise.standard_normal(g.size).astype(F32))).astype(F32)
        scales, codes, packed = qr.quantize(g)
        if adamw:
            theta, m, v = ar.adamw_step(theta, m, v, ar.dequantize(scales, packed, g.size), t, lr, F32(adamw["beta1"]),
                                        F32(adamw["beta2"]), F32(adamw["eps"]), F32(adamw["weightDecay"]))
        else:
            theta = qr.update(theta, scales, codes, lr)
        grads.append(safetensors_bytes({"codes": packed, "scales": scales},
                                       {"format": "pogo/1/grad4", "parameters": str(g.size)}))
        steps.append({"weightsRoot": weights_root(theta).hex(),
                      "gradientRoot": mk.mth(gradient_leaves(scales, packed, g.size)).hex(),
                      "loss": float(loss)})
    evaluation = ch.eval_public(data.digest, block_seed, ARGS.eval_batch, data.n)
    bundle = {
        "protocol": "pogo/1",
        "model": {"architecture": ARGS.arch, "config": cfg},
        "dataset": {"sha256": data.digest.hex()},
        "lr": float(lr),
        **({"optimizer": adamw} if adamw else {}),
        "batchSize": ARGS.batch,
        "blockSeed": block_seed.hex(),
        "parameters": int(theta.size),
        "theta0Root": weights_root(theta0).hex(),
        "steps": steps,
        "evaluation": {"batchSize": ARGS.eval_batch,
                       "initialLoss": float(loss_grad(theta0, evaluation)[0]),
                       "finalLoss": float(loss_grad(theta, evaluation)[0])},
        "artifacts": {
            "theta0": artifact("theta0.safetensors", safetensors_bytes(unflatten(theta0, shapes))),
            "gradients": [artifact("grad-%04d.safetensors" % (i + 1), g) for i, g in enumerate(grads)],
        },
    }
    with open(os.path.join(ARGS.out, "bundle.json"), "w") as f:
        json.dump(bundle, f, separators=(",", ":"))
    print(json.dumps({"bundle": os.path.join(ARGS.out, "bundle.json"), "steps": ARGS.steps, "parameters": int(theta.size)}))


if __name__ == "__main__":
    main()
