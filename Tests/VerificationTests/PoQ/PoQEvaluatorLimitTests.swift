import Foundation
import Testing
@testable import Verification

/// Limits of a scoring call, config refusals, and the attention kernel against a naive twin.
struct PoQEvaluatorLimitTests {
    @Test func acceptsMaxOutputsAndRefusesOneMore() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let limit = evaluator.limits.maxOutputs
        #expect(try evaluator.score(prompt: "p", outputs: Array(repeating: "o", count: limit)).count == limit)
        #expect(throws: PoQError.tooManyOutputs(count: limit + 1, limit: limit)) {
            try evaluator.score(prompt: "p", outputs: Array(repeating: "o", count: limit + 1))
        }
        #expect(throws: PoQError.noOutputs) { try evaluator.score(prompt: "p", outputs: []) }
    }

    @Test func stopsBeforeTheNextBatchWhenAskedTo() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let batch = evaluator.limits.batchSize
        // The prompt and `batch + 4` distinct outputs of one length: two encoder runs.
        let outputs = (0..<batch + 4).map { "o\($0)" }
        #expect(throws: PoQError.cancelled(encoded: 0, total: batch + 5)) {
            try evaluator.score(prompt: "p", outputs: outputs) { false }
        }
        let asked = Counter()
        #expect(throws: PoQError.cancelled(encoded: batch, total: batch + 5)) {
            try evaluator.score(prompt: "p", outputs: outputs) { asked.next() == 0 }
        }
        #expect(try evaluator.score(prompt: "p", outputs: outputs) { true }.count == batch + 4)
    }

    /// Counts the times it was asked.
    private final class Counter: @unchecked Sendable {
        private var count = 0
        func next() -> Int {
            defer { count += 1 }
            return count
        }
    }

    @Test func acceptsMaxTextBytesAndRefusesOneMore() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let limit = evaluator.limits.maxTextBytes
        let fits = String(repeating: "é", count: limit / 2)
        let over = fits + "x"
        #expect(try evaluator.score(prompt: fits, outputs: [fits]).count == 1)
        #expect(throws: PoQError.promptTooLarge(bytes: limit + 1, limit: limit)) {
            try evaluator.score(prompt: over, outputs: ["o"])
        }
        #expect(throws: PoQError.outputTooLarge(index: 1, bytes: limit + 1, limit: limit)) {
            try evaluator.score(prompt: "p", outputs: ["o", over])
        }
    }

    static var miniLMConfig: [String: Any] { [
        "model_type": "bert", "hidden_act": "gelu", "hidden_size": 384, "intermediate_size": 1536,
        "num_attention_heads": 12, "num_hidden_layers": 6, "max_position_embeddings": 512,
        "type_vocab_size": 2, "vocab_size": 30522, "layer_norm_eps": 1e-12,
        "position_embedding_type": "absolute",
    ] }

    /// `json` as config.json text.
    static func text(_ json: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: json))
    }

    @Test func readsMiniLMConfig() throws {
        let config = try BertConfig(path: try PoQTestSupport.requireModel() + "/config.json")
        #expect(config == BertConfig(vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12,
                                     intermediateSize: 1536, maxPositionEmbeddings: 512, typeVocabSize: 2, layerNormEps: 1e-12))
        #expect(try BertConfig(json: Self.text(Self.miniLMConfig)) == config)
    }

    @Test func refusesUnsupportedConfigs() {
        func with(_ key: String, _ value: Any) -> [String: Any] {
            var json = Self.miniLMConfig
            json[key] = value
            return json
        }
        #expect(throws: BertModelError.unsupportedConfig(name: "hidden_act", value: "gelu_new", supported: "gelu")) {
            try BertConfig(json: Self.text(with("hidden_act", "gelu_new")))
        }
        #expect(throws: BertModelError.unsupportedConfig(name: "position_embedding_type", value: "relative_key", supported: "absolute")) {
            try BertConfig(json: Self.text(with("position_embedding_type", "relative_key")))
        }
        #expect(throws: BertModelError.unsupportedConfig(name: "is_decoder", value: "true", supported: "false")) {
            try BertConfig(json: Self.text(with("is_decoder", true)))
        }
        #expect(throws: BertModelError.configTooLarge(name: "num_hidden_layers", value: 49, limit: 48)) {
            try BertConfig(json: Self.text(with("num_hidden_layers", 49)))
        }
        #expect(throws: BertModelError.missingConfigField("vocab_size")) {
            var json = Self.miniLMConfig
            json["vocab_size"] = nil
            return try BertConfig(json: Self.text(json))
        }
    }

    /// Values read as JSONSerialization read them before the strict parser: integral floats as
    /// integers, 0 and 1 as flags, a non-string model_type ignored.
    @Test func readsConfigValuesAsBefore() throws {
        var json = Self.miniLMConfig
        json["vocab_size"] = 30522.0
        json["is_decoder"] = 0
        json["model_type"] = 7
        json["position_embedding_type"] = NSNull()
        #expect(try BertConfig(json: Self.text(json)).vocabSize == 30522)
        #expect(throws: BertModelError.unsupportedConfig(name: "add_cross_attention", value: "true", supported: "false")) {
            try BertConfig(json: Self.text(json.merging(["add_cross_attention": 1]) { $1 }))
        }
        #expect(throws: BertModelError.invalidConfigField(name: "vocab_size", value: "1.5")) {
            try BertConfig(json: Self.text(json.merging(["vocab_size": 1.5]) { $1 }))
        }
    }

    /// Naive twin: full T×T scores with BERT's additive mask (Float.min on padded keys).
    static func naiveAttention(qkv: [Float], lengths: [Int], B: Int, T: Int, C: Int, NH: Int) -> [Float] {
        let hs = C / NH
        var out = [Float](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<T {
                    var scores = [Double](repeating: 0, count: T)
                    for s in 0..<T {
                        var dot: Double = 0
                        for i in 0..<hs {
                            dot += Double(qkv[(b * T + t) * 3 * C + h * hs + i]) * Double(qkv[(b * T + s) * 3 * C + C + h * hs + i])
                        }
                        scores[s] = dot / Double(hs).squareRoot() + (s < lengths[b] ? 0 : -Double(Float.greatestFiniteMagnitude))
                    }
                    let m = scores.max()!
                    let e = scores.map { exp($0 - m) }
                    let z = e.reduce(0, +)
                    for i in 0..<hs {
                        var acc: Double = 0
                        for s in 0..<T { acc += e[s] / z * Double(qkv[(b * T + s) * 3 * C + 2 * C + h * hs + i]) }
                        out[(b * T + t) * C + h * hs + i] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    /// Attention over unpadded rows (each sequence's real tokens one after another) against the
    /// naive twin, which pads and masks as BERT does.
    @Test func unpaddedAttentionMatchesNaiveMaskedTwin() {
        var rng = SystemRandomNumberGenerator()
        let (B, T, C, NH) = (3, 7, 12, 3)
        let lengths = [7, 3, 1]
        let qkv = (0..<(B * T * 3 * C)).map { _ in Float.random(in: -2...2, using: &rng) }
        let rows = (0..<B).flatMap { b in (0..<lengths[b]).map { b * T + $0 } }
        let packed = rows.flatMap { qkv[$0 * 3 * C..<($0 + 1) * 3 * C] }
        var out = [Float](repeating: .nan, count: rows.count * C)
        var scratch = [Float](repeating: .nan, count: attentionScratchCount(longest: T, C: C, NH: NH))
        bidirectionalAttentionForward(out: &out, scratch: &scratch, qkv: packed, lengths: lengths, C: C, NH: NH)
        let want = Self.naiveAttention(qkv: qkv, lengths: lengths, B: B, T: T, C: C, NH: NH)
        var diff: Float = 0
        for (row, padded) in rows.enumerated() {
            diff = max(diff, zip(out[row * C..<(row + 1) * C], want[padded * C..<(padded + 1) * C]).map { abs($0 - $1) }.max()!)
        }
        #expect(diff < 1e-5, "max difference \(diff)")
    }
}
