extension BertHiddenStates {
    /// The sentence embedding of each sequence under `pooling`, as sentence-transformers'
    /// Pooling module computes it over the attention mask (the real tokens): the modes' vectors
    /// concatenated in ``SentencePooling`` order. Returns (B, modes · C).
    public func sentenceEmbeddings(_ pooling: SentencePooling) -> [[Float]] {
        (0..<batchSize).map { b in
            var out: [Float] = []
            out.reserveCapacity(pooling.names.count * channels)
            if pooling.cls { out.append(contentsOf: row(b, 0)) }
            if pooling.max {
                var top = Array(row(b, 0))
                for t in 1..<lengths[b] {
                    for (c, v) in row(b, t).enumerated() where v > top[c] { top[c] = v }
                }
                out.append(contentsOf: top)
            }
            if pooling.mean || pooling.meanSqrtLength {
                var sum = [Float](repeating: 0, count: channels)
                for t in 0..<lengths[b] {
                    for (c, v) in row(b, t).enumerated() { sum[c] += v }
                }
                let n = Float(lengths[b])
                if pooling.mean { out.append(contentsOf: sum.map { $0 / n }) }
                if pooling.meanSqrtLength { out.append(contentsOf: sum.map { $0 / n.squareRoot() }) }
            }
            return out
        }
    }
}
