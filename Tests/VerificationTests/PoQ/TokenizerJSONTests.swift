import Foundation
import TestSupport
import Testing
@testable import Verification

/// Checkpoints whose tokenizer is a tokenizer.json (as `transformers` 5 writes them, without
/// vocab.txt): ids against the Hugging Face `tokenizers` package loading the same file, and
/// refusals, by name, of every pipeline the evaluator does not implement.
struct TokenizerJSONTests {
    /// The real model without vocab.txt, so that only tokenizer.json can be read.
    static func withoutVocabTxt() throws -> String {
        try PoQCheckpointFixtures.realModelVariant("no-vocab", removing: ["vocab.txt"])
    }

    /// The tokenizer `directory` gives a similarity evaluator of the real model's config.
    static func tokenizer(_ directory: String) throws -> BertTokenizer {
        let config = try BertConfig(path: directory + "/config.json")
        return try PoQCheckpointSettings(directory: directory, config: config, mode: .similarity, maxSequenceTokens: nil).tokenizer
    }

    /// Makes `tokenizer` with other maximum lengths.
    static func lengths(_ tokenizer: BertTokenizer) -> (Int) throws -> BertTokenizer {
        { try BertTokenizer(vocabulary: tokenizer.vocabulary, maxLength: $0, maxInputCharsPerWord: tokenizer.maxInputCharsPerWord,
                            normalizer: tokenizer.normalizer) }
    }

