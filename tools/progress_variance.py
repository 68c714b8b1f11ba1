#!/usr/bin/env python3
"""How many evaluation examples make the secret progress check meaningful (issue 12, part 5).

The check (docs/protocol-parts/verification.md, progress.secretImprovement) passes when, on E
examples drawn from the challenge seed, loss(theta_N) <= loss(theta_0) * (1 - margin). With
few examples chance decides it. This tool trains honest runs with the numpy reference models
(tools/reference_models.py, the pogo/1 quantized update of tools/quant_reference.py), takes
the per-example loss change d_i = loss_i(theta_N) - loss_i(theta_0) over the data set, and
estimates by resampling (without replacement, as the verifier draws) for each E:

  honest fail  P(check fails) for the honest run;
  null pass    P(check passes) for a run with the same per-example spread but no progress
               on average (d_i - mean(d)): what a forger whose theta_N did not improve gets
               from luck alone.

    progress_variance.py [--draws 20000] [--margin 0.005]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import challenge_reference as ch  # noqa: E402
import quant_reference as qr  # noqa: E402
import reference_models as rm  # noqa: E402
from miner import canonical, unflatten  # noqa: E402

F32 = np.float32
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Run:
    """One honest configuration (the tests' and the README's)."""

    def __init__(self, name, arch, cfg, lr, batch, steps, seed):
        self.name, self.arch, self.cfg, self.lr, self.batch, self.steps, self.seed = name, arch, cfg, lr, batch, steps, seed
        if arch == "mlp":
            raw = open(os.path.join(ROOT, "data", "digits.csv"), "rb").read()
            table = np.array([[int(v) for v in line.split(",")] for line in raw.decode().splitlines()], dtype=np.int64)
            self.features = (table[:, :64].astype(F32) / F32(16)).astype(F32)
            self.labels = table[:, 64].astype(np.int32)
            self.n = len(self.labels)
        else:
            raw = open(os.path.join(ROOT, "data", "shakespeare.txt"), "rb").read()
            self.bytes = np.frombuffer(raw, dtype=np.uint8)
            self.n = len(raw) - cfg["context"]
        import hashlib
        self.digest = hashlib.sha256(raw).digest()
        self.shapes = rm.param_shapes(arch, cfg)

    def batch_of(self, idx):
        if self.arch == "mlp":
            return {"features": self.features[idx], "labels": self.labels[idx]}
        t = self.cfg["context"]
        rows = np.array([self.bytes[i:i + t + 1] for i in idx], dtype=np.int32)
        return {"inputs": rows[:, :-1], "targets": rows[:, 1:]}

    def loss(self, theta, idx):
        meta = {"arch": self.arch, "config": json.dumps(self.cfg)}
        return float(rm.loss_and_grad(unflatten(theta, self.shapes), meta, self.batch_of(idx))[0])

    def train(self):
        theta = canonical(rm.init_params(self.arch, self.cfg, self.seed), self.shapes)
        theta0 = theta.copy()
        block_seed = bytes(range(32))
        meta = {"arch": self.arch, "config": json.dumps(self.cfg)}
        for t in range(1, self.steps + 1):
            idx = ch.batch(self.digest, block_seed, t, self.batch, self.n)
            _, grad = rm.loss_and_grad(unflatten(theta, self.shapes), meta, self.batch_of(idx))
            scales, codes, _ = qr.quantize(canonical(grad, self.shapes))
            theta = qr.update(theta, scales, codes, F32(self.lr))
        return theta0, theta


def per_example(run, theta, population):
    return np.array([run.loss(theta, [i]) for i in population])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--draws", type=int, default=20000)
    p.add_argument("--margin", type=float, default=0.005)
    args = p.parse_args()
    runs = [
        Run("mlp [64,32,10] lr 0.1 B 64, 6 steps", "mlp", {"inputs": 64, "hidden": [32], "classes": 10, "activation": "tanh"},
            0.1, 64, 6, 1),
        Run("mlp [64,32,10] lr 0.1 B 64, 2 steps", "mlp", {"inputs": 64, "hidden": [32], "classes": 10, "activation": "tanh"},
            0.1, 64, 2, 2),
        Run("gpt L1 C32 T16 lr 0.05 B 8, 4 steps", "gpt", {"layers": 1, "channels": 32, "heads": 2, "context": 16}, 0.05, 8, 4, 1),
        Run("gpt L1 C32 T16 lr 0.05 B 8, 20 steps", "gpt", {"layers": 1, "channels": 32, "heads": 2, "context": 16}, 0.05, 8, 20, 1),
    ]
    sizes = [1, 4, 8, 16, 32, 64, 128, 256]
    rng = np.random.default_rng(7)
    print("| run | mean loss theta_0 | mean change | sd of change per example | " + " | ".join(f"E={e}" for e in sizes) + " |")
    print("|---|---|---|---|" + "---|" * len(sizes))
    for run in runs:
        theta0, theta_n = run.train()
        population = np.arange(run.n) if run.n <= 2048 else rng.choice(run.n, 2048, replace=False)
        l0, ln = per_example(run, theta0, population), per_example(run, theta_n, population)
        d = ln - l0
        cells = []
        for e in sizes:
            picks = np.array([rng.choice(len(population), e, replace=False) for _ in range(args.draws)])
            a, b = l0[picks].mean(axis=1), ln[picks].mean(axis=1)
            honest_fail = np.mean(b > a * (1 - args.margin))
            # No progress on average, the same spread: theta_N's losses shifted so the mean change is 0.
            b0 = b - d.mean()
            null_pass = np.mean(b0 <= a * (1 - args.margin))
            cells.append(f"{honest_fail:.3f} / {null_pass:.3f}")
        print(f"| {run.name} | {l0.mean():.3f} | {d.mean():+.4f} ({d.mean() / l0.mean():+.1%}) | {d.std():.4f} | " + " | ".join(cells) + " |")
    print(f"\ncells: honest fail / null pass, {args.draws} draws each, margin {args.margin}")


if __name__ == "__main__":
    main()
