#!/usr/bin/env python3
"""Checks, before scripts/bench-poq times anything, that the onnxruntime graph of
tools/bench_poq_onnx.py and the Swift evaluator compute the same network as the float64 numpy
reference of tools/bert_reference.py, on the bench pairs and in the bench's own batching.

The reference runs each pair alone with no padding (so it never depends on mask handling);
onnxruntime and Swift run the timed configurations (batch and padding), so their padded
batches must reproduce the unpadded result on every real token. For every configuration of
a Swift dump (`verifier bench-poq --dump`) this checks:
  - Swift's token ids equal the `tokenizers` pipeline's, and its padded lengths are SEQ in
    the padded case and the batch's longest pair otherwise (onnxruntime is fed the same);
  - onnxruntime (at each thread count given) against the reference;
  - Swift against the reference and against onnxruntime at the largest thread count;
comparing the last hidden states of the real tokens and the mean-pooled normalised
embeddings. Prints a table of max abs differences; exits 1 if any exceeds 1e-4 (or is not
finite), or if ids or padded lengths differ.

  bench_poq_check.py MODEL_DIR PAIRS_FILE ORT_THREADS SWIFT_DUMP...   (ORT_THREADS: e.g. 1,2)
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_poq_onnx import encode, feeds, read_pairs, session  # noqa: E402
from bert_reference import forward, read_safetensors  # noqa: E402

TOLERANCE = 1e-4


def reference(model_dir, encs, cache, w, cfg):
    """(hidden (L, C), embedding (C)) in float64 for each encoding, each run alone."""
    out = []
    for e in encs:
        key = (tuple(e.ids), tuple(e.type_ids))
        if key not in cache:
            ids, types = np.array([e.ids], dtype=np.int64), np.array([e.type_ids], dtype=np.int64)
            hidden = forward(w, cfg, ids, types, np.ones(ids.shape, dtype=np.float64))[0]
            mean = hidden.mean(0)
            cache[key] = (hidden, mean / max(np.linalg.norm(mean), 1e-12))
        out.append(cache[key])
    return out


def onnx_outputs(sess, encs, batch, seq):
    """Per pair (hidden of its real tokens, embedding) from onnxruntime, and each batch's T."""
    out, lengths = [], []
    for feed in feeds(encs, batch, seq):
        hidden, emb = sess.run(["last_hidden_state", "embeddings"], feed)
        lengths.append(hidden.shape[1])
        for i, n in enumerate(feed["attention_mask"].sum(1)):
            out.append((hidden[i, :n].astype(np.float64), emb[i].astype(np.float64)))
    return out, lengths


def max_diff(a, b):
    """Largest |a - b| over all pairs' hidden states and over their embeddings (nan if any
    value is missing or not finite, so it fails the check)."""
    worst = [0.0, 0.0]
    for (ha, ea), (hb, eb) in zip(a, b):
        for k, (x, y) in enumerate(((ha, hb), (ea, eb))):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            d = float(np.max(np.abs(x.reshape(y.shape) - y))) if x.size == y.size else float("nan")
            worst[k] = float("nan") if np.isnan(d) or np.isnan(worst[k]) else max(worst[k], d)
    return worst


def main():
    model_dir, pairs_path, threads = sys.argv[1], sys.argv[2], [int(t) for t in sys.argv[3].split(",")]
    pairs = read_pairs(pairs_path)
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = {k.removeprefix("bert."): v for k, v in read_safetensors(os.path.join(model_dir, "model.safetensors")).items()}
    sessions = {t: session(model_dir, t) for t in threads}
    ref_cache, ort_cache, problems, rows = {}, {}, [], []
    for path in sys.argv[4:]:
        with open(path) as f:
            dump = json.load(f)
        batch, seq = dump["batch"], str(dump["seq"])
        encs = encode(pairs, seq)
        label = f"batch {batch} seq {seq}"
        if dump["ids"] != [list(e.ids) for e in encs]:
            problems.append(f"{label}: Swift's token ids differ from the tokenizers pipeline's")
            continue
        ref = reference(model_dir, encs, ref_cache, w, cfg)
        if (batch, seq) not in ort_cache:
            ort_cache[(batch, seq)] = {t: onnx_outputs(sessions[t], encs, batch, seq) for t in threads}
            for t in threads:
                rows.append((label, f"onnxruntime threads={t}", *max_diff(ort_cache[(batch, seq)][t][0], ref), None, None))
        ort, ort_lengths = ort_cache[(batch, seq)][max(threads)]
        chunks = [encs[i:i + batch] for i in range(0, len(encs), batch)]
        want = [int(seq) if seq != "unpadded" else max(len(e.ids) for e in c) for c in chunks]
        if dump["paddedLengths"] != want or ort_lengths != want:
            problems.append(f"{label}: padded lengths Swift {dump['paddedLengths']}, onnxruntime {ort_lengths}, expected {want}")
        swift = list(zip(dump["hidden"], dump["embeddings"]))
        rows.append((label, f"swift threads={dump['threads']}", *max_diff(swift, ref), *max_diff(swift, ort)))
    print("%-22s %-22s %12s %12s %14s %14s" % ("config", "impl", "hidden-ref", "emb-ref", "hidden-ort", "emb-ort"))
    for label, impl, *diffs in rows:
        cells = ["%.3g" % d if d is not None else "-" for d in diffs]
        print("%-22s %-22s %12s %12s %14s %14s" % (label, impl, *cells))
        for name, d in zip(("hidden vs reference", "embeddings vs reference", "hidden vs onnxruntime", "embeddings vs onnxruntime"), diffs):
            if d is not None and not d <= TOLERANCE:
                problems.append(f"{label} {impl}: {name} max abs diff {d:.3g} > {TOLERANCE}")
    print(f"(max abs differences over {len(pairs)} pairs; reference = float64 numpy, each pair alone, unpadded; "
          f"-ort columns against onnxruntime threads={max(threads)})")
    if problems:
        print("bench-poq check FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
