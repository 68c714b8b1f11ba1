#!/usr/bin/env python3
"""Measures honest float noise in pogo/1 quantized gradients, and what steering forgers get.

The verifier recomputes a challenged step's gradient in fp32 and compares the committed
quantized leaf with it (docs/protocol-parts/verification.md, check 9). This tool measures the
comparison's values for honest miners whose float rounding differs from the verifier's, and
for forgers, with the numpy reference (tools/reference_models.py, the same code as
tools/miner.py) standing in for the verifier.

Honest variants, each mining its own trajectory (theta updated with its own committed
gradient) and compared at every step with the fp32 batched gradient at the same theta:

  float64   the gradient computed in binary64, rounded to fp32 once
  reversed  per-example gradients added in reverse example order, then divided by B
  noise     the fp32 gradient times (1 + REL * N(0, 1)) element-wise (TF32-like, --noise)

For every block above the noise floor (recomputed scale > noiseFloor * largest recomputed
scale) it reports, in quanta of the COMMITTED block scale (x = g / committedScale, the
recomputed code r = clamp(rint(x), -7, 7)): the fraction of codes that differ (per leaf), the
largest code distance, the largest scale relative error |cs - rs| / rs, and for each differing
code with |c - r| = 1 the distance |x - (c + r) / 2| of the recomputed value to the rounding
boundary between the two codes (max and 99.9th percentile). The same codes measured in quanta
of the RECOMPUTED scale (x' = g / rs) are shown for comparison, and how many steps pass the
policy given (every leaf).

Forgers (on the honest fp32 trajectory; they know the verifier's gradient exactly), with a
direction d ~ N(0, I) per run that they want to push the parameters along:

  steer      2% of each leaf's codes (the largest |d_j|, regardless of boundaries) moved by
             one step along sign(d_j), clamped to +-7, and every scale raised by 0.99%: the
             attack of issue 12 part 4
  scale      every scale raised by 0.99 * scaleTolerance, codes unchanged
  adaptive   the best forger under the policy given: scales moved by 0.99 * scaleTolerance
             (up or down per block, whichever pushes the block along d), codes re-rounded with
             the committed scale, then, per leaf, up to maxMismatch of the compared codes
             flipped along sign(d_j), only codes within maxBoundaryDistance of that boundary,
             largest |d_j| first

For each: the largest boundary distance its differing codes need, the fraction of its
differing codes within --max-boundary-distance, whether every leaf passes the policy, the
drift |forged - honest| / |honest| of the update and its projection on d, <forged - honest,
d> / (|d| |honest|), per step (max over steps and seeds).

    gradient_noise.py [--arch mlp,gpt] [--seeds 1,...,10] [--steps 8] [--noise 1e-3]
                      [--max-boundary-distance 0.05] [--max-mismatch 0.015] [--scale-tolerance 0.007]
                      [--noise-floor 1e-6] [--json]

The policy defaults are VerificationPolicy's.

The model configurations are those of the Swift tests: mlp [64, 32, 10] tanh on digits,
batch 64, lr 0.1; gpt L = 1, C = 32, H = 2, T = 16 on Shakespeare, batch 8, lr 0.05.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import challenge_reference as ch  # noqa: E402
import miner as mn  # noqa: E402
import quant_reference as qr  # noqa: E402
import reference_models as rm  # noqa: E402

F32 = np.float32
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK_SEED = bytes.fromhex("0" * 64)
CONFIGS = {
    "mlp": ({"inputs": 64, "hidden": [32], "classes": 10, "activation": "tanh"}, "digits.csv", 64, 0.1),
    "gpt": ({"layers": 1, "channels": 32, "heads": 2, "context": 16}, "shakespeare.txt", 8, 0.05),
}
HONEST = ["float64", "reversed", "noise"]


class Run:
    """One architecture's data, parameter layout and fp32 reference gradient."""

    def __init__(self, arch):
        self.arch = arch
        self.cfg, data_file, self.batch_size, lr = CONFIGS[arch]
        self.data = mn.Data(arch, os.path.join(ROOT, "data", data_file), self.cfg)
        self.shapes = rm.param_shapes(arch, self.cfg)
        self.meta = {"arch": arch, "config": json.dumps(self.cfg)}
        self.lr = F32(lr)

    def theta0(self, seed):
        return mn.canonical(rm.init_params(self.arch, self.cfg, seed), self.shapes)

    def gradient(self, theta, step, precision="float32", sum_order="batched"):
        idx = ch.batch(self.data.digest, BLOCK_SEED, step, self.batch_size, self.data.n)
        _, g = rm.loss_and_grad(mn.unflatten(theta, self.shapes), self.meta, self.data.batch(idx), precision, sum_order)
        return mn.canonical(g, self.shapes)


