/// Everything that determines the evaluator's scores, in the canonical form its identity
/// hashes (docs/protocol-parts/poq.md): the mode, the model's shape, the canonical weights,
/// the tokenizer's vocabulary and settings, the maximum length and, in similarity mode, the
/// pooling and normalization. How the checkpoint's files were written (tensor names, order,
/// buffers, vocab.txt or tokenizer.json) is not part of it.
public struct PoQEvaluatorDescriptor: Sendable, Hashable {
    /// How a score is computed from the encoder.
    public enum Scoring: Sendable, Hashable {
        /// sigmoid(classifier logit) of the pair.
        case crossEncoder
        /// (cosine + 1) / 2 of the two sentence embeddings.
        case similarity(pooling: SentencePooling, normalize: Bool)
    }

    public var scoring: Scoring
    /// The encoder's shape and LayerNorm epsilon (config.json).
    public var config: BertConfig
    /// The pogo/1 commitment to the tensors the score reads, under canonical names
    /// (`BertWeights.canonicalCommitment`).
    public var weights: ParameterCommitment
    /// `WordPieceVocabulary.canonicalDigest` of the vocabulary.
    public var vocabularySHA256: Digest
    public var normalizer: BertNormalizerOptions
    public var maxInputCharsPerWord: Int
    /// Most tokens per encoded sequence, special tokens included.
    public var maxLength: Int

    public init(scoring: Scoring, config: BertConfig, weights: ParameterCommitment, vocabularySHA256: Digest,
                normalizer: BertNormalizerOptions, maxInputCharsPerWord: Int, maxLength: Int) {
        self.scoring = scoring
        self.config = config
        self.weights = weights
        self.vocabularySHA256 = vocabularySHA256
        self.normalizer = normalizer
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.maxLength = maxLength
    }

    /// The evaluator's mode.
    public var mode: PoQMode {
        switch scoring {
        case .crossEncoder: return .crossEncoder
        case .similarity: return .similarity
        }
    }

    /// The canonical JSON text: compact, members in byte-wise key order at every level,
    /// integers in decimal, the LayerNorm epsilon as the 8 lower-case hex digits of its binary32
    /// bits (what the encoder computes with), digests as 64 lower-case hex digits. `pooling`
    /// and `normalize` are present in similarity mode only.
    public var json: [UInt8] {
        func int(_ n: Int) -> JSONValue { .number(String(n)) }
        let eps = String(config.layerNormEps.bitPattern, radix: 16)
        var members: [(key: String, value: JSONValue)] = [
            ("maxLength", int(maxLength)),
            ("mode", .string(mode.rawValue)),
            ("model", .object([
                ("hiddenSize", int(config.hiddenSize)),
                ("intermediateSize", int(config.intermediateSize)),
                ("layerNormEpsBits", .string(String(repeating: "0", count: 8 - eps.count) + eps)),
                ("maxPositionEmbeddings", int(config.maxPositionEmbeddings)),
                ("numAttentionHeads", int(config.numAttentionHeads)),
                ("numHiddenLayers", int(config.numHiddenLayers)),
                ("typeVocabSize", int(config.typeVocabSize)),
                ("vocabSize", int(config.vocabSize)),
            ])),
        ]
        if case let .similarity(pooling, normalize) = scoring {
            members.append(("normalize", .bool(normalize)))
            members.append(("pooling", .array(pooling.names.map { .string($0) })))
        }
        members.append(("tokenizer", .object([
            ("handleChineseChars", .bool(normalizer.handleChineseChars)),
            ("lowercase", .bool(normalizer.lowercase)),
            ("maxInputCharsPerWord", int(maxInputCharsPerWord)),
            ("stripAccents", .bool(normalizer.stripAccents)),
            ("vocabularySha256", .string(vocabularySHA256.hex)),
        ])))
        members.append(("weights", .object([
            ("leaves", int(weights.leafCount)),
            ("parameters", int(weights.parameterCount)),
            ("root", .string(weights.root.hex)),
        ])))
        return JSONValue.object(members).encoded()
    }
}
