import Foundation
@testable import Verification

/// Checkpoint directories for the loader and identity tests: a tiny BERT written from scratch
/// in any layout, and variants of the real model that link its unchanged files.
enum PoQCheckpointFixtures {
    /// A fresh, empty temporary directory.
    static func directory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "poq-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `object` as JSON to `directory/file`, creating subfolders.
    static func writeJSON(_ object: Any, _ directory: String, _ file: String) throws {
        let url = URL(fileURLWithPath: directory + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    }

    /// A directory holding the real model's files as symbolic links, except those in `removing`
    /// and those `writing` puts there itself.
    static func realModelVariant(_ name: String, removing: Set<String> = [],
                                 writing: (String) throws -> Void = { _ in }) throws -> String {
        let model = try PoQTestSupport.requireModel()
        let directory = try directory(name)
        let files = try FileManager.default.subpathsOfDirectory(atPath: model).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: model + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        for file in files where !removing.contains(file) {
            let target = URL(fileURLWithPath: directory + "/" + file)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: model + "/" + file)
        }
        try writing(directory)
        return directory
    }

    /// Replaces `directory/file` (a link or a file) with `object` as JSON.
    static func replaceJSON(_ object: Any, _ directory: String, _ file: String) throws {
        try? FileManager.default.removeItem(atPath: directory + "/" + file)
        try writeJSON(object, directory, file)
    }

    /// The real model's JSON file `file`, parsed.
    static func realJSON(_ file: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try PoQTestSupport.requireModel() + "/" + file))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// A tiny BERT checkpoint (vocabulary 16, hidden 8, one layer, 2 heads, intermediate 16,
