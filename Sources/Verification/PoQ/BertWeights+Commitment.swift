extension BertWeights {
    /// The prefix of the encoder's tensor names in `file`: "bert." when the checkpoint is a
    /// task model (`BertForSequenceClassification`), else "" (`BertModel`).
    static func namePrefix(in file: SafeTensorsFile) -> String {
        file.entry("bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
    }

    /// The canonical names of the tensors a score in `mode` reads: the `BertModel` names without
    /// any `bert.` prefix, in no particular order. Similarity mode reads the embeddings and
    /// the layers; cross-encoder mode also the pooler and `classifier.weight` and `.bias`.
    /// Buffers (`embeddings.position_ids`) and tensors nothing reads are not among them.
    static func canonicalTensorNames(layers: Int, mode: PoQMode) -> [String] {
        var names = ["word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
                     "LayerNorm.weight", "LayerNorm.bias"].map { "embeddings." + $0 }
        let perLayer = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                        "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]
        for l in 0..<layers {
            for part in perLayer {
                names += ["encoder.layer.\(l).\(part).weight", "encoder.layer.\(l).\(part).bias"]
            }
        }
        if mode == .crossEncoder {
            names += ["pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"]
        }
        return names
    }

    /// The pogo/1 commitment (docs/protocol-parts/merkle.md) to the tensors a score in `mode`
    /// reads, under their canonical names: the same weights give the same commitment whether
    /// or not the file prefixes them with `bert.`, stores buffers or other tensors beside them,
    /// or lays them out in another order. Throws when a tensor is missing, not F32, or holds a
    /// NaN or infinity.
    static func canonicalCommitment(file: SafeTensorsFile, config: BertConfig, mode: PoQMode) throws -> ParameterCommitment {
        let prefix = namePrefix(in: file)
        let tensors = try canonicalTensorNames(layers: config.numHiddenLayers, mode: mode).map { name in
            let stored = name.hasPrefix("classifier.") ? name : prefix + name
            guard let entry = file.entry(stored) else { throw SafeTensorsError.missingTensor(stored) }
            return (name: name, entry: entry)
        }
        return try CanonicalParameters(file: file, tensors: tensors).commitment()
    }
}
