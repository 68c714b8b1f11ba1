/// The parameters of a BERT encoder, read from a Hugging Face safetensors checkpoint.
///
/// Tensor names are those of `BertModel` (`embeddings.*`, `encoder.layer.N.*`, `pooler.*`),
/// optionally under a `bert.` prefix as in `BertForSequenceClassification`, whose
/// `classifier.weight` (1, C) and `classifier.bias` (1) select cross-encoder mode. Weights use
/// the PyTorch Linear layout (OC, C). Query, key and value are joined into one (3C, C) matrix
/// at load so that one product computes all three, and every projection is packed once for the
/// encoder's matrix product (`PackedMatrix`).
public struct BertWeights: Sendable {
    /// One transformer layer. Shapes: C hidden, I intermediate.
    /// The four projections are packed as (in, out) matrices for
    /// `matmulForward(out:inp:packed:...)`.
    public struct Layer: Sendable {
        var qkvWeight: PackedMatrix      // (C, 3C): columns query, then key, then value
        var qkvBias: [Float]         // (3C)
        var attentionOutWeight: PackedMatrix // (C, C)
        var attentionOutBias: [Float]    // (C)
        var attentionNormWeight: [Float] // (C)
        var attentionNormBias: [Float]   // (C)
        var intermediateWeight: PackedMatrix // (C, I)
        var intermediateBias: [Float]   // (I)
        var outputWeight: PackedMatrix      // (I, C)
        var outputBias: [Float]         // (C)
        var outputNormWeight: [Float]   // (C)
        var outputNormBias: [Float]     // (C)
    }

    public let config: BertConfig
    var wordEmbeddings: [Float]      // (V, C)
    var positionEmbeddings: [Float]  // (P, C)
    var tokenTypeEmbeddings: [Float] // (TV, C)
    var embeddingNormWeight: [Float] // (C)
    var embeddingNormBias: [Float]   // (C)
    var layers: [Layer]
    var poolerWeight: PackedMatrix?  // (C, C), (in, out)
    var poolerBias: [Float]?         // (C)
    var classifierWeight: [Float]?   // (1, C)
    var classifierBias: [Float]?     // (1)

    /// Whether the checkpoint has a classifier head (cross-encoder mode).
    public var hasClassifier: Bool { classifierWeight != nil }
    /// Whether the checkpoint has a pooler (dense + tanh on [CLS]).
    public var hasPooler: Bool { poolerWeight != nil }

    /// Reads every tensor of `config` from `file`, checking dtype (F32) and shape.
    public init(config: BertConfig, file: SafeTensorsFile) throws {
        self.config = config
        let prefix = file.entry("bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
        let c = config.hiddenSize, i = config.intermediateSize
        func load(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let entry = file.entry(name) else { throw SafeTensorsError.missingTensor(name) }
            guard entry.shape == shape else {
                throw BertModelError.tensorShapeMismatch(name: name, got: entry.shape, want: shape)
            }
            return try file.floats(name)
        }
        func model(_ name: String, _ shape: [Int]) throws -> [Float] { try load(prefix + name, shape) }

        wordEmbeddings = try model("embeddings.word_embeddings.weight", [config.vocabSize, c])
        positionEmbeddings = try model("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, c])
        tokenTypeEmbeddings = try model("embeddings.token_type_embeddings.weight", [config.typeVocabSize, c])
        embeddingNormWeight = try model("embeddings.LayerNorm.weight", [c])
        embeddingNormBias = try model("embeddings.LayerNorm.bias", [c])
        layers = try (0..<config.numHiddenLayers).map { l in
            let p = "encoder.layer.\(l)."
            let a = p + "attention."
            return Layer(
                qkvWeight: packed(try model(a + "self.query.weight", [c, c]) + model(a + "self.key.weight", [c, c])
                    + model(a + "self.value.weight", [c, c]), outputs: 3 * c, inputs: c),
                qkvBias: try model(a + "self.query.bias", [c]) + model(a + "self.key.bias", [c])
                    + model(a + "self.value.bias", [c]),
                attentionOutWeight: packed(try model(a + "output.dense.weight", [c, c]), outputs: c, inputs: c),
                attentionOutBias: try model(a + "output.dense.bias", [c]),
                attentionNormWeight: try model(a + "output.LayerNorm.weight", [c]),
                attentionNormBias: try model(a + "output.LayerNorm.bias", [c]),
                intermediateWeight: packed(try model(p + "intermediate.dense.weight", [i, c]), outputs: i, inputs: c),
                intermediateBias: try model(p + "intermediate.dense.bias", [i]),
                outputWeight: packed(try model(p + "output.dense.weight", [c, i]), outputs: c, inputs: i),
                outputBias: try model(p + "output.dense.bias", [c]),
                outputNormWeight: try model(p + "output.LayerNorm.weight", [c]),
                outputNormBias: try model(p + "output.LayerNorm.bias", [c]))
        }
        if file.entry(prefix + "pooler.dense.weight") != nil {
            poolerWeight = packed(try model("pooler.dense.weight", [c, c]), outputs: c, inputs: c)
            poolerBias = try model("pooler.dense.bias", [c])
        }
        if let head = file.entry("classifier.weight") {
            guard head.shape.count == 2, head.shape[0] == 1 else {
                throw BertModelError.classifierLabels(got: head.shape.first ?? 0, want: 1)
            }
            classifierWeight = try load("classifier.weight", [1, c])
            classifierBias = try load("classifier.bias", [1])
            guard poolerWeight != nil else { throw BertModelError.crossEncoderWithoutPooler }
        }
    }
}

/// A PyTorch Linear weight (outputs, inputs), row-major, transposed to (inputs, outputs) and packed.
private func packed(_ m: [Float], outputs: Int, inputs: Int) -> PackedMatrix {
    precondition(m.count == outputs * inputs, "matrix of \(m.count) values is not \(outputs)x\(inputs)")
    var transposed = [Float](repeating: 0, count: m.count)
    for r in 0..<outputs {
        for c in 0..<inputs { transposed[c * outputs + r] = m[r * inputs + c] }
    }
    return PackedMatrix(transposed, inputs: inputs, outputs: outputs)
}
