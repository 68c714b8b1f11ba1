#!/usr/bin/env python3
"""Independent reference of the PoQ evaluator identity (docs/protocol-parts/poq.md).

Reads a checkpoint directory with the standard library only (json, struct, hashlib; the
safetensors header parsed by hand) and prints, as one JSON object, the evaluator descriptor
(the canonical JSON text the identity hashes), its identity and the weights commitment:

    poq_identity.py [--max-length N] DIR...     (one JSON object per line, one line per DIR)

The descriptor holds what determines a score: the mode (cross-encoder when the weights have
classifier.weight, else similarity), the model's shape and LayerNorm epsilon (binary32 bits),
the pogo/1 Merkle commitment (tools/merkle_reference.py) to the tensors the score reads under
their BertModel names without a "bert." prefix (similarity: embeddings and layers;
cross-encoder: also pooler and classifier; never buffers such as embeddings.position_ids),
the vocabulary's digest and the normalizer settings, the maximum length and, in similarity
mode, the sentence-transformers pooling modes and whether a Normalize module follows.

    identity = "poq/1 <mode> sha256:" + sha256(b"poq/1/evaluator" + descriptor).hexdigest()
"""
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from merkle_reference import mth  # noqa: E402

LEAF_BYTES = 4096
# Unicode White_Space: what Rust's trim_end removes from a vocab.txt line (tokenizers'
# WordPiece::read_file); Python's own str.rstrip would also remove U+001C..U+001F.
WHITE_SPACE = "".join(map(chr, [*range(0x9, 0xE), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))
LAYER_PARTS = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
               "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]


def load_json(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    return header, raw[8 + n:]


def weights_commitment(header, data, layers, mode):
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in header else ""
    names = [f"embeddings.{n}" for n in ("word_embeddings.weight", "position_embeddings.weight",
                                         "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")]
    names += [f"encoder.layer.{i}.{p}.{w}" for i in range(layers) for p in LAYER_PARTS for w in ("weight", "bias")]
    if mode == "cross-encoder":
        names += ["pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"]
    vector = bytearray()
    for name in sorted(names, key=lambda s: s.encode("utf-8")):
        entry = header[name if name.startswith("classifier.") else prefix + name]
        assert entry["dtype"] == "F32", name
        begin, end = entry["data_offsets"]
        vector += data[begin:end]
    leaves = [bytes(vector[i:i + LEAF_BYTES]) for i in range(0, len(vector), LEAF_BYTES)]
    return {"leaves": len(leaves), "parameters": len(vector) // 4, "root": mth(leaves).hex()}


def vocabulary(directory):
    """token -> id, from tokenizer.json when present, else vocab.txt; and max_input_chars_per_word."""
    tokenizer = load_json(directory, "tokenizer.json")
    if tokenizer is not None:
        return tokenizer["model"]["vocab"], tokenizer["model"].get("max_input_chars_per_word", 100)
    vocab = {}
    with open(os.path.join(directory, "vocab.txt"), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        vocab[line.rstrip(WHITE_SPACE)] = i
    return vocab, 100


def vocabulary_digest(vocab):
    out = bytearray()
    for token, i in sorted(vocab.items(), key=lambda kv: (kv[1], kv[0].encode("utf-8"))):
        raw = token.encode("utf-8")
        out += struct.pack("<II", i, len(raw)) + raw
    return hashlib.sha256(bytes(out)).hexdigest()


def sentence_transformers(directory):
    """(max_seq_length or None, pooling names, normalize) as sentence-transformers builds them."""
    modules = load_json(directory, "modules.json")
    if modules is None:
        return None, ["mean"], False
    types = [m["type"].rsplit(".", 1)[-1] for m in modules]
    assert types[:2] == ["Transformer", "Pooling"], types
    pooling = load_json(directory, os.path.join(modules[1]["path"], "config.json"))
    if pooling.get("pooling_mode"):
        names = [pooling["pooling_mode"].lower()]
    else:
        flags = [("cls", "pooling_mode_cls_token", False), ("max", "pooling_mode_max_tokens", False),
                 ("mean", "pooling_mode_mean_tokens", True), ("mean_sqrt_len_tokens", "pooling_mode_mean_sqrt_len_tokens", False)]
        names = [name for name, key, default in flags if pooling.get(key, default)]
    config = load_json(directory, "sentence_bert_config.json") or {}
    return config.get("max_seq_length"), names, types[2:] == ["Normalize"]


def describe(directory, max_length=None):
    config = load_json(directory, "config.json")
    header, data = safetensors(os.path.join(directory, "model.safetensors"))
    mode = "cross-encoder" if "classifier.weight" in header else "similarity"
    tokenizer_config = load_json(directory, "tokenizer_config.json") or {}
    lowercase = tokenizer_config.get("do_lower_case", True)
    strip = tokenizer_config.get("strip_accents")
    vocab, max_chars = vocabulary(directory)
    eps = struct.unpack("<I", struct.pack("<f", config.get("layer_norm_eps", 1e-12)))[0]
    positions = config["max_position_embeddings"]
    model_max = tokenizer_config.get("model_max_length", positions)
    descriptor = {
        "mode": mode,
        "model": {
            "hiddenSize": config["hidden_size"], "intermediateSize": config["intermediate_size"],
            "layerNormEpsBits": "%08x" % eps, "maxPositionEmbeddings": positions,
            "numAttentionHeads": config["num_attention_heads"], "numHiddenLayers": config["num_hidden_layers"],
            "typeVocabSize": config["type_vocab_size"], "vocabSize": config["vocab_size"],
        },
        "tokenizer": {
            "handleChineseChars": tokenizer_config.get("tokenize_chinese_chars", True),
            "lowercase": lowercase, "maxInputCharsPerWord": max_chars,
            "stripAccents": lowercase if strip is None else strip,
            "vocabularySha256": vocabulary_digest(vocab),
        },
        "weights": weights_commitment(header, data, config["num_hidden_layers"], mode),
    }
    length = min(positions, int(model_max))
    if mode == "similarity":
        seq, pooling, normalize = sentence_transformers(directory)
        descriptor["pooling"], descriptor["normalize"] = pooling, normalize
        length = seq if seq is not None else length
    descriptor["maxLength"] = max_length if max_length is not None else length
    text = json.dumps(descriptor, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(b"poq/1/evaluator" + text.encode("utf-8")).hexdigest()
    return {"descriptor": text, "identity": f"poq/1 {mode} sha256:{digest}", "weightsRoot": descriptor["weights"]["root"]}


def main(argv):
    args = argv[1:]
    max_length = None
    if args[:1] == ["--max-length"] and len(args) >= 2:
        max_length, args = int(args[1]), args[2:]
    if not args:
        raise SystemExit(__doc__)
    for directory in args:
        print(json.dumps(describe(directory, max_length)))


if __name__ == "__main__":
    main(sys.argv)
