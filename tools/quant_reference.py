#!/usr/bin/env python3
"""Independent numpy float32 reference for pogo/1 4-bit gradient quantization and the update rule.

Generates a random gradient and weight vector (with zero, subnormal, tie and extreme blocks),
quantizes, packs, splits into Merkle leaf bytes and applies one update step, all in np.float32
arithmetic (np.rint rounds half to even), and writes raw little-endian files to --out:

  gradient.f32  theta.f32   inputs
  scales.f32    codes.u8    quantized gradient (codes packed, low nibble first)
  leaves.bin    the leaf byte strings concatenated in leaf order
  theta1.f32    theta - lr * (scale * code), three separate float32 roundings

Usage: quant_reference.py --out DIR --seed S --length P --lr-bits HEX
"""
import argparse
import os

import numpy as np

BLOCK = 64
LEAF = 1024
F32 = np.float32


def make_inputs(rng, length):
    blocks = (length + BLOCK - 1) // BLOCK
    g = np.zeros(blocks * BLOCK, dtype=F32)
    for b in range(blocks):
        kind = rng.integers(0, 10)
        view = g[b * BLOCK:(b + 1) * BLOCK]
        if kind == 0:
            continue  # zero block
        if kind == 1:
            # subnormal block: zeroed by the rule
            view[:] = (rng.integers(-2**20, 2**20, BLOCK) * 2.0**-149).astype(F32)
        elif kind == 2:
            # exact ties: max = 7 * 2^e makes scale = 2^e, values (k + 1/2) * 2^e
            e = int(rng.integers(-30, 30))
            view[:] = (rng.integers(-7, 7, BLOCK) + 0.5).astype(F32) * F32(2.0**e)
            view[int(rng.integers(0, BLOCK))] = F32(7 * 2.0**e) * F32(rng.choice([-1, 1]))
        elif kind == 3:
            # smallest normal maximum: the scale itself is subnormal
            view[:] = (rng.standard_normal(BLOCK) * 2.0**-128).astype(F32)
            view[0] = F32(2.0**-126)
        elif kind == 4:
            # near the top of the range
            view[:] = (rng.uniform(-1, 1, BLOCK) * 3.0e38).astype(F32)
        elif kind == 5:
            # a single non-zero value, negative zeros elsewhere
            view[:] = F32(-0.0)
            view[int(rng.integers(0, BLOCK))] = F32(rng.standard_normal())
        else:
            e = int(rng.integers(-40, 10))
            view[:] = (rng.standard_normal(BLOCK) * 2.0**e).astype(F32)
    g = g[:length].copy()
    theta = (rng.standard_normal(length) * 2.0 ** rng.integers(-20, 5, length)).astype(F32)
    special = np.array([0.0, -0.0, 2.0**-149, -2.0**-149, 2.0**-126, 3.4e38, -3.4e38, 1.0], dtype=F32)
    picks = rng.integers(0, length, min(length, 32))
    theta[picks] = special[rng.integers(0, special.size, picks.size)]
    return g, theta


def quantize(g):
    length = g.size
    blocks = (length + BLOCK - 1) // BLOCK
    padded = np.zeros(blocks * BLOCK, dtype=F32)
    padded[:length] = g
    view = padded.reshape(blocks, BLOCK)
    m = np.abs(view).max(axis=1)
    normal = m >= F32(2.0**-126)
    scales = np.where(normal, m / F32(7), F32(0)).astype(F32)
    divisor = np.where(normal, scales, F32(1)).astype(F32)
    q = np.rint(view / divisor[:, None])
    q = np.where(normal[:, None], q, F32(0))
    codes = np.clip(q, -7, 7).astype(np.int8).reshape(-1)[:length]
    nibbles = codes.view(np.uint8) & np.uint8(0x0F)
    if length % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    packed = (nibbles[0::2] | (nibbles[1::2] << np.uint8(4))).astype(np.uint8)
    return scales, codes, packed


def leaf_bytes(scales, packed, length):
    out = []
    for start in range(0, length, LEAF):
        m = min(LEAF, length - start)
        nb = (m + BLOCK - 1) // BLOCK
        first_block = start // BLOCK
        first_byte = start // 2
        out.append(scales[first_block:first_block + nb].astype('<f4').tobytes()
                   + packed[first_byte:first_byte + (m + 1) // 2].tobytes())
    return b"".join(out)


def update(theta, scales, codes, lr):
    per_param = np.repeat(scales, BLOCK)[:theta.size]
    with np.errstate(over="ignore", invalid="ignore"):
        d = per_param * codes.astype(F32)
        u = lr * d
        return (theta - u).astype(F32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--length", type=int, required=True)
    ap.add_argument("--lr-bits", required=True, help="the learning rate's float32 bit pattern, hex")
    a = ap.parse_args()
    lr = np.array([int(a.lr_bits, 16)], dtype=np.uint32).view(F32)[0]
    rng = np.random.default_rng(a.seed)
    g, theta = make_inputs(rng, a.length)
    scales, codes, packed = quantize(g)
    theta1 = update(theta, scales, codes, lr)
    os.makedirs(a.out, exist_ok=True)
    files = {
        "gradient.f32": g.astype('<f4').tobytes(),
        "theta.f32": theta.astype('<f4').tobytes(),
        "scales.f32": scales.astype('<f4').tobytes(),
        "codes.u8": packed.tobytes(),
        "leaves.bin": leaf_bytes(scales, packed, a.length),
        "theta1.f32": theta1.astype('<f4').tobytes(),
    }
    for name, data in files.items():
        with open(os.path.join(a.out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
