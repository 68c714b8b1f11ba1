/// Limits on a PoGO bundle, checked before any work is done.
public struct ProofBundleLimits: Sendable, Hashable {
    /// Maximum number of training steps N. Default 1,000.
    public var maxSteps: Int
    /// Maximum batch size (examples per step). Default 1,024.
    public var maxBatchSize: Int
    /// Minimum evaluation batch size E: below it the secret progress check is decided by chance
    /// (measured with tools/progress_variance.py, docs/protocol-parts/verification.md). Default 64.
    public var minEvaluationBatchSize: Int
    /// Maximum evaluation batch size. Default 2,048.
    public var maxEvaluationBatchSize: Int
    /// Maximum number of model parameters. Default 1,000,000,000: models above a verifier's
    /// re-execution cap (`VerificationPolicy.maxReexecutedParameters`) are checked leaf by leaf.
    public var maxParameters: Int
    /// Maximum MLP depth (hidden layers). Default 16.
    public var maxHiddenLayers: Int
    /// Maximum width of one MLP layer and MLP input/class count. Default 65,536.
    public var maxWidth: Int
    /// Maximum GPT layers ("gpt" layers, "gpt2" n_layer). Default 48.
    public var maxGPTLayers: Int
    /// Maximum GPT channels ("gpt" channels, "gpt2" n_embd; n_inner up to 4 times this). Default 2,048.
    public var maxGPTChannels: Int
    /// Maximum GPT context length in tokens ("gpt" context, "gpt2" n_positions). Default 2,048.
    public var maxGPTContext: Int
    /// Maximum gpt2 vocabulary (`vocab_size`). Default 65,536: token files hold uint16 tokens.
    public var maxGPT2Vocabulary: Int
    /// Maximum length in bytes of an artifact URI. Default 2,048.
    public var maxURIBytes: Int
    /// Maximum decoded size in bytes of one inline artifact. Default 64 MiB.
    public var maxInlineArtifactBytes: Int

    public init(
        maxSteps: Int = 1_000, maxBatchSize: Int = 1_024, minEvaluationBatchSize: Int = 64, maxEvaluationBatchSize: Int = 2_048,
        maxParameters: Int = 1_000_000_000, maxHiddenLayers: Int = 16, maxWidth: Int = 65_536,
        maxGPTLayers: Int = 48, maxGPTChannels: Int = 2_048, maxGPTContext: Int = 2_048,
        maxGPT2Vocabulary: Int = 65_536, maxURIBytes: Int = 2_048, maxInlineArtifactBytes: Int = 64 << 20
    ) {
        self.maxSteps = maxSteps
        self.maxBatchSize = maxBatchSize
        self.minEvaluationBatchSize = minEvaluationBatchSize
        self.maxEvaluationBatchSize = maxEvaluationBatchSize
        self.maxParameters = maxParameters
        self.maxHiddenLayers = maxHiddenLayers
        self.maxWidth = maxWidth
        self.maxGPTLayers = maxGPTLayers
        self.maxGPTChannels = maxGPTChannels
        self.maxGPTContext = maxGPTContext
        self.maxGPT2Vocabulary = maxGPT2Vocabulary
        self.maxURIBytes = maxURIBytes
        self.maxInlineArtifactBytes = maxInlineArtifactBytes
    }
}