/// 32 positions) with deterministic weights, written in whatever layout a test asks for.
struct TinyCheckpoint {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat",
                         "##s", "a", "dog", ".", "é", "北"]
    static var config: [String: Any] { [
        "model_type": "bert", "hidden_act": "gelu", "hidden_size": 8, "intermediate_size": 16,
        "num_attention_heads": 2, "num_hidden_layers": 1, "max_position_embeddings": 32,
        "type_vocab_size": 2, "vocab_size": 16, "layer_norm_eps": 1e-12,
    ] }

    /// Tensor-name prefix: "" (BertModel) or "bert." (a task model).
    var prefix = ""
    /// Whether to store BERT's `embeddings.position_ids` buffer (I64).
    var positionIds = false
    /// Whether the data section stores the tensors in reverse name order.
    var reversed = false
    /// Whether to add a one-label classifier head (cross-encoder mode).
    var classifier = false
    /// A tensor whose first value is changed, by canonical name.
    var perturbed: String?
    /// The vocabulary, in id order.
    var tokens = Self.tokens
    /// Whether to write vocab.txt and tokenizer.json.
    var vocabTxt = true
    var tokenizerJSON = false
    /// Changes to the tokenizer.json object before it is written.
    var editTokenizerJSON: (inout [String: Any]) -> Void = { _ in }
    /// tokenizer_config.json, not written when nil.
    var tokenizerConfig: [String: Any]?
    /// sentence-transformers files: none when nil.
    var sentenceTransformers: (maxSeqLength: Int?, pooling: [String: Any], normalize: Bool)? =
        (maxSeqLength: 24, pooling: ["word_embedding_dimension": 8, "pooling_mode_mean_tokens": true], normalize: true)

    /// The tensors, by canonical name (`BertWeights.canonicalTensorNames`) plus the pooler.
    func tensors() -> [SafeTensorsWriter.Tensor] {
        let (c, i, v) = (8, 16, 16)
        var shapes: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [v, c]), ("embeddings.position_embeddings.weight", [32, c]),
            ("embeddings.token_type_embeddings.weight", [2, c]), ("embeddings.LayerNorm.weight", [c]),
            ("embeddings.LayerNorm.bias", [c]), ("pooler.dense.weight", [c, c]), ("pooler.dense.bias", [c]),
        ]
        for (part, rows, columns) in [("attention.self.query", c, c), ("attention.self.key", c, c), ("attention.self.value", c, c),
                                      ("attention.output.dense", c, c), ("attention.output.LayerNorm", c, 0),
                                      ("intermediate.dense", i, c), ("output.dense", c, i), ("output.LayerNorm", c, 0)] {
            shapes.append(("encoder.layer.0.\(part).weight", columns == 0 ? [rows] : [rows, columns]))
            shapes.append(("encoder.layer.0.\(part).bias", [rows]))
        }
        var out: [SafeTensorsWriter.Tensor] = []
        for (seed, (name, shape)) in shapes.enumerated() {
            var values = CheckpointFixtures.floats(shape.reduce(1, *), seed: UInt64(seed + 1))
            if name == perturbed { values[0] += 0.25 }
            out.append(.init(name: prefix + name, shape: shape, floats: values))
        }
        if classifier {
            out.append(.init(name: "classifier.weight", shape: [1, 8], floats: CheckpointFixtures.floats(8, seed: 99)))
            out.append(.init(name: "classifier.bias", shape: [1], floats: [perturbed == "classifier.bias" ? 0.5 : 0.25]))
        }
        if positionIds {
            let ids = (0..<Int64(32)).flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
            out.append(.init(name: prefix + "embeddings.position_ids", dtype: .i64, shape: [1, 32], bytes: ids))
        }
        return out
    }

    /// The tokenizer.json `tokenizers` writes for BERT, over `tokens`.
    func tokenizerJSONObject() -> [String: Any] {
        let ids = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($0.element, $0.offset) })
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map { token -> [String: Any] in
            ["id": ids[token]!, "content": token, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        func special(_ token: String, _ type: Int) -> [String: Any] { ["SpecialToken": ["id": token, "type_id": type]] }
        func sequence(_ id: String, _ type: Int) -> [String: Any] { ["Sequence": ["id": id, "type_id": type]] }
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": specials,
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": NSNull(), "lowercase": true],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
                "pair": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0), sequence("B", 1), special("[SEP]", 1)],
                "special_tokens": ["[CLS]": ["id": "[CLS]", "ids": [ids["[CLS]"]!], "tokens": ["[CLS]"]],
                                   "[SEP]": ["id": "[SEP]", "ids": [ids["[SEP]"]!], "tokens": ["[SEP]"]]],
            ] as [String: Any],
            "decoder": ["type": "WordPiece", "prefix": "##", "cleanup": true],
            "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": ids],
        ]
    }

    /// Writes the checkpoint into a fresh directory and returns its path.
    func write(_ name: String) throws -> String {
        let directory = try PoQCheckpointFixtures.directory(name)
        try PoQCheckpointFixtures.writeJSON(Self.config, directory, "config.json")
        let tensors = tensors()
        let sorted = tensors.indices.sorted { Array(tensors[$0].name.utf8).lexicographicallyPrecedes(Array(tensors[$1].name.utf8)) }
        _ = try CheckpointFixtures.write(CheckpointFixtures.bytes(tensors, physicalOrder: reversed ? sorted.reversed() : sorted),
                                         in: URL(fileURLWithPath: directory))
        if vocabTxt {
            try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/vocab.txt"))
        }
        if tokenizerJSON {
            var object = tokenizerJSONObject()
            editTokenizerJSON(&object)
            try PoQCheckpointFixtures.writeJSON(object, directory, "tokenizer.json")
        }
        if let tokenizerConfig { try PoQCheckpointFixtures.writeJSON(tokenizerConfig, directory, "tokenizer_config.json") }
        if case let (maxSeqLength, pooling, normalize)? = sentenceTransformers {
            var modules: [[String: Any]] = [
                ["idx": 0, "name": "0", "path": "", "type": SentenceTransformersConfig.transformer],
                ["idx": 1, "name": "1", "path": "1_Pooling", "type": SentenceTransformersConfig.poolingModule],
            ]
            if normalize { modules.append(["idx": 2, "name": "2", "path": "2_Normalize", "type": SentenceTransformersConfig.normalizeModule]) }
            try PoQCheckpointFixtures.writeJSON(modules, directory, "modules.json")
            try PoQCheckpointFixtures.writeJSON(["max_seq_length": maxSeqLength.map { $0 as Any } ?? NSNull(), "do_lower_case": false],
                                                directory, "sentence_bert_config.json")
            try PoQCheckpointFixtures.writeJSON(pooling, directory, "1_Pooling/config.json")
        }
        return directory
    }
}
