internal import Foundation

/// The last hidden states of a padded batch, with each sequence's real length.
public struct BertHiddenStates: Sendable {
    /// Sequences in the batch.
    public let batchSize: Int
    /// Padded length: every sequence occupies this many rows.
    public let paddedLength: Int
    /// Hidden size.
    public let channels: Int
    /// Real (unpadded) length of each sequence.
    public let lengths: [Int]
    /// (B, T, C) row-major; rows at or past a sequence's length are padding.
    public let values: [Float]

    /// The hidden state of token `t` of sequence `b`.
    public func row(_ b: Int, _ t: Int) -> ArraySlice<Float> {
        let start = (b * paddedLength + t) * channels
        return values[start..<(start + channels)]
    }

    /// Mean of each sequence's real tokens' hidden states (the attention-mask-weighted mean
    /// of sentence-transformers), scaled to unit L2 norm (divided by max(norm, 1e-12)).
    /// Returns (B, C).
    public func meanPooledNormalized() -> [[Float]] {
        (0..<batchSize).map { b in
            var sum = [Float](repeating: 0, count: channels)
            for t in 0..<lengths[b] {
                let base = (b * paddedLength + t) * channels
                for c in 0..<channels { sum[c] += values[base + c] }
            }
            let inv = 1 / Float(lengths[b])
            var norm: Float = 0
            for c in 0..<channels {
                sum[c] *= inv
                norm += sum[c] * sum[c]
            }
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            return sum.map { $0 * scale }
        }
    }
}
