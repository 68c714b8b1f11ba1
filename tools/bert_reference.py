#!/usr/bin/env python3
"""Independent numpy reference of the PoQ evaluator's BERT encoder (float64).

Reads a Hugging Face checkpoint directory itself (config.json, model.safetensors parsed here
with json + numpy, not with the safetensors package), tokenizes with the `tokenizers` pipeline
of tools/poq_tokenizer_fixtures.py, and runs BertModel's forward pass: embeddings + LayerNorm,
post-LN layers with bidirectional attention under an additive padding mask (finfo.min on
padded keys), exact-erf GELU; pooler tanh(W h_CLS + b); optional classifier; attention-mask
mean pooling and L2 normalisation.

  bert_reference.py classifier-fixture   write Tests/Fixtures/poq/classifier-head.safetensors
  bert_reference.py compare              print JSON of reference outputs on the real model

"compare" prints, for the texts and pairs below (one padded batch each): ids, the hidden
states of every real token, mean-pooled normalised embeddings, the cosines of each text with
the first, and cross-encoder logits with the committed random classifier head.
"""
import json
import math
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from poq_tokenizer_fixtures import tokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
HEAD = os.path.join(ROOT, "Tests", "Fixtures", "poq", "classifier-head.safetensors")

TEXTS = [
    "How many people live in Berlin?",
    "Berlin has a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.",
    "New York City is famous for the Metropolitan Museum of Art.",
    "Café naïve Ångström — 北京 😀",
    "a",
]
PAIRS = [
    ("How many people live in Berlin?", "Berlin has a population of 3,520,031 registered inhabitants."),
    ("How many people live in Berlin?", "New York City is famous for the Metropolitan Museum of Art."),
    ("What is the capital of France?", "Paris."),
]


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__" or e["dtype"] != "F32":
            continue
        start, end = e["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + start:8 + n + end], dtype="<f4").reshape(e["shape"]).astype(np.float64)
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        raw = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def forward(w, cfg, ids, types, mask):
    """ids, types, mask: (B, T) int arrays. Returns hidden states (B, T, C)."""
    C, NH = cfg["hidden_size"], cfg["num_attention_heads"]
    hs = C // NH
    eps = cfg.get("layer_norm_eps", 1e-12)
    B, T = ids.shape
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][np.arange(T)][None] \
        + w["embeddings.token_type_embeddings.weight"][types]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    additive = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
    for layer in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def dense(v, name):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        def heads(v):
            return v.reshape(B, T, NH, hs).transpose(0, 2, 1, 3)

        q, k, v = (heads(dense(x, "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hs) + additive
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        x = layer_norm(dense(ctx, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"], eps)
        h = gelu(dense(x, "intermediate.dense"))
        x = layer_norm(dense(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def batch(encodings):
    T = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), T), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros((len(encodings), T), dtype=np.float64)
    for i, e in enumerate(encodings):
        ids[i, :len(e.ids)] = e.ids
        types[i, :len(e.ids)] = e.type_ids
        mask[i, :len(e.ids)] = 1
    return ids, types, mask


def compare():
    with open(os.path.join(MODEL, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(MODEL, "model.safetensors"))
    head = read_safetensors(HEAD)
    tok = tokenizer()
    tok.enable_truncation(max_length=512)
    singles = [tok.encode(t) for t in TEXTS]
    ids, types, mask = batch(singles)
    hidden = forward(w, cfg, ids, types, mask)
    pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    pairs = [tok.encode(a, b) for a, b in PAIRS]
    pids, ptypes, pmask = batch(pairs)
    phidden = forward(w, cfg, pids, ptypes, pmask)
    cls_pooled = np.tanh(phidden[:, 0] @ w["pooler.dense.weight"].T + w["pooler.dense.bias"])
    logits = cls_pooled @ head["classifier.weight"].T + head["classifier.bias"]
    result = {
        "texts": TEXTS,
        "ids": [e.ids for e in singles],
        "hidden": [hidden[i, :len(e.ids)].reshape(-1).tolist() for i, e in enumerate(singles)],
        "embeddings": pooled.tolist(),
        "cosines": [float(pooled[0] @ pooled[i]) for i in range(len(TEXTS))],
        "pairs": [list(p) for p in PAIRS],
        "pairIds": [e.ids for e in pairs],
        "pooled": cls_pooled.tolist(),
        "logits": logits[:, 0].tolist(),
    }
    json.dump(result, sys.stdout, separators=(",", ":"))


def classifier_fixture():
    rng = np.random.default_rng(20240605)
    write_safetensors(HEAD, {
        "classifier.weight": rng.normal(0, 0.5, size=(1, 384)).astype(np.float32),
        "classifier.bias": np.array([0.25], dtype=np.float32),
    })


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "compare":
        compare()
    elif command == "classifier-fixture":
        classifier_fixture()
    else:
        sys.exit(__doc__)
