/// Every count and tolerance the PoGO verifier applies, each with a documented default.
///
/// The defaults are chosen from measurement (docs/protocol-parts/verification.md,
/// tools/gradient_noise.py): strictly between the largest difference seen between the verifier
/// and honest miners whose float rounding differs (float64, another summation order, TF32-like
/// relative noise of 1e-3) and what the forgeries need, with margin on both sides.
public struct VerificationPolicy: Sendable, Hashable, Codable {
    /// Steps challenged for re-execution, k_steps (all steps when N is smaller). Default 2.
    public var challengedSteps: Int
    /// Gradient leaves compared per challenged step, k_leaves (all leaves when fewer). Default 8.
    public var challengedLeaves: Int
    /// Largest accepted |claimed - recomputed| / |recomputed| of a loss. Default 1e-3.
    public var lossRelativeTolerance: Float
    /// Largest accepted fraction of compared codes (noise blocks excluded) that differ from the
    /// recomputed code, per challenged leaf. Default 0.015.
    public var maxCodeMismatchFraction: Double
    /// Largest accepted distance, in quanta of the committed block scale, between the recomputed
    /// value x = g / committedScale and the rounding boundary between a committed code and the
    /// recomputed code r = clamp(roundHalfEven(x), -7, 7) when they differ (by one; a larger
    /// difference never passes). Honest float noise only flips codes whose value lies next to a
    /// boundary. Default 0.05.
    public var maxBoundaryDistance: Double
    /// Largest accepted |committed scale - recomputed scale| / recomputed scale of a compared
    /// (non-noise) block. Default 0.007.
    public var scaleRelativeTolerance: Float
    /// Noise floor relative to the recomputed gradient's largest block scale: a block whose
    /// recomputed scale is below `noiseFloor * maxScale` is noise, and only its committed
    /// scale is required to be below the same bound. Default 1e-6.
    public var noiseFloor: Float
    /// Required improvement on the secret evaluation batch, relative to the loss of theta_0:
    /// loss(theta_N) <= loss(theta_0) * (1 - margin). Default 0.005.
    public var progressMargin: Float
    /// Whether `file://` artifact URIs are read (only below the verifier's `fileRoot`, for
    /// trusted local submitters). Default false.
    public var allowFileURIs: Bool
    /// Largest artifact file read through a `file://` URI, in bytes. Default 1 GiB: theta_0 of
    /// a model at the re-execution cap (4 bytes × 180M parameters, 720 MB) must be readable.
    public var maxArtifactFileBytes: Int
    /// Largest model (parameters P) verified by full re-execution; a larger one is verified
    /// in leaf-only mode (docs/protocol-parts/remote.md). Default 180,000,000: the largest model
    /// whose estimated peak (`ReexecutionCost`, SGD, two full passes) fits 8 GiB of re-execution
    /// memory (a 9 GiB replica); the memory check lowers it where less is available.
    public var maxReexecutedParameters: Int
    /// Largest activation memory of one re-execution pass, in bytes; larger batches run in
    /// chunks, and a model one example of which needs more is not re-executed. Default 1.5 GiB.
    public var activationBudgetBytes: Int

    public init(
        challengedSteps: Int = 2, challengedLeaves: Int = 8, lossRelativeTolerance: Float = 1e-3,
        maxCodeMismatchFraction: Double = 0.015, maxBoundaryDistance: Double = 0.05, scaleRelativeTolerance: Float = 0.007,
        noiseFloor: Float = 1e-6, progressMargin: Float = 0.005, allowFileURIs: Bool = false,
        maxArtifactFileBytes: Int = 1 << 30, maxReexecutedParameters: Int = 180_000_000,
        activationBudgetBytes: Int = PoGOWorkload.defaultActivationBudgetBytes
    ) {
        self.challengedSteps = challengedSteps
        self.challengedLeaves = challengedLeaves
        self.lossRelativeTolerance = lossRelativeTolerance
        self.maxCodeMismatchFraction = maxCodeMismatchFraction
        self.maxBoundaryDistance = maxBoundaryDistance
        self.scaleRelativeTolerance = scaleRelativeTolerance
        self.noiseFloor = noiseFloor
        self.progressMargin = progressMargin
        self.allowFileURIs = allowFileURIs
        self.maxArtifactFileBytes = maxArtifactFileBytes
        self.maxReexecutedParameters = maxReexecutedParameters
        self.activationBudgetBytes = activationBudgetBytes
    }
}
