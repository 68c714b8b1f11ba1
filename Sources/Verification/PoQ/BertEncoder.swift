internal import Foundation

// Shape letters: B batch, T padded tokens, C hidden channels, I intermediate channels,
// NH heads, N rows: the batch's real tokens, one sequence after another (no padding).

/// The BERT encoder forward pass on the CPU (fp32, the packed kernels of Sources/CKernels),
/// batched without padding: every step runs on the batch's real tokens only.
///
/// Embeddings (word + position + token type) and LayerNorm; then per layer: packed QKV
/// projection, bidirectional attention within each sequence, output projection, residual
/// and LayerNorm, intermediate projection with exact GELU, output projection, residual and
/// LayerNorm (post-LN, as in Hugging Face `BertModel`). The pooler is dense + tanh on the
/// [CLS] row; the classifier maps the pooled vector to one logit.
public final class BertEncoder: Sendable {
    public let weights: BertWeights

    public init(weights: BertWeights) {
        self.weights = weights
    }

    /// Runs the encoder on `batch` and returns the last hidden states.
    ///
    /// Requires a non-empty batch of encodings no longer than the model's position table, with
    /// ids below the vocabulary size and type ids below the type vocabulary size. Sequences
    /// are padded to `paddedLength` when given (it must be at least the longest sequence),
    /// else to the longest sequence.
    ///
    /// A sequence's hidden states do not depend, to the bit, on the other sequences of the
    /// batch, on the padding or on `threads`: every step works on rows (embeddings, the packed
    /// projections of `matmulForward(out:inp:packed:...)`, GELU, LayerNorm) or on one sequence
    /// (attention, whose products are sized by the sequence's own length). So sequences can be
    /// batched, regrouped and split freely without changing a score. Only real tokens are
    /// computed; rows past a sequence's length in the result are zero.
    ///
    /// With `threads` > 1, at least as many sequences and at least 512 real tokens per thread,
    /// the batch is cut into `threads` groups of whole sequences, each encoded independently on
    /// its own Dispatch task. Otherwise the rows are split across the tasks (at least 16 rows
    /// each), every step but attention running on them from one attention to the next, and
    /// attention by (sequence, head) pairs.
    public func hiddenStates(_ batch: [BertEncoding], paddedLength: Int? = nil, threads: Int = 1) -> BertHiddenStates {
        let cfg = weights.config
        let (B, C, I, NH) = (batch.count, cfg.hiddenSize, cfg.intermediateSize, cfg.numAttentionHeads)
        let longest = batch.map(\.count).max() ?? 0
        let T = paddedLength ?? longest
        precondition(B > 0 && longest >= 1 && T >= longest && T <= cfg.maxPositionEmbeddings, "bad batch shape")
        precondition(threads >= 1, "threads must be at least 1, got \(threads)")
        if threads > 1, B >= threads, batch.map(\.count).reduce(0, +) >= 512 * threads {
            return bySequenceGroups(batch, paddedLength: T, threads: threads)
        }
        let lengths = batch.map(\.count)
        let N = lengths.reduce(0, +)
        // Row work goes to at most one part per 16 rows (attention's parts are its own).
        let parts = min(threads, max(1, N / 16))
        let scratch = EncoderScratch(N: N, C: C, I: I, attention: attentionScratchCount(longest: longest, C: C, NH: NH), parts: threads)
        defer { scratch.deallocate() }
        let (eps, layers) = (cfg.layerNormEps, weights.layers)

        /// out[rows] = inp[rows] · weight + bias.
        @Sendable func project(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafeMutablePointer<Float>, _ weight: PackedMatrix,
                     _ bias: [Float], _ rows: Range<Int>) {
            matmulForward(out: out + rows.lowerBound * weight.outputs, inp: inp + rows.lowerBound * weight.inputs,
                          packed: weight, bias: bias, N: rows.count)
        }
        /// hidden[rows] = LayerNorm(sum[rows] + hidden[rows]); `sum` keeps the residual sum (or,
        /// without `residual`, LayerNorm(sum[rows])).
        @Sendable func normalize(_ rows: Range<Int>, _ weight: [Float], _ bias: [Float], residual: Bool = true) {
            let (r, n) = (rows.lowerBound, rows.count)
            if residual { addInPlace(scratch.sum + r * C, scratch.hidden + r * C, count: n * C) }
            layerNormForward(out: scratch.hidden + r * C, mean: nil, rstd: nil, inp: scratch.sum + r * C,
                             weight: weight, bias: bias, N: n, C: C, eps: eps)
        }

        // Everything but attention works row by row, so each part runs from one attention to
        // the next on its own rows with no synchronisation: two joins per layer.
        embed(batch, into: scratch.sum)
        forEachPart(of: N, parts: parts) { rows, _ in
            normalize(rows, weights.embeddingNormWeight, weights.embeddingNormBias, residual: false)
            project(scratch.qkv, scratch.hidden, layers[0].qkvWeight, layers[0].qkvBias, rows)
        }
        for (index, layer) in layers.enumerated() {
            forEachPart(of: B * NH, parts: threads) { pairs, part in
                bidirectionalAttentionForward(out: scratch.context, scratch: scratch.attention(part), qkv: scratch.qkv,
                                              lengths: lengths, C: C, NH: NH, pairs: pairs)
            }
            forEachPart(of: N, parts: parts) { rows, _ in
                project(scratch.sum, scratch.context, layer.attentionOutWeight, layer.attentionOutBias, rows)
                normalize(rows, layer.attentionNormWeight, layer.attentionNormBias)
                project(scratch.inter, scratch.hidden, layer.intermediateWeight, layer.intermediateBias, rows)
                geluForward(out: scratch.inter + rows.lowerBound * I, inp: scratch.inter + rows.lowerBound * I, count: rows.count * I)
                project(scratch.sum, scratch.inter, layer.outputWeight, layer.outputBias, rows)
                normalize(rows, layer.outputNormWeight, layer.outputNormBias)
                if index + 1 < layers.count {
                    project(scratch.qkv, scratch.hidden, layers[index + 1].qkvWeight, layers[index + 1].qkvBias, rows)
                }
            }
        }
        // Back to the padded layout, zeros in the padding.
        var values = [Float](repeating: 0, count: B * T * C)
        values.withUnsafeMutableBufferPointer { padded in
            var row = 0
            for (b, length) in lengths.enumerated() {
                (padded.baseAddress! + b * T * C).update(from: scratch.hidden + row * C, count: length * C)
                row += length
            }
        }
        return BertHiddenStates(batchSize: B, paddedLength: T, channels: C, lengths: lengths, values: values)
    }

