#!/usr/bin/env python3
"""Independent numpy reference of the PoQ evaluator's BERT encoder (float64).

Reads a Hugging Face checkpoint directory itself (config.json, model.safetensors parsed here
with json + numpy, not with the safetensors package), tokenizes with the `tokenizers` pipeline
of tools/poq_tokenizer_fixtures.py, and runs BertModel's forward pass: embeddings + LayerNorm,
post-LN layers with bidirectional attention under an additive padding mask (finfo.min on
padded keys), exact-erf GELU; pooler tanh(W h_CLS + b); optional classifier. Sentence
embeddings follow the checkpoint's sentence-transformers files as sentence-transformers does:
truncation at sentence_bert_config.json's max_seq_length ([CLS] and [SEP] included), the
Pooling module's modes over the attention mask (CLS, max with padding set to -1e9, mean,
mean / sqrt(length), concatenated in that order), then the Normalize module if modules.json
lists one; the similarity is the cosine.

  bert_reference.py classifier-fixture   write Tests/Fixtures/poq/classifier-head.safetensors
  bert_reference.py compare              print JSON of reference outputs on the real model
  bert_reference.py long [--also 512]    print JSON of the long-output case (below)

"compare" prints, for the texts and pairs below (one padded batch each, 512 tokens at most):
ids, the hidden states of every real token, mean-pooled normalised embeddings, the cosines of
each text with the first, embeddings under other pooling modes, and cross-encoder logits with
the committed random classifier head.

"long" scores, as sentence-transformers would with the model's own files, two outputs of
LONG_PROMPT: a text of exactly 600 WordPiece tokens (602 with [CLS] and [SEP]) and a text that
shares its first 300 words (more than 255 tokens) and then differs. It prints the ids (after
truncation), the untruncated lengths, the length of the shared prefix and the scores
(cosine + 1) / 2; with "--also N", also the scores when truncating at N instead.
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


LONG_PROMPT = "How many people live in Berlin?"
LONG_SENTENCES = [
    "Berlin is the capital and largest city of Germany, both by area and by population.",
    "Its more than 3.85 million inhabitants make it the most populous city of the European Union.",
    "The city is also one of the states of Germany and is surrounded by the state of Brandenburg.",
    "Berlin straddles the banks of the Spree, which flows into the Havel in the western borough of Spandau.",
    "Among the city's main topographical features are the many lakes in the western and southeastern boroughs.",
    "First documented in the 13th century, Berlin became the capital of the Margraviate of Brandenburg.",
    "After the Second World War the city was divided, and East Berlin became the capital of East Germany.",
    "Following German reunification in 1990, Berlin once again became the capital of all of Germany.",
    "The economy of Berlin is based on high tech firms and the service sector, with a diverse range of industries.",
    "Berlin is home to world renowned universities, orchestras, museums and entertainment venues.",
]
LONG_TOKENS = 600
SHARED_WORDS = 300
SHARED_TAIL = "Bananas, on the other hand, grow in tropical climates and are rich in potassium."


def long_texts(tok):
    """A text of exactly LONG_TOKENS tokens, and one sharing its first SHARED_WORDS words."""
    words, i = [], 0
    while len(tok.encode(" ".join(words), add_special_tokens=False).ids) < LONG_TOKENS:
        words += LONG_SENTENCES[i % len(LONG_SENTENCES)].split()
        i += 1
    while len(tok.encode(" ".join(words), add_special_tokens=False).ids) > LONG_TOKENS:
        words.pop()
    while len(tok.encode(" ".join(words), add_special_tokens=False).ids) < LONG_TOKENS:
        words.append("a")
    return " ".join(words), " ".join(words[:SHARED_WORDS] + SHARED_TAIL.split())


def sentence_transformers(model):
    """(max_seq_length, pooling modes, normalize) from the checkpoint's sentence-transformers files."""
    with open(os.path.join(model, "modules.json")) as f:
        modules = json.load(f)
    with open(os.path.join(model, "sentence_bert_config.json")) as f:
        max_seq_length = json.load(f)["max_seq_length"]
    with open(os.path.join(model, modules[1]["path"], "config.json")) as f:
        pooling = json.load(f)
    modes = [m for m, key in (("cls", "pooling_mode_cls_token"), ("max", "pooling_mode_max_tokens"),
                              ("mean", "pooling_mode_mean_tokens"), ("mean_sqrt_len_tokens", "pooling_mode_mean_sqrt_len_tokens"))
             if pooling.get(key)]
    normalize = any(m["type"].endswith(".Normalize") for m in modules)
    return max_seq_length, modes, normalize


