import Foundation
import TestSupport
import Testing
@testable import Verification

/// The checkpoint's sentence-transformers files followed exactly: truncation at
/// `max_seq_length` against tools/bert_reference.py (which reads the same files), the maximum
/// length of every kind of checkpoint, and refusals by name of what is not implemented.
struct SentenceTransformersTests {
    struct LongCase: Decodable {
        let prompt: String
        let outputs: [String]
        let maxSeqLength: Int
        let fullLengths: [Int]
        let sharedPrefixTokens: Int
        let ids: [[Int32]]
        let scores: [Double]
    }

    /// A 602-token output (600 WordPiece tokens plus [CLS] and [SEP]) and one sharing its first
    /// 359 tokens, scored as all-MiniLM-L6-v2's files say: truncated at 256 tokens, so both
    /// score alike, as the reference computes.
    @Test func truncatesLongOutputsAtMaxSeqLengthLikeTheReference() throws {
        let reference = try JSONDecoder().decode(LongCase.self, from: Python.output("bert_reference.py", ["long"]))
        #expect(reference.maxSeqLength == 256 && reference.fullLengths[0] == 602 && reference.sharedPrefixTokens >= 255)
        let evaluator = try PoQTestSupport.similarityEvaluator()
        #expect(evaluator.tokenizer.maxLength == 256)
        let texts = [reference.prompt] + reference.outputs
        #expect(texts.map { evaluator.tokenizer.encode($0).ids } == reference.ids)
        #expect(evaluator.tokenizer.tokenize(reference.outputs[0]).count + 2 == 602)
        let together = try evaluator.score(prompt: reference.prompt, outputs: reference.outputs)
        for (got, want) in zip(together, reference.scores) {
            #expect(abs(got - want) <= 1e-4, "\(got) vs reference \(want)")
        }
        let alone = try reference.outputs.map { try evaluator.score(prompt: reference.prompt, outputs: [$0])[0] }
        #expect(alone[0] == alone[1])
        #expect(abs(together[0] - together[1]) <= 1e-6)
    }

    /// The maximum length, special tokens included, of each kind of checkpoint.
    @Test func takesTheMaximumLengthFromTheCheckpoint() throws {
        func length(_ checkpoint: TinyCheckpoint, override: Int? = nil) throws -> Int {
            let directory = try checkpoint.write("length")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            return try PoQEvaluator(directory: directory, limits: PoQLimits(maxSequenceTokens: override)).tokenizer.maxLength
        }
        var plain = TinyCheckpoint()
        plain.sentenceTransformers = nil
        #expect(try length(TinyCheckpoint()) == 24, "sentence-transformers' max_seq_length")
        #expect(try length(plain) == 32, "no sentence-transformers files: max_position_embeddings")
        plain.tokenizerConfig = ["model_max_length": 20]
        #expect(try length(plain) == 20, "tokenizer_config.json's model_max_length, when smaller")
        plain.tokenizerConfig = ["model_max_length": 1e30]
        #expect(try length(plain) == 32, "transformers' 'no limit'")
        var crossEncoder = plain
        crossEncoder.classifier = true
        crossEncoder.tokenizerConfig = ["model_max_length": 12]
        #expect(try length(crossEncoder) == 12, "cross-encoder: tokenizer_config.json's model_max_length")
        var unset = TinyCheckpoint()
        unset.sentenceTransformers?.maxSeqLength = nil
        unset.tokenizerConfig = ["model_max_length": 28]
        #expect(try length(unset) == 28, "max_seq_length null: the tokenizer's and the model's")
        #expect(try length(TinyCheckpoint(), override: 10) == 10, "the operator's override")
        #expect(throws: PoQError.sequenceLimitExceedsModel(limit: 33, positions: 32)) { try length(TinyCheckpoint(), override: 33) }
        var tooLong = TinyCheckpoint()
        tooLong.sentenceTransformers?.maxSeqLength = 64
        #expect(throws: PoQError.sequenceLimitExceedsModel(limit: 64, positions: 32)) { try length(tooLong) }
    }

    /// Writes the sentence-transformers files `files` (name to JSON object) into a fresh
    /// directory and reads them as a model of hidden size 8.
    static func read(_ files: [String: Any]) throws -> SentenceTransformersConfig? {
        let directory = try PoQCheckpointFixtures.directory("st")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (file, object) in files { try PoQCheckpointFixtures.writeJSON(object, directory, file) }
        return try SentenceTransformersConfig(directory: directory, hiddenSize: 8)
    }

    static var modules: [[String: Any]] { [
        ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
        ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
        ["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"],
    ] }