    /// The batch cut into `threads` contiguous groups of sequences with near-equal real tokens
    /// (each group at least one sequence), each encoded on its own thread with no
    /// synchronisation between them (sequences never interact), then put back together at the
    /// batch's padded length (zeros in the padding).
    private func bySequenceGroups(_ batch: [BertEncoding], paddedLength T: Int, threads: Int) -> BertHiddenStates {
        let (B, C) = (batch.count, weights.config.hiddenSize)
        let lengths = batch.map(\.count)
        // Group g starts at the first sequence after the previous group's start whose tokens
        // before it reach g/threads of the total.
        let total = lengths.reduce(0, +)
        var starts = [0], before = 0
        for (b, length) in lengths.enumerated() {
            if b > 0, starts.count < threads, before * threads >= total * starts.count { starts.append(b) }
            before += length
        }
        starts.append(B)
        let bounds = starts
        // Each group comes back padded to T, so the groups' values laid end to end are the batch's.
        let values = [Float](unsafeUninitializedCapacity: B * T * C) { buffer, count in
            let output = UncheckedOutput(values: buffer)
            DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { group in
                let first = bounds[group]
                let states = self.hiddenStates(Array(batch[first..<bounds[group + 1]]), paddedLength: T)
                states.values.withUnsafeBufferPointer { src in
                    (output.values.baseAddress! + first * T * C).initialize(from: src.baseAddress!, count: src.count)
                }
            }
            count = B * T * C
        }
        return BertHiddenStates(batchSize: B, paddedLength: T, channels: C, lengths: lengths, values: values)
    }

    /// Writes word + position + token type embeddings of every token into `out` (N, C), the
    /// sequences one after another.
    private func embed(_ batch: [BertEncoding], into out: UnsafeMutablePointer<Float>) {
        let cfg = weights.config
        let C = cfg.hiddenSize
        var row = 0
        for encoding in batch {
            for t in 0..<encoding.count {
                let (id, type) = (Int(encoding.ids[t]), Int(encoding.typeIds[t]))
                precondition(id >= 0 && id < cfg.vocabSize && type >= 0 && type < cfg.typeVocabSize, "token out of range")
                let base = row * C
                row += 1
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
        matmulForward(out: &out, inp: cls, packed: w, bias: bias, N: states.batchSize)
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

/// The encoder's working buffers, allocated once per call and shared by its parallel parts
/// (each part writes only its own rows, or its own (sequence, head) columns and attention slab).
private struct EncoderScratch: @unchecked Sendable {
    let hidden: UnsafeMutablePointer<Float>   // (N, C), the running hidden state
    let sum: UnsafeMutablePointer<Float>      // (N, C), pre-LayerNorm residual sums
    let context: UnsafeMutablePointer<Float>  // (N, C), attention output
    let qkv: UnsafeMutablePointer<Float>      // (N, 3C)
    let inter: UnsafeMutablePointer<Float>    // (N, I)
    let slabs: UnsafeMutablePointer<Float>    // (parts, attentionCount): one attention scratch slab per part
    let attentionCount: Int

    /// Not zeroed: every buffer is written in full before it is read (all rows are real tokens).
    init(N: Int, C: Int, I: Int, attention: Int, parts: Int) {
        func allocate(_ count: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: max(1, count)) }
        (hidden, sum, context) = (allocate(N * C), allocate(N * C), allocate(N * C))
        (qkv, inter, slabs) = (allocate(N * 3 * C), allocate(N * I), allocate(parts * attention))
        attentionCount = attention
    }

    /// Part `part`'s attention scratch.
    func attention(_ part: Int) -> UnsafeMutablePointer<Float> { slabs + part * attentionCount }

    func deallocate() {
        for p in [hidden, sum, context, qkv, inter, slabs] { p.deallocate() }
    }
}

/// Splits `0..<count` into `parts` contiguous ranges of near-equal size and runs `body` on each
/// (with the part's index), concurrently when `parts` > 1; returns when all are done.
func forEachPart(of count: Int, parts: Int, _ body: @Sendable (Range<Int>, Int) -> Void) {
    let parts = max(1, min(parts, count))
    guard parts > 1 else {
        body(0..<count, 0)
        return
    }
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        body(count * part / parts..<count * (part + 1) / parts, part)
    }
}

/// The assembled output of `bySequenceGroups`; each group writes only its own sequences' rows.
private struct UncheckedOutput: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Float>
}
