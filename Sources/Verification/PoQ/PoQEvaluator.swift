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
    /// Most sequences run through the encoder together; bounds memory. Default 16.
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
    /// distinct sequences run through the encoder.
    case cancelled(encoded: Int, total: Int)
}

/// The PoQ evaluator: a BERT checkpoint directory loaded once, scoring a batch of outputs of one
/// prompt per call (docs/poq.md).
///
/// A checkpoint with `classifier.weight`/`classifier.bias` runs in cross-encoder mode, any
/// other in similarity mode, following the checkpoint's tokenizer and sentence-transformers
/// files (`PoQCheckpointSettings`). A call is three steps, which `PoQScheduler` also runs apart
/// to batch the sequences of concurrent calls: `sequences` (checks and tokenization),
/// `readouts` (the encoder), `scores`. Because a sequence's encoder output does not depend on
/// what it is batched with (`BertEncoder.hiddenStates`), scores are the same to the bit however
/// the sequences are grouped, on a given CPU.
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
        encoder = BertEncoder(weights: weights)
        self.limits = limits
    }

    /// Scores each of `outputs` as an answer to `prompt`, in [0, 1], in order.
    ///
    /// `shouldContinue` is asked before each encoder run (at most `limits.batchSize`
    /// sequences); when it returns false the call stops there and throws `PoQError.cancelled`
    /// (e.g. the client that asked has gone, so nobody would read the scores).
    public func score(prompt: String, outputs: [String], shouldContinue: () -> Bool = { true }) throws -> [Double] {
        let encodings = try sequences(prompt: prompt, outputs: outputs)
        return scores(readouts: try readouts(encodings, shouldContinue: shouldContinue))
    }

    /// The sequences that score `outputs` against `prompt`, after checking the limits: in
    /// similarity mode the prompt alone, then each output alone; in cross-encoder mode one
    /// pair per output.
    public func sequences(prompt: String, outputs: [String]) throws(PoQError) -> [BertEncoding] {
        guard !outputs.isEmpty else { throw .noOutputs }
        guard outputs.count <= limits.maxOutputs else { throw .tooManyOutputs(count: outputs.count, limit: limits.maxOutputs) }
        guard prompt.utf8.count <= limits.maxTextBytes else { throw .promptTooLarge(bytes: prompt.utf8.count, limit: limits.maxTextBytes) }
        for (i, output) in outputs.enumerated() where output.utf8.count > limits.maxTextBytes {
            throw .outputTooLarge(index: i, bytes: output.utf8.count, limit: limits.maxTextBytes)
        }
        switch mode {
        case .crossEncoder: return outputs.map { tokenizer.encodePair(prompt, $0) }
        case .similarity: return [tokenizer.encode(prompt)] + outputs.map { tokenizer.encode($0) }
        }
    }

    /// What scores are computed from, for each of `encodings` in order: the pooled, unit-length
    /// sentence embedding (similarity) or the one-element logit (cross-encoder).
    ///
    /// Identical encodings are encoded once. The others run in order, at most `batchSize` per
    /// encoder run whatever their lengths (the encoder computes real tokens only), on `threads`
    /// threads (`BertEncoder.hiddenStates(threads:)`). `shouldContinue` is asked before each
    /// run; false stops with `PoQError.cancelled`.
    public func readouts(_ encodings: [BertEncoding], threads: Int = 1,
                         shouldContinue: () -> Bool = { true }) throws(PoQError) -> [[Float]] {
        var slot: [BertEncoding: Int] = [:]
        var distinct: [BertEncoding] = []
        let slots = encodings.map { encoding in
            if let index = slot[encoding] { return index }
            slot[encoding] = distinct.count
            distinct.append(encoding)
            return distinct.count - 1
        }
        var results = [[Float]](repeating: [], count: distinct.count)
        var encoded = 0
        for first in stride(from: 0, to: distinct.count, by: limits.batchSize) {
            guard shouldContinue() else { throw .cancelled(encoded: encoded, total: distinct.count) }
            let run = first..<min(first + limits.batchSize, distinct.count)
            let states = encoder.hiddenStates(Array(distinct[run]), threads: threads)
            for (index, value) in zip(run, readout(states)) { results[index] = value }
            encoded += run.count
        }
        return slots.map { results[$0] }
    }

    /// The scores from the readouts of `sequences(prompt:outputs:)`, in the outputs' order:
    /// sigmoid(logit) (cross-encoder), or (cos + 1) / 2 between each output's embedding and
    /// the prompt's, clamped to [0, 1] (similarity).
    public func scores(readouts: [[Float]]) -> [Double] {
        switch mode {
        case .crossEncoder:
            return readouts.map { 1 / (1 + exp(-Double($0[0]))) }
        case .similarity:
            let prompt = readouts[0]
            return readouts.dropFirst().map { e in
                var dot: Double = 0
                for c in 0..<e.count { dot += Double(e[c]) * Double(prompt[c]) }
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

    /// Each sequence's readout from the encoder's output. In similarity mode the embedding is
    /// made unit length whether or not the pipeline normalizes: sentence-transformers' cosine
    /// normalizes both embeddings itself.
    private func readout(_ states: BertHiddenStates) -> [[Float]] {
        switch descriptor.scoring {
        case .crossEncoder: encoder.logits(states)!.map { [$0] }
        case .similarity(let pooling, _): states.sentenceEmbeddings(pooling).map(Self.unitNormalized)
        }
    }
}