def per_param(block_values, length):
    return np.repeat(block_values, qr.BLOCK)[:length]


def compare(g, scales, codes, noise_floor):
    """The verifier's comparison of a committed gradient (scales, codes) with the recomputed
    fp32 gradient g over the whole vector; returns per-parameter and per-leaf arrays."""
    rs, rcodes, _ = qr.quantize(g)
    floor = F32(noise_floor) * rs.max()
    compared = per_param(rs > floor, g.size)
    cs = per_param(scales, g.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = g / cs
    finite = np.isfinite(x)
    r = np.clip(np.rint(np.where(finite, x, 0)), -7, 7).astype(np.int64)
    c = codes.astype(np.int64)
    differs = compared & ((c != r) | ~finite)
    distance = np.where(compared & finite, np.abs(c - r), 0)
    boundary = np.abs(x.astype(np.float64) - (c + r) / 2)
    adjacent = differs & finite & (distance == 1)
    block_compared = rs > floor
    scale_error = np.where(block_compared, np.abs(scales.astype(np.float64) - rs) / np.where(block_compared, rs, 1), 0)
    leaves = (g.size + qr.LEAF - 1) // qr.LEAF
    leaf_of = np.arange(g.size) // qr.LEAF
    leaf_compared = np.bincount(leaf_of, weights=compared, minlength=leaves)
    leaf_differs = np.bincount(leaf_of, weights=differs, minlength=leaves)
    # The same codes in quanta of the recomputed scale: what the comparison would see if it
    # measured against quantize(g) instead of the committed scale.
    with np.errstate(divide="ignore", invalid="ignore"):
        xr = g / per_param(np.where(rs > 0, rs, F32(1)), g.size)
    differs_r = compared & (c != rcodes.astype(np.int64))
    boundary_r = np.abs(xr.astype(np.float64) - (c + rcodes) / 2)
    return {
        "x": x, "r": r, "compared": compared, "differs": differs, "distance": distance,
        "boundary": np.where(adjacent, boundary, np.nan), "scale_error": scale_error,
        "noise_blocks": int((~block_compared).sum()), "compared_blocks": int(block_compared.sum()),
        "noise_violations": int(((~block_compared) & (scales > floor)).sum()),
        "leaf_fraction": np.where(leaf_compared > 0, leaf_differs / np.maximum(leaf_compared, 1), 0),
        "leaf_compared": leaf_compared,
        "leaf_fraction_recomputed": np.bincount(leaf_of, weights=differs_r, minlength=leaves) / np.maximum(leaf_compared, 1),
        "boundary_recomputed": np.where(differs_r & (np.abs(c - rcodes) == 1), boundary_r, np.nan),
        "rs": rs, "rcodes": rcodes, "floor": floor,
    }


def passes(cmp, policy):
    """Whether every leaf passes the comparison under `policy`."""
    within = np.nan_to_num(cmp["boundary"], nan=np.inf) <= policy["max_boundary_distance"]
    bad_code = cmp["differs"] & ~within
    return (cmp["noise_violations"] == 0 and not bad_code.any()
            and float(cmp["scale_error"].max()) <= policy["scale_tolerance"]
            and float(cmp["leaf_fraction"].max()) <= policy["max_mismatch"])


def drift(g, scales, codes, honest_scales, honest_codes, direction, target):
    """|forged - honest| / |honest|, the projections of forged - honest on `direction` and on
    `target` over |honest|, and |forged - g| / |honest - g| (how far each update is from the
    unquantized gradient)."""
    forged = per_param(scales, g.size).astype(np.float64) * codes
    honest = per_param(honest_scales, g.size).astype(np.float64) * honest_codes
    delta = forged - honest
    norm = np.linalg.norm(honest)
    exact = g.astype(np.float64)
    return (np.linalg.norm(delta) / norm, float(delta @ direction) / (np.linalg.norm(direction) * norm),
            float(delta @ target) / (np.linalg.norm(target) * norm),
            np.linalg.norm(forged - exact) / np.linalg.norm(honest - exact))


def steer(g, cmp_honest, direction, fraction=0.02, scale_factor=1.0099):
    """The attack of issue 12 part 4: codes moved anywhere, scales raised."""
    rs, codes = cmp_honest["rs"], cmp_honest["rcodes"].astype(np.int64).copy()
    compared = cmp_honest["compared"]
    step = np.sign(direction).astype(np.int64)
    for start in range(0, g.size, qr.LEAF):
        idx = np.arange(start, min(start + qr.LEAF, g.size))
        idx = idx[compared[idx]]
        k = int(np.floor(fraction * idx.size))
        chosen = idx[np.argsort(-np.abs(direction[idx]), kind="stable")[:k]]
        codes[chosen] = np.clip(codes[chosen] + step[chosen], -7, 7)
    scales = np.where(rs > cmp_honest["floor"], (rs * F32(scale_factor)).astype(F32), rs).astype(F32)
    return scales, codes


def scale_only(cmp_honest, factor):
    rs = cmp_honest["rs"]
    return np.where(rs > cmp_honest["floor"], (rs * F32(factor)).astype(F32), rs).astype(F32), cmp_honest["rcodes"].astype(np.int64)


def adaptive(g, cmp_honest, direction, policy):
    """The adaptive forger under `policy` (see the module docstring). Returns scales, codes and
    the fraction of compared codes it could flip (before the cap)."""
    rs, floor = cmp_honest["rs"], cmp_honest["floor"]
    compared_block = rs > floor
    blocks = rs.size
    compared = per_param(compared_block, g.size)
    step = np.sign(direction).astype(np.int64)
    padded = np.zeros(blocks * qr.BLOCK)
    padded[:g.size] = g.astype(np.float64) * direction
    toward = np.sign(padded.reshape(blocks, qr.BLOCK).sum(axis=1))
    factor = (1 + 0.99 * policy["scale_tolerance"] * np.where(toward == 0, 1, toward)).astype(F32)
    scales = np.where(compared_block, (rs * factor).astype(F32), rs).astype(F32)
    cs = per_param(scales, g.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(compared, g / np.where(compared, cs, F32(1)), 0).astype(F32)
    r = np.clip(np.rint(x), -7, 7).astype(np.int64)
    target = r + step
    near = np.abs(x.astype(np.float64) - (r + target) / 2) <= policy["max_boundary_distance"] * (1 - 1e-6)
    eligible = compared & (np.abs(target) <= 7) & near & (step != 0)
    codes = np.where(compared, r, cmp_honest["rcodes"]).astype(np.int64)
    for start in range(0, g.size, qr.LEAF):
        idx = np.arange(start, min(start + qr.LEAF, g.size))
        k = int(np.floor(policy["max_mismatch"] * compared[idx].sum()))
        idx = idx[eligible[idx]]
        chosen = idx[np.argsort(-np.abs(direction[idx]), kind="stable")[:k]]
        codes[chosen] = target[chosen]
    return scales, codes, float(eligible.sum()) / max(int(compared.sum()), 1)


def summarize(values):
    values = np.asarray([v for v in values if np.isfinite(v)])
    if values.size == 0:
        return {"count": 0, "max": 0.0, "p999": 0.0}
    return {"count": int(values.size), "max": float(values.max()), "p999": float(np.percentile(values, 99.9))}


def measure_honest(run, seeds, steps, noise, policy, noise_floor):
    out = {}
    for variant in HONEST:
        acc = {"boundary": [], "boundary_recomputed": [], "leaf_fraction": [], "leaf_fraction_recomputed": [],
               "distance": 0, "scale_error": 0.0, "compared_blocks": 0, "noise_blocks": 0, "noise_violations": 0,
               "steps": 0, "passing": 0, "codes": 0, "differs": 0}
        for seed in seeds:
            theta = run.theta0(seed)
            rng = np.random.default_rng(seed)
            for t in range(1, steps + 1):
                reference = run.gradient(theta, t)
                if variant == "float64":
                    g = run.gradient(theta, t, precision="float64")
                elif variant == "reversed":
                    g = run.gradient(theta, t, sum_order="reversed")
                else:
                    g = (reference * (F32(1) + F32(noise) * rng.standard_normal(reference.size).astype(F32))).astype(F32)
                scales, codes, _ = qr.quantize(g)
                c = compare(reference, scales, codes, noise_floor)
                acc["boundary"] += list(c["boundary"][~np.isnan(c["boundary"])])
                acc["boundary_recomputed"] += list(c["boundary_recomputed"][~np.isnan(c["boundary_recomputed"])])
                acc["leaf_fraction"] += list(c["leaf_fraction"])
                acc["leaf_fraction_recomputed"] += list(c["leaf_fraction_recomputed"])
                acc["distance"] = max(acc["distance"], int(c["distance"].max()))
                acc["scale_error"] = max(acc["scale_error"], float(c["scale_error"].max()))
                for key in ("compared_blocks", "noise_blocks", "noise_violations"):
                    acc[key] += c[key]
                acc["steps"] += 1
                acc["passing"] += int(passes(c, policy))
                acc["codes"] += int(c["compared"].sum())
                acc["differs"] += int(c["differs"].sum())
                theta = qr.update(theta, scales, codes, run.lr)
        out[variant] = {
            "steps": acc["steps"], "passingSteps": acc["passing"], "comparedBlocks": acc["compared_blocks"], "noiseBlocks": acc["noise_blocks"],
            "noiseViolations": acc["noise_violations"], "comparedCodes": acc["codes"], "differingCodes": acc["differs"],
            "maxLeafMismatch": float(np.max(acc["leaf_fraction"])),
            "p999LeafMismatch": float(np.percentile(acc["leaf_fraction"], 99.9)),
            "maxCodeDistance": acc["distance"], "maxScaleRelativeError": acc["scale_error"],
            "boundaryDistance": summarize(acc["boundary"]),
            "recomputedScale": {"maxLeafMismatch": float(np.max(acc["leaf_fraction_recomputed"])),
                                "boundaryDistance": summarize(acc["boundary_recomputed"])},
        }
    return out


def target_set(direction, size, fraction=0.02):
    """`direction` kept on the 2% of each leaf's coordinates with the largest |d|, zero elsewhere:
    the parameters the steering attack moves."""
    target = np.zeros(size)
    for start in range(0, size, qr.LEAF):
        idx = np.arange(start, min(start + qr.LEAF, size))
        chosen = idx[np.argsort(-np.abs(direction[idx]), kind="stable")[:int(np.floor(fraction * idx.size))]]
        target[chosen] = direction[chosen]
    return target


FORGERS = ("steer", "scale", "adaptive")


def measure_forgers(run, seeds, steps, policy, noise_floor):
    out = {name: {"steps": 0, "passingSteps": 0, "boundary": [], "within": 0, "differs": 0, "maxLeafMismatch": 0.0,
                  "maxScaleRelativeError": 0.0, "drift": [], "projection": [], "targetProjection": [], "errorRatio": [],
                  "eligible": []} for name in FORGERS}
    for seed in seeds:
        theta = run.theta0(seed)
        direction = np.random.default_rng(1000 + seed).standard_normal(theta.size)
        target = target_set(direction, theta.size)
        for t in range(1, steps + 1):
            g = run.gradient(theta, t)
            rs, rcodes, _ = qr.quantize(g)
            honest = compare(g, rs, rcodes, noise_floor)
            forged = {"steer": steer(g, honest, direction),
                      "scale": scale_only(honest, 1 + 0.99 * policy["scale_tolerance"])}
            scales, codes, eligible = adaptive(g, honest, direction, policy)
            forged["adaptive"] = (scales, codes)
            out["adaptive"]["eligible"].append(eligible)
            for name, (scales, codes) in forged.items():
                c = compare(g, scales, codes, noise_floor)
                o = out[name]
                o["steps"] += 1
                o["passingSteps"] += int(passes(c, policy))
                b = c["boundary"][~np.isnan(c["boundary"])]
                o["boundary"] += list(b)
                o["within"] += int((b <= policy["max_boundary_distance"]).sum())
                o["differs"] += int(c["differs"].sum())
                o["maxLeafMismatch"] = max(o["maxLeafMismatch"], float(c["leaf_fraction"].max()))
                o["maxScaleRelativeError"] = max(o["maxScaleRelativeError"], float(c["scale_error"].max()))
                d, p, tp, e = drift(g, scales, codes, rs, rcodes.astype(np.int64), direction, target)
                o["drift"].append(d)
                o["projection"].append(p)
                o["targetProjection"].append(tp)
                o["errorRatio"].append(e)
            theta = qr.update(theta, rs, rcodes, run.lr)
    result = {}
    for name, o in out.items():
        b = np.asarray(o["boundary"])
        result[name] = {
            "steps": o["steps"], "passingSteps": o["passingSteps"], "differingCodes": o["differs"],
            "withinMaxBoundaryDistance": o["within"], "maxLeafMismatch": o["maxLeafMismatch"],
            "maxScaleRelativeError": o["maxScaleRelativeError"],
            "boundaryDistance": {"min": float(b.min()) if b.size else 0.0, "median": float(np.median(b)) if b.size else 0.0,
                                 "max": float(b.max()) if b.size else 0.0},
            "maxDrift": float(np.max(o["drift"])), "maxProjection": float(np.max(o["projection"])),
            "meanProjection": float(np.mean(o["projection"])), "maxTargetProjection": float(np.max(o["targetProjection"])),
            "maxErrorRatio": float(np.max(o["errorRatio"])),
        }
        if o["eligible"]:
            result[name]["meanEligibleFraction"] = float(np.mean(o["eligible"]))
    return result


def print_tables(results, args):
    print(f"honest variants against the fp32 reference (noise REL = {args.noise}; seeds {args.seeds}, {args.steps} steps, every leaf)")
    print("| arch | variant | steps passing | compared blocks | noise blocks | max leaf mismatch (p99.9) | max code distance "
          "| max scale rel. error | differing codes | max boundary distance (p99.9) | recomputed-scale quanta: max leaf mismatch, max boundary distance |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for arch, r in results.items():
        for variant, v in r["honest"].items():
            b, rb = v["boundaryDistance"], v["recomputedScale"]
            print(f"| {arch} | {variant} | {v['passingSteps']} / {v['steps']} | {v['comparedBlocks']} | {v['noiseBlocks']} "
                  f"| {v['maxLeafMismatch']:.4%} ({v['p999LeafMismatch']:.4%}) | {v['maxCodeDistance']} "
                  f"| {v['maxScaleRelativeError']:.3g} | {v['differingCodes']} / {v['comparedCodes']} "
                  f"| {b['max']:.3g} ({b['p999']:.3g}) | {rb['maxLeafMismatch']:.4%}, {rb['boundaryDistance']['max']:.3g} |")
    print()
    print(f"forgers (policy: maxBoundaryDistance {args.max_boundary_distance}, maxCodeMismatchFraction {args.max_mismatch}, "
          f"scaleRelativeTolerance {args.scale_tolerance})")
    print("| arch | forger | steps passing | differing codes (within maxBoundaryDistance) | boundary distance min / median / max "
          "| max leaf mismatch | max scale rel. error | drift per step (max) | projection on d per step (max, mean) "
          "| projection on the 2% target (max) | error to unquantized g vs honest (max ratio) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for arch, r in results.items():
        for name, v in r["forgers"].items():
            b = v["boundaryDistance"]
            extra = f" (eligible {v['meanEligibleFraction']:.2%})" if "meanEligibleFraction" in v else ""
            print(f"| {arch} | {name}{extra} | {v['passingSteps']} / {v['steps']} | {v['differingCodes']} ({v['withinMaxBoundaryDistance']}) "
                  f"| {b['min']:.3g} / {b['median']:.3g} / {b['max']:.3g} | {v['maxLeafMismatch']:.4%} | {v['maxScaleRelativeError']:.3g} "
                  f"| {v['maxDrift']:.2%} | {v['maxProjection']:.2%}, {v['meanProjection']:.2%} | {v['maxTargetProjection']:.2%} "
                  f"| {v['maxErrorRatio']:.3f} |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default="mlp,gpt")
    p.add_argument("--seeds", default="1,2,3,4,5,6,7,8,9,10")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--noise", type=float, default=1e-3)
    p.add_argument("--noise-floor", type=float, default=1e-6)
    p.add_argument("--max-boundary-distance", type=float, default=0.05)
    p.add_argument("--max-mismatch", type=float, default=0.015)
    p.add_argument("--scale-tolerance", type=float, default=0.007)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    policy = {"max_boundary_distance": args.max_boundary_distance, "max_mismatch": args.max_mismatch,
              "scale_tolerance": args.scale_tolerance}
    results = {}
    for arch in args.arch.split(","):
        run = Run(arch)
        results[arch] = {"honest": measure_honest(run, seeds, args.steps, args.noise, policy, args.noise_floor),
                         "forgers": measure_forgers(run, seeds, args.steps, policy, args.noise_floor)}
    if args.json:
        print(json.dumps(results, indent=1, sort_keys=True))
    else:
        print_tables(results, args)


if __name__ == "__main__":
    main()
