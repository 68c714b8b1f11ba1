#!/usr/bin/env python3
"""Independent pure-Python (hashlib) reference for pogo/1 challenge derivation.

  challenge_reference.py vectors               the fixed vector set (Tests/Fixtures/challenge/vectors.json)
  challenge_reference.py random --seed S       random cases drawn with random.Random(S)

Both print JSON {"cases": [...]}; every case names its kind, inputs and expected output.
Integers that may exceed 2^53 (populations and draws of "uniform") are decimal strings.
"""
import argparse
import hashlib
import json
import random


def u64be(i):
    return i.to_bytes(8, "big")


class Stream:
    """SHA-256 counter mode: block_i = SHA-256(seed || uint64_be(i)), bytes consumed in order."""

    def __init__(self, seed):
        assert len(seed) == 32
        self.seed, self.counter, self.buf = seed, 0, b""

    def read(self, n):
        while len(self.buf) < n:
            self.buf += hashlib.sha256(self.seed + u64be(self.counter)).digest()
            self.counter += 1
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def word(self):
        return int.from_bytes(self.read(8), "big")


def uniform(stream, n):
    limit = 2**64 - (2**64 % n)
    while True:
        x = stream.word()
        if x < limit:
            return x % n


def distinct(stream, k, n):
    if k > n:
        raise ValueError("k > n")
    swapped, out = {}, []
    for i in range(k):
        j = i + uniform(stream, n - i)
        at_i = swapped.pop(i, i)
        at_j = at_i if j == i else swapped.get(j, j)
        if j != i:
            swapped[j] = at_i
        out.append(at_j)
    return out


def sha(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def batch(dataset, block_seed, step, k, n):
    return distinct(Stream(sha(b"pogo/1/batch", dataset, block_seed, u64be(step))), k, n)


def eval_public(dataset, block_seed, k, n):
    return distinct(Stream(sha(b"pogo/1/eval-public", dataset, block_seed)), k, n)


def challenge_seed(bundle, beacon):
    return sha(b"pogo/1/challenge", bundle, beacon)


def steps(cseed, count_steps, k):
    return [s + 1 for s in distinct(Stream(sha(b"pogo/1/steps", cseed)), k, count_steps)]


def leaves(cseed, step, leaf_count, k):
    return distinct(Stream(sha(b"pogo/1/leaves", cseed, u64be(step))), k, leaf_count)


def eval_secret(cseed, k, n):
    return distinct(Stream(sha(b"pogo/1/eval-secret", cseed)), k, n)


def cases_for(dataset, block_seed, bundle, beacon, sizes):
    """One case of each kind for the given inputs; sizes = (n, k, N, k_steps, L, k_leaves, step)."""
    n, k, big_n, k_steps, leaf_count, k_leaves, step = sizes
    cseed = challenge_seed(bundle, beacon)
    h = lambda b: b.hex()
    return [
        {"kind": "batch", "dataset": h(dataset), "block_seed": h(block_seed), "step": step,
         "batch_size": k, "n": n, "indices": batch(dataset, block_seed, step, k, n)},
        {"kind": "eval_public", "dataset": h(dataset), "block_seed": h(block_seed),
         "batch_size": k, "n": n, "indices": eval_public(dataset, block_seed, k, n)},
        {"kind": "challenge_seed", "bundle": h(bundle), "beacon": h(beacon), "seed": h(cseed)},
        {"kind": "steps", "challenge_seed": h(cseed), "step_count": big_n, "count": k_steps,
         "steps": steps(cseed, big_n, k_steps)},
        {"kind": "leaves", "challenge_seed": h(cseed), "step": step, "leaf_count": leaf_count,
         "count": k_leaves, "leaves": leaves(cseed, step, leaf_count, k_leaves)},
        {"kind": "eval_secret", "challenge_seed": h(cseed), "batch_size": k, "n": n,
         "indices": eval_secret(cseed, k, n)},
    ]


def primitive_cases(seed):
    out = [{"kind": "stream", "seed": seed.hex(), "bytes": Stream(seed).read(100).hex()}]
    # 2^62 + 1 and floor(2^64 / 3) + 1 reject about 1/4 and 1/3 of words; 2^32 rejects none.
    for n in [1, 2, 10, 1000, 2**32, 2**62 + 1, 2**64 // 3 + 1, 2**63 - 1]:
        s = Stream(seed)
        out.append({"kind": "uniform", "seed": seed.hex(), "n": str(n),
                    "draws": [str(uniform(s, n)) for _ in range(12)]})
    for k, n in [(0, 0), (0, 5), (1, 1), (5, 5), (3, 20), (10, 1000), (20, 2**40)]:
        out.append({"kind": "distinct", "seed": seed.hex(), "count": k, "n": n,
                    "indices": distinct(Stream(seed), k, n)})
    return out


def vectors():
    text = lambda s: sha(s.encode())
    cases = primitive_cases(text("stream seed"))
    cases += cases_for(text("dataset"), text("block seed"), text("bundle"), text("beacon"),
                       (1797, 64, 100, 8, 17, 4, 1))
    cases += cases_for(text("dataset"), text("block seed"), text("bundle"), bytes(32),
                       (5, 5, 3, 3, 1, 1, 3))
    return cases


def random_cases(seed):
    r = random.Random(seed)
    rb = lambda: bytes(r.getrandbits(8) for _ in range(32))
    cases = primitive_cases(rb())
    for _ in range(4):
        n = r.randint(1, 100000)
        big_n = r.randint(1, 500)
        leaf_count = r.randint(1, 10000)
        sizes = (n, r.randint(0, min(n, 300)), big_n, r.randint(0, big_n), leaf_count,
                 r.randint(0, min(leaf_count, 50)), r.randint(1, 2**40))
        cases += cases_for(rb(), rb(), rb(), rb(), sizes)
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["vectors", "random"])
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    cases = vectors() if a.mode == "vectors" else random_cases(a.seed)
    print(json.dumps({"cases": cases}, indent=1))


if __name__ == "__main__":
    main()