def pool(hidden, mask, modes):
    """sentence-transformers' Pooling.forward over (B, T, C) hidden states and a (B, T) mask."""
    out = []
    counts = np.maximum(mask.sum(1, keepdims=True), 1e-9)
    if "cls" in modes:
        out.append(hidden[:, 0])
    if "max" in modes:
        out.append(np.where(mask[..., None] == 0, -1e9, hidden).max(1))
    if "mean" in modes:
        out.append((hidden * mask[..., None]).sum(1) / counts)
    if "mean_sqrt_len_tokens" in modes:
        out.append((hidden * mask[..., None]).sum(1) / np.sqrt(counts))
    return np.concatenate(out, axis=1)


def normalized(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.array(list(map(math.erf, (x / math.sqrt(2.0)).ravel().tolist()))).reshape(x.shape)
    return 0.5 * x * (1.0 + erf)


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
        "pooling": {"+".join(modes): pool(hidden, mask, modes).tolist()
                    for modes in (["cls"], ["max"], ["mean_sqrt_len_tokens"], ["cls", "max", "mean"])},
        "pooled": cls_pooled.tolist(),
        "logits": logits[:, 0].tolist(),
    }
    json.dump(result, sys.stdout, separators=(",", ":"))


def scores(w, cfg, tok, max_length, prompt, outputs, modes, normalize):
    """(cosine + 1) / 2 of each output with the prompt, each text truncated at max_length."""
    tok.enable_truncation(max_length=max_length)
    encodings = [tok.encode(t) for t in [prompt] + outputs]
    pooled = {}
    for e in encodings:
        if tuple(e.ids) not in pooled:
            ids, types, mask = batch([e])
            pooled[tuple(e.ids)] = pool(forward(w, cfg, ids, types, mask), mask, modes)[0]
    embeddings = np.array([pooled[tuple(e.ids)] for e in encodings])
    if normalize:
        embeddings = normalized(embeddings)
    cosines = normalized(embeddings[1:]) @ normalized(embeddings[:1])[0]
    return encodings, [float((c + 1) / 2) for c in cosines]


def long_case(also):
    with open(os.path.join(MODEL, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(MODEL, "model.safetensors"))
    tok = tokenizer()
    max_seq_length, modes, normalize = sentence_transformers(MODEL)
    long_text, shared = long_texts(tok)
    full = [len(tok.encode(t).ids) for t in (long_text, shared)]
    a, b = (tok.encode(t, add_special_tokens=False).ids for t in (long_text, shared))
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    encodings, result = scores(w, cfg, tok, max_seq_length, LONG_PROMPT, [long_text, shared], modes, normalize)
    out = {"prompt": LONG_PROMPT, "outputs": [long_text, shared], "maxSeqLength": max_seq_length,
           "fullLengths": full, "sharedPrefixTokens": common, "ids": [e.ids for e in encodings], "scores": result}
    if also is not None:
        out["alsoMaxLength"] = also
        out["alsoScores"] = scores(w, cfg, tok, also, LONG_PROMPT, [long_text, shared], modes, normalize)[1]
    json.dump(out, sys.stdout, separators=(",", ":"))


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
    elif command == "long":
        also = int(sys.argv[3]) if len(sys.argv) == 4 and sys.argv[2] == "--also" else None
        long_case(also)
    elif command == "classifier-fixture":
        classifier_fixture()
    else:
        sys.exit(__doc__)
