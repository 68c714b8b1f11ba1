#!/usr/bin/env python3
"""Builds an fp32 ONNX graph of the BERT encoder from a checkpoint's safetensors (with the
`onnx` helper API, no torch) and times it in onnxruntime on the same pairs, batching and
padding as `verifier bench-poq`. Prints one JSON line per configuration.

The graph does the work the Swift side times: embeddings (word + position + token type) and
LayerNorm, every layer of the config (attention under the additive padding mask of Hugging
Face BERT, exact-erf GELU, post-LN), then attention-mask mean pooling and L2 normalisation.
Outputs: `last_hidden_state` (B, T, C) and `embeddings` (B, C). Tokenization and building the
input tensors happen before timing, as on the Swift side; one untimed pass over every batch
warms up. tools/bench_poq_check.py checks the graph's outputs before anything is timed.

  bench_poq_onnx.py MODEL_DIR PAIRS_FILE BATCH SEQ|unpadded RUNS THREADS
"""
import json
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import read_safetensors  # noqa: E402
from poq_tokenizer_fixtures import tokenizer  # noqa: E402


def build(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in read_safetensors(os.path.join(model_dir, "model.safetensors")).items()}
    C, NH, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg.get("layer_norm_eps", 1e-12)
    hs = C // NH
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], **attrs))
        return name

    def linear(x, prefix, out):
        wt = const(prefix + ".wT", w[prefix + ".weight"].T.copy())
        b = const(prefix + ".b", w[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, wt], out + "_mm"), b], out)

    def ln(x, prefix, out):
        return node("LayerNormalization", [x, const(prefix + ".g", w[prefix + ".weight"]), const(prefix + ".bt", w[prefix + ".bias"])],
                    out, axis=-1, epsilon=eps)

    shape_bthd = const("shape_bthd", np.array([0, 0, NH, hs], dtype=np.int64))
    shape_btc = const("shape_btc", np.array([0, 0, C], dtype=np.int64))
    word = node("Gather", [const("word", w["embeddings.word_embeddings.weight"]), "input_ids"], "e_word")
    typ = node("Gather", [const("type", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"], "e_type")
    seq_len = node("Gather", [node("Shape", ["input_ids"], "ids_shape"), const("one", np.array(1, dtype=np.int64))], "seq_len")
    positions = node("Range", [const("zero", np.array(0, dtype=np.int64)), seq_len, const("step", np.array(1, dtype=np.int64))], "positions")
    pos = node("Gather", [const("pos", w["embeddings.position_embeddings.weight"]), positions], "e_pos")
    x = ln(node("Add", [node("Add", [word, typ], "e_wt"), pos], "e_sum"), "embeddings.LayerNorm", "h_emb")
    maskf = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    additive = node("Mul", [node("Sub", [const("onef", np.array(1, dtype=np.float32)), maskf], "inv_mask"),
                            const("neg", np.array(np.finfo(np.float32).min, dtype=np.float32))], "add_mask2")
    additive = node("Unsqueeze", [additive, const("axes12", np.array([1, 2], dtype=np.int64))], "add_mask")
    scale = const("scale", np.array(1 / np.sqrt(hs), dtype=np.float32))
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        def heads(name, perm):
            return node("Transpose", [node("Reshape", [linear(x, p + "attention.self." + name, f"l{l}{name}"), shape_bthd], f"l{l}{name}_r")],
                        f"l{l}{name}_t", perm=perm)
        q, k, v = heads("query", [0, 2, 1, 3]), heads("key", [0, 2, 3, 1]), heads("value", [0, 2, 1, 3])
        s = node("Add", [node("Mul", [node("MatMul", [q, k], f"l{l}qk"), scale], f"l{l}qks"), additive], f"l{l}scores")
        probs = node("Softmax", [s], f"l{l}probs", axis=-1)
        ctx = node("Reshape", [node("Transpose", [node("MatMul", [probs, v], f"l{l}pv")], f"l{l}pvt", perm=[0, 2, 1, 3]), shape_btc], f"l{l}ctx")
        a = linear(ctx, p + "attention.output.dense", f"l{l}ao")
        x = ln(node("Add", [a, x], f"l{l}res1"), p + "attention.output.LayerNorm", f"l{l}h1")
        i = linear(x, p + "intermediate.dense", f"l{l}inter")
        g = node("Mul", [node("Mul", [i, node("Add", [node("Erf", [node("Div", [i, const(f"sqrt2_{l}", np.array(np.sqrt(2), dtype=np.float32))], f"l{l}d")], f"l{l}erf"),
                                                      const(f"one_{l}", np.array(1, dtype=np.float32))], f"l{l}erf1")], f"l{l}gx"),
                         const(f"half_{l}", np.array(0.5, dtype=np.float32))], f"l{l}gelu")
        o = linear(g, p + "output.dense", f"l{l}out")
        x = ln(node("Add", [o, x], f"l{l}res2"), p + "output.LayerNorm", f"l{l}h2" if l + 1 < cfg["num_hidden_layers"] else "last_hidden_state")
    # Mean over real tokens (sum of mask-weighted rows / max(token count, 1e-9)), then / max(L2 norm, 1e-12).
    axis1 = const("axis1", np.array([1], dtype=np.int64))
    weighted = node("Mul", [x, node("Unsqueeze", [maskf, const("axis2", np.array([2], dtype=np.int64))], "mask_col")], "masked")
    count = node("Max", [node("ReduceSum", [maskf, axis1], "tokens", keepdims=1), const("tiny", np.array(1e-9, dtype=np.float32))], "tokens_clamped")
    mean = node("Div", [node("ReduceSum", [weighted, axis1], "sum_tokens", keepdims=0), count], "mean")
    norm = node("Max", [node("ReduceL2", [mean], "l2", axes=[1], keepdims=1), const("tiny_norm", np.array(1e-12, dtype=np.float32))], "l2_clamped")
    node("Div", [mean, norm], "embeddings")
    graph = helper.make_graph(nodes, "bert", [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["B", "T"]) for n in ("input_ids", "token_type_ids", "attention_mask")
    ], [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["B", "T", C]),
        helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["B", C])], inits)
    # onnxruntime 1.31 reads IR versions up to 13; onnx 1.23 writes 14 by default.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    onnx.checker.check_model(model)
    return model