    @Test func readsPoolingModesByFlagOrByName() throws {
        let mean = try Self.read(["modules.json": Self.modules, "1_Pooling/config.json": ["word_embedding_dimension": 8]])
        #expect(mean == SentenceTransformersConfig(maxSeqLength: nil, pooling: .meanTokens, normalize: true))
        let flags = try Self.read(["modules.json": Array(Self.modules.prefix(2)), "sentence_bert_config.json": ["max_seq_length": 100],
                                   "1_Pooling/config.json": ["word_embedding_dimension": 8, "pooling_mode_max_tokens": true,
                                                             "pooling_mode_mean_sqrt_len_tokens": true, "include_prompt": false]])
        #expect(flags == SentenceTransformersConfig(maxSeqLength: 100, pooling: SentencePooling(max: true, mean: true, meanSqrtLength: true),
                                                    normalize: false))
        let named = try Self.read(["modules.json": Self.modules,
                                   "1_Pooling/config.json": ["word_embedding_dimension": 8, "pooling_mode": "CLS"]])
        #expect(named?.pooling == SentencePooling(cls: true))
        #expect(try Self.read([:]) == nil)
    }

    @Test func refusesSentenceTransformersConfigurationsItDoesNotImplementByName() throws {
        let pooling: [String: Any] = ["word_embedding_dimension": 8, "pooling_mode_mean_tokens": true]
        func with(_ file: String, _ object: Any) -> [String: Any] {
            var files: [String: Any] = ["modules.json": Self.modules, "1_Pooling/config.json": pooling]
            files[file] = object
            return files
        }
        var dense = Self.modules
        dense[2] = ["idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"]
        var subfolder = Self.modules
        subfolder[0]["path"] = "0_BERT"
        let pipeline = "sentence_transformers.models.Transformer at path \"\", then sentence_transformers.models.Pooling, "
            + "then optionally sentence_transformers.models.Normalize"
        let cases: [(String, [String: Any], PoQCheckpointError)] = [
            ("weighted mean", with("1_Pooling/config.json", ["word_embedding_dimension": 8, "pooling_mode_weightedmean_tokens": true]),
             .unsupported(file: "1_Pooling/config.json", field: "pooling_mode_weightedmean_tokens", value: "true", supported: "false")),
            ("last token", with("1_Pooling/config.json", ["word_embedding_dimension": 8, "pooling_mode_lasttoken": true]),
             .unsupported(file: "1_Pooling/config.json", field: "pooling_mode_lasttoken", value: "true", supported: "false")),
            ("last token by name", with("1_Pooling/config.json", ["word_embedding_dimension": 8, "pooling_mode": "lasttoken"]),
             .unsupported(file: "1_Pooling/config.json", field: "pooling_mode", value: "\"lasttoken\"",
                          supported: "cls, max, mean, mean_sqrt_len_tokens")),
            ("no mode", with("1_Pooling/config.json", ["word_embedding_dimension": 8, "pooling_mode_mean_tokens": false]),
             .unsupported(file: "1_Pooling/config.json", field: "pooling_mode_mean_tokens", value: "false",
                          supported: "at least one pooling mode on")),
            ("other dimension", with("1_Pooling/config.json", ["word_embedding_dimension": 16]),
             .unsupported(file: "1_Pooling/config.json", field: "word_embedding_dimension", value: "16",
                          supported: "8, the model's hidden size")),
            ("lower-casing in Python", with("sentence_bert_config.json", ["max_seq_length": 128, "do_lower_case": true]),
             .unsupported(file: "sentence_bert_config.json", field: "do_lower_case", value: "true", supported: "false")),
            ("dense layer", with("modules.json", dense),
             .unsupported(file: "modules.json", field: "[2].type", value: "\"sentence_transformers.models.Dense\"", supported: pipeline)),
            ("transformer in a subfolder", with("modules.json", subfolder),
             .unsupported(file: "modules.json", field: "[0].path", value: "\"0_BERT\"", supported: "\"\" (the checkpoint directory)")),
            ("dot product", with("config_sentence_transformers.json", ["similarity_fn_name": "dot"]),
             .unsupported(file: "config_sentence_transformers.json", field: "similarity_fn_name", value: "\"dot\"",
                          supported: "\"cosine\" or null")),
            ("default prompt", with("config_sentence_transformers.json", ["prompts": ["query": "query: "], "default_prompt_name": "query"]),
             .unsupported(file: "config_sentence_transformers.json", field: "default_prompt_name", value: "\"query\"", supported: "null")),
        ]
        for (label, files, want) in cases {
            #expect(throws: want, "\(label)") { try Self.read(files) }
        }
        #expect(throws: PoQCheckpointError.self, "unknown Pooling setting") {
            try Self.read(with("1_Pooling/config.json", ["word_embedding_dimension": 8, "pooling_mode_attention": true]))
        }
    }

    @Test func refusesSentenceTransformersFilesBesideAClassifierHead() throws {
        var checkpoint = TinyCheckpoint()
        checkpoint.classifier = true
        let directory = try checkpoint.write("st-classifier")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: PoQCheckpointError.sentenceTransformersWithClassifier) { try PoQEvaluator(directory: directory) }
    }
}
