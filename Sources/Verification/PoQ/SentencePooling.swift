/// How token embeddings become one sentence embedding: the sentence-transformers Pooling
/// modes this evaluator implements. With several modes on, their vectors are concatenated in
/// sentence-transformers' order: CLS, max, mean, mean / sqrt(length).
public struct SentencePooling: Sendable, Hashable {
    /// The [CLS] token's hidden state (`pooling_mode_cls_token`).
    public var cls: Bool
    /// The elementwise maximum over the real tokens (`pooling_mode_max_tokens`).
    public var max: Bool
    /// The mean over the real tokens (`pooling_mode_mean_tokens`).
    public var mean: Bool
    /// The sum over the real tokens divided by sqrt(their count) (`pooling_mode_mean_sqrt_len_tokens`).
    public var meanSqrtLength: Bool

    public init(cls: Bool = false, max: Bool = false, mean: Bool = false, meanSqrtLength: Bool = false) {
        self.cls = cls
        self.max = max
        self.mean = mean
        self.meanSqrtLength = meanSqrtLength
    }

    /// Mean pooling alone, sentence-transformers' default.
    public static let meanTokens = SentencePooling(mean: true)

    /// The modes that are on, in concatenation order, by their sentence-transformers names:
    /// "cls", "max", "mean", "mean_sqrt_len_tokens".
    public var names: [String] {
        [(cls, "cls"), (max, "max"), (mean, "mean"), (meanSqrtLength, "mean_sqrt_len_tokens")].filter(\.0).map(\.1)
    }
}