def session(model_dir, threads):
    """An onnxruntime CPU session of the graph with `threads` intra-op threads (the caller's
    thread counts as one) and no inter-op parallelism."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(build(model_dir).SerializeToString(), options, providers=["CPUExecutionProvider"])


def read_pairs(pairs_path):
    """(query, passage) per line of PAIRS_FILE, split at the first tab, as `verifier bench-poq` does."""
    with open(pairs_path) as f:
        return [tuple(line.rstrip("\n").split("\t", 1)) for line in f if "\t" in line]


def encode(pairs, seq):
    """Tokenizer encodings of the pairs, truncated (longest first) to SEQ tokens or 512."""
    tok = tokenizer()
    tok.enable_truncation(max_length=int(seq) if seq != "unpadded" else 512)
    return [tok.encode(a, b) for a, b in pairs]


def feeds(encs, batch, seq):
    """Input tensors per batch of BATCH encodings, padded (id 0, type 0, mask 0) to exactly
    SEQ tokens, or to the batch's longest encoding when SEQ is "unpadded"."""
    out = []
    for start in range(0, len(encs), batch):
        chunk = encs[start:start + batch]
        T = int(seq) if seq != "unpadded" else max(len(e.ids) for e in chunk)
        ids = np.zeros((len(chunk), T), dtype=np.int64)
        types, mask = np.zeros_like(ids), np.zeros_like(ids)
        for i, e in enumerate(chunk):
            ids[i, :len(e.ids)], types[i, :len(e.ids)], mask[i, :len(e.ids)] = e.ids, e.type_ids, 1
        out.append({"input_ids": ids, "token_type_ids": types, "attention_mask": mask})
    return out


def main():
    model_dir, pairs_path, batch, seq, runs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    sess = session(model_dir, threads)
    encs = encode(read_pairs(pairs_path), seq)
    inputs = feeds(encs, batch, seq)
    for feed in inputs:
        sess.run(None, feed)
    per_pair = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for feed in inputs:
            sess.run(None, feed)
        per_pair.append((time.perf_counter() - t0) * 1000 / len(encs))
    per_pair.sort()
    print(json.dumps({"impl": "onnxruntime", "batch": batch, "seq": seq, "threads": threads, "pairs": len(encs),
                      "meanTokens": round(sum(len(e.ids) for e in encs) / len(encs), 1), "runs": runs,
                      "msPerPair": round(per_pair[len(per_pair) // 2], 3)}))


if __name__ == "__main__":
    main()
