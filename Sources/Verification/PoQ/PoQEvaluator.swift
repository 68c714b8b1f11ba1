internal import Foundation

/// How the evaluator turns a prompt and an output into a score in [0, 1].
public enum PoQMode: String, Sendable, Hashable {
    /// sigmoid(logit) of `[CLS] prompt [SEP] output [SEP]` through pooler and classifier.
    case crossEncoder = "cross-encoder"
    /// (cos + 1) / 2 of the sentence embeddings of prompt and output (sentence-transformers pooling).
    case similarity
}

/// Limits on one scoring call.
public struct PoQLimits: Sendable, Hashable {
    /// Maximum number of outputs scored in one call. Default 32.
    public var maxOutputs: Int
    /// Maximum size in UTF-8 bytes of the prompt and of each output. Default 16,384.
    public var maxTextBytes: Int
    /// Maximum tokens per encoded sequence, special tokens included; longer input is truncated
    /// (longest first for pairs). Default nil: the checkpoint's own (`PoQCheckpointSettings`,
    /// 256 for all-MiniLM-L6-v2). The length used is part of the evaluator's identity.
    public var maxSequenceTokens: Int?
    /// Sequences run through the encoder together; bounds memory. Default 16.
    public var batchSize: Int

    public init(maxOutputs: Int = 32, maxTextBytes: Int = 16_384, maxSequenceTokens: Int? = nil, batchSize: Int = 16) {
        self.maxOutputs = maxOutputs
        self.maxTextBytes = maxTextBytes
        self.maxSequenceTokens = maxSequenceTokens
        self.batchSize = batchSize
    }
}

/// Why a scoring call was refused.
public enum PoQError: Error, Equatable, Sendable {
    case noOutputs
    case tooManyOutputs(count: Int, limit: Int)
    case promptTooLarge(bytes: Int, limit: Int)
    case outputTooLarge(index: Int, bytes: Int, limit: Int)
    case sequenceLimitExceedsModel(limit: Int, positions: Int)
    /// The caller asked to stop (`shouldContinue` returned false) with `encoded` of `total`
    /// sequences run through the encoder.
    case cancelled(encoded: Int, total: Int)
}

/// The PoQ evaluator: a BERT checkpoint directory loaded once, scoring a batch of outputs of one
/// prompt per call (docs/poq.md).
///
/// A checkpoint with `classifier.weight`/`classifier.bias` runs in cross-encoder mode, any
/// other in similarity mode, following the checkpoint's tokenizer and sentence-transformers
/// files (`PoQCheckpointSettings`). Scores are deterministic for a given build and thread count.
public final class PoQEvaluator: Sendable {
    /// Everything that determines the scores.
    public let descriptor: PoQEvaluatorDescriptor
    public let identity: PoQEvaluatorIdentity
    public let limits: PoQLimits
    public let tokenizer: BertTokenizer
    public let encoder: BertEncoder

    /// The evaluator's mode.
    public var mode: PoQMode { identity.mode }

    /// Loads the checkpoint in `directory`: config.json, model.safetensors, tokenizer.json or
    /// vocab.txt, and the optional tokenizer_config.json and sentence-transformers files.
    public init(directory: String, limits: PoQLimits = .init()) throws {
        let config = try BertConfig(path: directory + "/config.json")
        let file = try SafeTensorsFile(path: directory + "/model.safetensors")
        let weights = try BertWeights(config: config, file: file)
        let mode: PoQMode = weights.hasClassifier ? .crossEncoder : .similarity
        let settings = try PoQCheckpointSettings(directory: directory, config: config, mode: mode,
                                                 maxSequenceTokens: limits.maxSequenceTokens)
        tokenizer = settings.tokenizer
        let scoring: PoQEvaluatorDescriptor.Scoring = settings.embedding.map {
            .similarity(pooling: $0.pooling, normalize: $0.normalize)
        } ?? .crossEncoder
        descriptor = PoQEvaluatorDescriptor(
            scoring: scoring, config: config, weights: try BertWeights.canonicalCommitment(file: file, config: config, mode: mode),
            vocabularySHA256: tokenizer.vocabulary.canonicalDigest, normalizer: tokenizer.normalizer,
            maxInputCharsPerWord: tokenizer.maxInputCharsPerWord, maxLength: tokenizer.maxLength)
        identity = PoQEvaluatorIdentity(descriptor)
        encoder = BertEncoder(weights: weights, padId: tokenizer.padId)
        self.limits = limits
    }

    /// Scores each of `outputs` as an answer to `prompt`, in [0, 1], in order.
    ///
    /// `shouldContinue` is asked before each batch of `limits.batchSize` sequences; when it
    /// returns false the call stops there and throws `PoQError.cancelled` (e.g. the client that
    /// asked has gone, so nobody would read the scores).
    public func score(prompt: String, outputs: [String], shouldContinue: () -> Bool = { true }) throws -> [Double] {
        guard !outputs.isEmpty else { throw PoQError.noOutputs }
        guard outputs.count <= limits.maxOutputs else {
            throw PoQError.tooManyOutputs(count: outputs.count, limit: limits.maxOutputs)
        }
        guard prompt.utf8.count <= limits.maxTextBytes else {
            throw PoQError.promptTooLarge(bytes: prompt.utf8.count, limit: limits.maxTextBytes)
        }
        for (i, output) in outputs.enumerated() where output.utf8.count > limits.maxTextBytes {
            throw PoQError.outputTooLarge(index: i, bytes: output.utf8.count, limit: limits.maxTextBytes)
        }
        switch descriptor.scoring {
        case .crossEncoder:
            let logits = try run(outputs.map { tokenizer.encodePair(prompt, $0) }, shouldContinue) { encoder.logits($0)! }
            return logits.map { 1 / (1 + exp(-Double($0))) }
        case .similarity(let pooling, _):
            // The cosine, whether or not the pipeline normalizes: sentence-transformers' cosine
            // normalizes both embeddings itself.
            let embeddings = try run([tokenizer.encode(prompt)] + outputs.map { tokenizer.encode($0) }, shouldContinue) {
                $0.sentenceEmbeddings(pooling).map(Self.unitNormalized)
            }
            return embeddings.dropFirst().map { e in
                var dot: Double = 0
                for c in 0..<e.count { dot += Double(e[c]) * Double(embeddings[0][c]) }
                return min(1, max(0, (dot + 1) / 2))
            }
        }
    }

    /// `v` divided by max(‖v‖, 1e-12), as torch's `F.normalize` does.
    private static func unitNormalized(_ v: [Float]) -> [Float] {
        var norm: Float = 0
        for x in v { norm += x * x }
        let scale = 1 / max(norm.squareRoot(), 1e-12)
        return v.map { $0 * scale }
    }

    /// Runs `encodings` through the encoder in chunks of `limits.batchSize`, each padded to
    /// its longest sequence, and concatenates what `read` extracts from each chunk; stops with
    /// `PoQError.cancelled` before a chunk when `shouldContinue` returns false.
    private func run<T>(_ encodings: [BertEncoding], _ shouldContinue: () -> Bool,
                        _ read: (BertHiddenStates) -> [T]) throws(PoQError) -> [T] {
        var out: [T] = []
        out.reserveCapacity(encodings.count)
        for start in stride(from: 0, to: encodings.count, by: max(1, limits.batchSize)) {
            guard shouldContinue() else { throw .cancelled(encoded: start, total: encodings.count) }
            let chunk = Array(encodings[start..<min(encodings.count, start + max(1, limits.batchSize))])
            out.append(contentsOf: read(encoder.hiddenStates(chunk)))
        }
        return out
    }
}
