internal import Foundation

/// Why a BERT checkpoint was refused.
public enum BertModelError: Error, Equatable, Sendable {
    case cannotReadConfig(path: String)
    case invalidConfigJSON(path: String)
    case missingConfigField(String)
    case invalidConfigField(name: String, value: String)
    case unsupportedConfig(name: String, value: String, supported: String)
    case configTooLarge(name: String, value: Int, limit: Int)
    case tensorShapeMismatch(name: String, got: [Int], want: [Int])
    case classifierLabels(got: Int, want: Int)
    case crossEncoderWithoutPooler
}

/// The fields of a Hugging Face `BertConfig` (config.json) the encoder needs.
///
/// Supported: `hidden_act` "gelu" (the exact erf form), `position_embedding_type` "absolute"
/// (or absent), not a decoder, no cross-attention. Anything else is refused by name rather
/// than silently computed differently.
public struct BertConfig: Sendable, Hashable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float

    /// Bounds on the sizes a config may declare, so that a hostile config.json cannot make
    /// the loader allocate without limit: vocab 1,000,000; hidden 4,096; layers 48; heads 64;
    /// intermediate 16,384; positions 8,192; token types 16.
    static let sizeLimits: [(String, Int)] = [
        ("vocab_size", 1_000_000), ("hidden_size", 4096), ("num_hidden_layers", 48),
        ("num_attention_heads", 64), ("intermediate_size", 16_384),
        ("max_position_embeddings", 8192), ("type_vocab_size", 16),
    ]

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int, layerNormEps: Float) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
    }

    /// Size of one attention head, hidden size / heads.
    public var headSize: Int { hiddenSize / numAttentionHeads }

    /// Reads and validates `config.json`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BertModelError.cannotReadConfig(path: path)
        }
        try self.init(json: Array(data), path: path)
    }

    /// Validates the text of a config.json (read from `path`, which errors name) with the
    /// strict parser.
    ///
    /// Values are read as Foundation's `JSONSerialization` read them before, so the same
    /// configs pass: `true` and `false` count as the numbers 1 and 0, a number equal to 1 or 0
    /// as a flag, and a non-string "model_type" is ignored.
    public init(json: [UInt8], path: String = "config.json") throws {
        let root: JSONNode
        do { root = try StrictJSONParser().parse(json).root } catch { throw BertModelError.invalidConfigJSON(path: path) }
        guard root.kind == .object else { throw BertModelError.invalidConfigJSON(path: path) }
        func string(_ key: String, default value: String) throws -> String {
            guard let raw = root[key], !raw.isNull else { return value }
            guard let s = raw.string else { throw BertModelError.invalidConfigField(name: key, value: Self.text(raw)) }
            return s
        }
        func int(_ key: String) throws -> Int {
            guard let raw = root[key] else { throw BertModelError.missingConfigField(key) }
            guard let n = Self.number(raw), let v = Int(exactly: n), v > 0 else {
                throw BertModelError.invalidConfigField(name: key, value: Self.text(raw))
            }
            if let limit = Self.sizeLimits.first(where: { $0.0 == key })?.1, v > limit {
                throw BertModelError.configTooLarge(name: key, value: v, limit: limit)
            }
            return v
        }
        func flag(_ key: String) throws -> Bool {
            guard let raw = root[key], !raw.isNull else { return false }
            guard let n = Self.number(raw), n == 0 || n == 1 else {
                throw BertModelError.invalidConfigField(name: key, value: Self.text(raw))
            }
            return n == 1
        }
        if let modelType = root["model_type"]?.string, modelType != "bert" {
            throw BertModelError.unsupportedConfig(name: "model_type", value: modelType, supported: "bert")
        }
        let act = try string("hidden_act", default: "gelu")
        guard act == "gelu" else {
            throw BertModelError.unsupportedConfig(name: "hidden_act", value: act, supported: "gelu")
        }
        let positions = try string("position_embedding_type", default: "absolute")
        guard positions == "absolute" else {
            throw BertModelError.unsupportedConfig(name: "position_embedding_type", value: positions, supported: "absolute")
        }
        for key in ["is_decoder", "add_cross_attention"] where try flag(key) {
            throw BertModelError.unsupportedConfig(name: key, value: "true", supported: "false")
        }
        let eps: Float
        if let raw = root["layer_norm_eps"] {
            guard let n = Self.number(raw), n > 0, n < 1 else {
                throw BertModelError.invalidConfigField(name: "layer_norm_eps", value: Self.text(raw))
            }
            eps = Float(n)
        } else {
            eps = 1e-12
        }
        self.init(vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
                  numHiddenLayers: try int("num_hidden_layers"), numAttentionHeads: try int("num_attention_heads"),
                  intermediateSize: try int("intermediate_size"),
                  maxPositionEmbeddings: try int("max_position_embeddings"),
                  typeVocabSize: try int("type_vocab_size"), layerNormEps: eps)
        guard hiddenSize % numAttentionHeads == 0 else {
            throw BertModelError.invalidConfigField(
                name: "num_attention_heads", value: "\(numAttentionHeads) does not divide hidden_size \(hiddenSize)")
        }
    }

    /// A number's value, or 1 and 0 for `true` and `false` (what an NSNumber held).
    private static func number(_ node: JSONNode) -> Double? {
        switch node.kind {
        case .true: return 1
        case .false: return 0
        default: return node.numberLiteral.flatMap { Double($0) }
        }
    }

    /// A refused value as errors name it: a string as it is, anything else as JSON.
    private static func text(_ node: JSONNode) -> String {
        node.string ?? String(decoding: node.encoded(), as: UTF8.self)
    }
}
