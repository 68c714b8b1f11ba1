internal import Foundation

// Shape letters: B batch, T padded tokens, C hidden channels, I intermediate channels,
// NH heads, N = B·T rows.

/// The BERT encoder forward pass on the CPU (fp32, OpenBLAS sgemm), batched with padding to
/// the longest sequence of the batch.
///
/// Embeddings (word + position + token type) and LayerNorm; then per layer: packed QKV
/// projection, bidirectional attention under the padding mask, output projection, residual
/// and LayerNorm, intermediate projection with exact GELU, output projection, residual and
/// LayerNorm (post-LN, as in Hugging Face `BertModel`). The pooler is dense + tanh on the
/// [CLS] row; the classifier maps the pooled vector to one logit.
public final class BertEncoder: Sendable {
    public let weights: BertWeights
    /// Token id used for padding positions (config `pad_token_id`, 0 for BERT vocabularies).
    public let padId: Int32

    public init(weights: BertWeights, padId: Int32 = 0) {
        self.weights = weights
        self.padId = padId
    }

    /// Runs the encoder on `batch` and returns the last hidden states.
    ///
    /// Requires a non-empty batch of encodings no longer than the model's position table, with
    /// ids below the vocabulary size and type ids below the type vocabulary size. Sequences
    /// are padded to `paddedLength` when given (it must be at least the longest sequence),
    /// else to the longest sequence.
    public func hiddenStates(_ batch: [BertEncoding], paddedLength: Int? = nil) -> BertHiddenStates {
        let cfg = weights.config
        let (B, C, I, NH) = (batch.count, cfg.hiddenSize, cfg.intermediateSize, cfg.numAttentionHeads)
        let longest = batch.map(\.count).max() ?? 0
        let T = paddedLength ?? longest
        precondition(B > 0 && longest >= 1 && T >= longest && T <= cfg.maxPositionEmbeddings, "bad batch shape")
        let N = B * T
        var hidden = [Float](repeating: 0, count: N * C)   // (N, C), the running hidden state
        var sum = [Float](repeating: 0, count: N * C)      // (N, C), pre-LayerNorm residual sums
        var context = [Float](repeating: 0, count: N * C)  // (N, C), attention output
        var qkv = [Float](repeating: 0, count: N * 3 * C)  // (N, 3C)
        var inter = [Float](repeating: 0, count: N * I)    // (N, I)
        var scores = [Float](repeating: 0, count: T * T)   // (T, T)

        embed(batch, T: T, into: &sum)
        layerNormForward(out: &hidden, mean: nil, rstd: nil, inp: sum, weight: weights.embeddingNormWeight,
                         bias: weights.embeddingNormBias, N: N, C: C, eps: cfg.layerNormEps)
        let lengths = batch.map(\.count)
        for layer in weights.layers {
            matmulForward(out: &qkv, inp: hidden, weight: layer.qkvWeight, bias: layer.qkvBias, N: N, C: C, OC: 3 * C)
            bidirectionalAttentionForward(out: &context, scores: &scores, qkv: qkv, lengths: lengths,
                                          B: B, T: T, C: C, NH: NH)
            matmulForward(out: &sum, inp: context, weight: layer.attentionOutWeight, bias: layer.attentionOutBias,
                          N: N, C: C, OC: C)
            addInPlace(&sum, hidden, count: N * C)
            layerNormForward(out: &hidden, mean: nil, rstd: nil, inp: sum, weight: layer.attentionNormWeight,
                             bias: layer.attentionNormBias, N: N, C: C, eps: cfg.layerNormEps)
            matmulForward(out: &inter, inp: hidden, weight: layer.intermediateWeight, bias: layer.intermediateBias,
                          N: N, C: C, OC: I)
            inter.withUnsafeMutableBufferPointer { geluForward(out: $0.baseAddress!, inp: $0.baseAddress!, count: N * I) }
            matmulForward(out: &sum, inp: inter, weight: layer.outputWeight, bias: layer.outputBias, N: N, C: I, OC: C)
            addInPlace(&sum, hidden, count: N * C)
            layerNormForward(out: &hidden, mean: nil, rstd: nil, inp: sum, weight: layer.outputNormWeight,
                             bias: layer.outputNormBias, N: N, C: C, eps: cfg.layerNormEps)
        }
        return BertHiddenStates(batchSize: B, paddedLength: T, channels: C, lengths: lengths, values: hidden)
    }

    /// Writes word + position + token type embeddings of every (padded) position into `out`
    /// (N, C); padding positions use `padId` and type 0, as the reference does.
    private func embed(_ batch: [BertEncoding], T: Int, into out: inout [Float]) {
        let cfg = weights.config
        let C = cfg.hiddenSize
        for (b, encoding) in batch.enumerated() {
            for t in 0..<T {
                let id = t < encoding.count ? Int(encoding.ids[t]) : Int(padId)
                let type = t < encoding.count ? Int(encoding.typeIds[t]) : 0
                precondition(id >= 0 && id < cfg.vocabSize && type >= 0 && type < cfg.typeVocabSize, "token out of range")
                let base = (b * T + t) * C
                for c in 0..<C {
                    out[base + c] = weights.wordEmbeddings[id * C + c] + weights.positionEmbeddings[t * C + c]
                        + weights.tokenTypeEmbeddings[type * C + c]
                }
            }
        }
    }

    /// The pooler output, tanh(W · h[CLS] + b), for each sequence: (B, C). Nil without a pooler.
    public func pooled(_ states: BertHiddenStates) -> [[Float]]? {
        guard let w = weights.poolerWeight, let bias = weights.poolerBias else { return nil }
        let C = states.channels
        var cls = [Float](repeating: 0, count: states.batchSize * C)
        for b in 0..<states.batchSize { cls.replaceSubrange(b * C..<(b + 1) * C, with: states.row(b, 0)) }
        var out = [Float](repeating: 0, count: states.batchSize * C)
        matmulForward(out: &out, inp: cls, weight: w, bias: bias, N: states.batchSize, C: C, OC: C)
        out.withUnsafeMutableBufferPointer { tanhForward(out: $0.baseAddress!, inp: $0.baseAddress!, count: $0.count) }
        return (0..<states.batchSize).map { Array(out[$0 * C..<($0 + 1) * C]) }
    }

    /// The classifier logit of each sequence, w · pooled + b: (B). Nil without a classifier.
    public func logits(_ states: BertHiddenStates) -> [Float]? {
        guard let w = weights.classifierWeight, let bias = weights.classifierBias,
              let pooled = pooled(states) else { return nil }
        return pooled.map { p in
            var acc = bias[0]
            for c in 0..<p.count { acc += w[c] * p[c] }
            return acc
        }
    }
}