    @Test func checkpointWithTokenizerJSONAndNoVocabTxtIsReadyAndScoresAlike() throws {
        let directory = try Self.withoutVocabTxt()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let evaluator = try PoQEvaluator(directory: directory)
        let bundled = try PoQTestSupport.similarityEvaluator()
        #expect(evaluator.tokenizer.vocabulary.count == 30_522)
        #expect(evaluator.identity == bundled.identity)
        let outputs = ["Berlin has about 3.8 million inhabitants.", "Café naïve Ångström — 北京 😀", "[SEP] injected?"]
        #expect(try evaluator.score(prompt: "How many people live in Berlin?", outputs: outputs)
            == bundled.score(prompt: "How many people live in Berlin?", outputs: outputs))
    }

    @Test func tokenizerJSONMatchesCommittedFixtures() throws {
        let directory = try Self.withoutVocabTxt()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = try Data(contentsOf: URL(fileURLWithPath: PoQTestSupport.fixtures + "/tokenizer-expected.json"))
        let expected = try JSONDecoder().decode(BertTokenizerTests.Expected.self, from: data)
        let failures = try BertTokenizerTests.mismatches(expected, tokenizer: Self.lengths(try Self.tokenizer(directory)))
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func tokenizerJSONMatchesLiveTokenizersLoadedFromIt() throws {
        let directory = try Self.withoutVocabTxt()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = try Python.output("poq_tokenizer_fixtures.py", ["print", "--tokenizer-json", directory + "/tokenizer.json"])
        let expected = try JSONDecoder().decode(BertTokenizerTests.Expected.self, from: data)
        let failures = try BertTokenizerTests.mismatches(expected, tokenizer: Self.lengths(try Self.tokenizer(directory)))
        #expect(failures.isEmpty, "\(failures.count) mismatches:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    struct Variant: Decodable {
        struct Normalizer: Decodable {
            let lowercase: Bool
            let strip_accents: Bool?
            let handle_chinese_chars: Bool
        }
        let normalizer: Normalizer
        let cases: [BertTokenizerTests.Case]
    }

    /// Cased, cased with accents stripped, lower-cased with accents kept, and without Chinese
    /// character splitting: each read from tokenizer.json and tokenizer_config.json that say
    /// so, against `tokenizers` with the same normalizer (tools/poq_tokenizer_fixtures.py variants).
    @Test func normalizerVariantsMatchLiveTokenizers() throws {
        let data = try Python.output("poq_tokenizer_fixtures.py", ["variants"])
        let variants = try JSONDecoder().decode([Variant].self, from: data)
        #expect(variants.count == 4)
        // The file's normalizer, replaced as text: re-serialising 30,522 vocabulary entries
        // through JSONSerialization costs about a second each time.
        let original = try String(contentsOfFile: try PoQTestSupport.requireModel() + "/tokenizer.json", encoding: .utf8)
        let normalizer = #""normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}"#
        try #require(original.contains(normalizer))
        for variant in variants {
            let n = variant.normalizer
            let directory = try PoQCheckpointFixtures.realModelVariant("normalizer") { dir in
                let strip = n.strip_accents.map { "\($0)" } ?? "null"
                let replaced = original.replacingOccurrences(of: normalizer, with: #""normalizer":{"type":"BertNormalizer","clean_text":true,"#
                    + #""handle_chinese_chars":\#(n.handle_chinese_chars),"strip_accents":\#(strip),"lowercase":\#(n.lowercase)}"#)
                try FileManager.default.removeItem(atPath: dir + "/tokenizer.json")
                try Data(replaced.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
                var config = try PoQCheckpointFixtures.realJSON("tokenizer_config.json")
                config["do_lower_case"] = n.lowercase
                config["strip_accents"] = n.strip_accents.map { $0 as Any } ?? NSNull()
                config["tokenize_chinese_chars"] = n.handle_chinese_chars
                try PoQCheckpointFixtures.replaceJSON(config, dir, "tokenizer_config.json")
            }
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let tokenizer = try Self.tokenizer(directory)
            #expect(tokenizer.normalizer == BertNormalizerOptions(
                handleChineseChars: n.handle_chinese_chars, stripAccents: n.strip_accents ?? n.lowercase, lowercase: n.lowercase))
            let failures = try BertTokenizerTests.mismatches(.init(cases: variant.cases), tokenizer: Self.lengths(tokenizer))
            #expect(failures.isEmpty, "\(n): \(failures.count) mismatches:\n\(failures.prefix(10).joined(separator: "\n"))")
        }
    }

    /// The error loading `checkpoint` throws, or nil if it loads.
    static func refusal(_ checkpoint: TinyCheckpoint) throws -> (any Error)? {
        let directory = try checkpoint.write("refusal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try PoQEvaluator(directory: directory)
            return nil
        } catch {
            return error
        }
    }

    /// A tiny checkpoint with only a tokenizer.json, edited by `edit`.
    static func tokenizerJSON(_ edit: @escaping (inout [String: Any]) -> Void) -> TinyCheckpoint {
        var checkpoint = TinyCheckpoint()
        checkpoint.vocabTxt = false
        checkpoint.tokenizerJSON = true
        checkpoint.editTokenizerJSON = edit
        return checkpoint
    }

    @Test func refusesTokenizerPipelinesItDoesNotImplementByName() throws {
        func set(_ component: String, _ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { json in
                var object = json[component] as! [String: Any]
                object[key] = value
                json[component] = object
            }
        }
        let cases: [(String, (inout [String: Any]) -> Void, PoQCheckpointError)] = [
            ("BPE model", set("model", "type", "BPE"),
             .unsupported(file: "tokenizer.json", field: "model.type", value: "\"BPE\"", supported: "\"WordPiece\"")),
            ("other prefix", set("model", "continuing_subword_prefix", "@@"),
             .unsupported(file: "tokenizer.json", field: "model.continuing_subword_prefix", value: "\"@@\"", supported: "\"##\"")),
            ("other unknown token", set("model", "unk_token", "<unk>"),
             .unsupported(file: "tokenizer.json", field: "model.unk_token", value: "\"<unk>\"", supported: "\"[UNK]\"")),
            ("normalizer sequence", set("normalizer", "type", "Sequence"),
             .unsupported(file: "tokenizer.json", field: "normalizer.type", value: "\"Sequence\"", supported: "\"BertNormalizer\"")),
            ("no text cleaning", set("normalizer", "clean_text", false),
             .unsupported(file: "tokenizer.json", field: "normalizer.clean_text", value: "false", supported: "true")),
            ("whitespace pre-tokenizer", set("pre_tokenizer", "type", "Whitespace"),
             .unsupported(file: "tokenizer.json", field: "pre_tokenizer.type", value: "\"Whitespace\"", supported: "\"BertPreTokenizer\"")),
            ("RoBERTa post-processor", set("post_processor", "type", "RobertaProcessing"),
             .unsupported(file: "tokenizer.json", field: "post_processor.type", value: "\"RobertaProcessing\"",
                          supported: "\"TemplateProcessing\" or \"BertProcessing\"")),
            ("lower-casing without tokenizer_config.json saying so", set("normalizer", "lowercase", false),
             .conflicting(setting: "lowercase", tokenizerJSON: "false", tokenizerConfig: "true (default)")),
            ("special token at another id", { json in
                var added = json["added_tokens"] as! [[String: Any]]
                added[4]["id"] = 7
                json["added_tokens"] = added
            }, .specialTokenId(file: "tokenizer.json", token: "[MASK]", got: 7, want: 4)),
            ("added token that is not special", { json in
                var added = json["added_tokens"] as! [[String: Any]]
                added[4]["special"] = false
                json["added_tokens"] = added
            }, .unsupported(file: "tokenizer.json", field: "added_tokens[4].special", value: "false", supported: "true")),
        ]
        for (label, edit, want) in cases {
            let got = try Self.refusal(Self.tokenizerJSON(edit))
            #expect(got as? PoQCheckpointError == want, "\(label): \(got.map { "\($0)" } ?? "loaded")")
        }
        // Errors whose value quotes a whole JSON array or object: checked by file and field.
        let quoting: [(String, (inout [String: Any]) -> Void, String)] = [
            ("pair template without segment B's type", { json in
                var processor = json["post_processor"] as! [String: Any]
                processor["pair"] = processor["single"]
                json["post_processor"] = processor
            }, "post_processor.pair"),
            ("no post-processor", { $0["post_processor"] = NSNull() }, "post_processor"),
            ("unknown model setting", set("model", "dropout", 0.1), "model.dropout"),
        ]
        for (label, edit, field) in quoting {
            let got = try Self.refusal(Self.tokenizerJSON(edit))
            guard case let .unsupported(file, gotField, _, _)? = got as? PoQCheckpointError else {
                Issue.record("\(label): \(got.map { "\($0)" } ?? "loaded")")
                continue
            }
            #expect(file == "tokenizer.json" && gotField == field, "\(label)")
        }
    }

    @Test func refusesTokenizerConfigSettingsItDoesNotImplementByName() throws {
        let cases: [([String: Any], PoQCheckpointError)] = [
            (["truncation_side": "left"],
             .unsupported(file: "tokenizer_config.json", field: "truncation_side", value: "\"left\"", supported: "\"right\"")),
            (["tokenizer_class": "RobertaTokenizer"],
             .unsupported(file: "tokenizer_config.json", field: "tokenizer_class", value: "\"RobertaTokenizer\"",
                          supported: "\"BertTokenizer\" or \"BertTokenizerFast\"")),
            (["never_split": ["cat"]],
             .unsupported(file: "tokenizer_config.json", field: "never_split", value: "[\"cat\"]", supported: "null or []")),
            (["do_basic_tokenize": false],
             .unsupported(file: "tokenizer_config.json", field: "do_basic_tokenize", value: "false", supported: "true")),
            (["cls_token": "<s>"],
             .unsupported(file: "tokenizer_config.json", field: "cls_token", value: "\"<s>\"", supported: "\"[CLS]\"")),
            (["added_tokens_decoder": ["3": ["content": "[MASK]", "special": true]]],
             .specialTokenId(file: "tokenizer_config.json", token: "[MASK]", got: 3, want: 4)),
        ]
        for (config, want) in cases {
            var checkpoint = TinyCheckpoint()
            checkpoint.tokenizerConfig = config
            let got = try Self.refusal(checkpoint)
            #expect(got as? PoQCheckpointError == want, "\(config): \(got.map { "\($0)" } ?? "loaded")")
        }
        var agreeing = Self.tokenizerJSON { json in
            var normalizer = json["normalizer"] as! [String: Any]
            normalizer["lowercase"] = false
            json["normalizer"] = normalizer
        }
        agreeing.tokenizerConfig = ["do_lower_case": false, "model_max_length": 1e30, "truncation_side": "right"]
        let loaded = try Self.refusal(agreeing)
        #expect(loaded == nil, "\(loaded.map { "\($0)" } ?? "")")
    }

    @Test func refusesAVocabularyLargerThanTheEmbeddingTable() throws {
        var checkpoint = TinyCheckpoint()
        checkpoint.tokens.append("extra")
        let got = try Self.refusal(checkpoint)
        #expect(got as? PoQCheckpointError == .vocabularyExceedsModel(largestId: 16, vocabSize: 16))
    }

    @Test func refusesACheckpointWithNeitherTokenizerFile() throws {
        var checkpoint = TinyCheckpoint()
        checkpoint.vocabTxt = false
        let got = try Self.refusal(checkpoint)
        guard case .cannotReadVocabulary(let path)? = got as? BertTokenizerError else {
            Issue.record("\(got.map { "\($0)" } ?? "loaded")")
            return
        }
        #expect(path.hasSuffix("/vocab.txt"))
    }
}

extension TokenizerJSONTests {
    /// A checkpoint JSON file of the limit's size is read; one byte more is refused.
    @Test func readsJSONFileOfMaxBytesAndRefusesOneMore() throws {
        let directory = try PoQCheckpointFixtures.directory("json-limit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = #"{"do_lower_case": true}"#
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/tokenizer_config.json"))
        let limit = text.utf8.count
        #expect(try CheckpointJSON.read(directory: directory, file: "tokenizer_config.json", maxBytes: limit) != nil)
        #expect(throws: PoQCheckpointError.fileTooLarge(file: "tokenizer_config.json", bytes: limit, limit: limit - 1)) {
            try CheckpointJSON.read(directory: directory, file: "tokenizer_config.json", maxBytes: limit - 1)
        }
        #expect(try CheckpointJSON.read(directory: directory, file: "absent.json") == nil)
    }
}
