#!/usr/bin/env python3
"""Independent reference for pogo/1 parameter commitments (docs/protocol-parts/merkle.md).

Reads a safetensors file by hand (8-byte little-endian header length, JSON header, data),
builds the canonical parameter vector (F32 tensors in byte-wise UTF-8 name order,
concatenated), cuts it into 4096-byte leaves and computes the RFC 6962 root and inclusion
proofs with hashlib, straight from the recursive definitions. Standard library only.

    merkle_reference.py FILE              -> {"root", "leaves", "parameters"}
    merkle_reference.py FILE --leaf I     -> {"root", "leaves", "index", "leafHash", "proof"}
"""
import hashlib
import json
import math
import struct
import sys

LEAF_BYTES = 4096


def canonical_vector(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    header.pop("__metadata__", None)
    out = bytearray()
    for name in sorted(header, key=lambda s: s.encode("utf-8")):
        info = header[name]
        if info["dtype"] != "F32":
            raise SystemExit(f"tensor {name} is {info['dtype']}, not F32")
        begin, end = info["data_offsets"]
        if end - begin != 4 * math.prod(info["shape"]):
            raise SystemExit(f"tensor {name}: size does not match shape")
        out += data[begin:end]
    return bytes(out)


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while 2 * k < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--leaf"):
        raise SystemExit("usage: merkle_reference.py FILE [--leaf I]")
    vector = canonical_vector(argv[1])
    leaves = [vector[i:i + LEAF_BYTES] for i in range(0, len(vector), LEAF_BYTES)]
    result = {"root": mth(leaves).hex(), "leaves": len(leaves)}
    if len(argv) == 2:
        result["parameters"] = len(vector) // 4
    else:
        index = int(argv[3])
        result["index"] = index
        result["leafHash"] = leaf_hash(leaves[index]).hex()
        result["proof"] = [h.hex() for h in path(index, leaves)]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
