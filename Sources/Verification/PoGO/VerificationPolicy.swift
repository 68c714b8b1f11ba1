/// Every count and tolerance the PoGO verifier applies, each with a documented default.
///
/// The defaults are chosen from measurement (docs/protocol-parts/verification.md): strictly
/// between the largest difference seen between honest independent implementations (Swift and
/// numpy float32) and the smallest difference of the forgeries, with margin on both sides.
public struct VerificationPolicy: Sendable, Hashable, Codable {
    /// Steps challenged for re-execution, k_steps (all steps when N is smaller). Default 2.
    public var challengedSteps: Int
    /// Gradient leaves compared per challenged step, k_leaves (all leaves when fewer). Default 8.
    public var challengedLeaves: Int
    /// Largest accepted |claimed - recomputed| / |recomputed| of a loss. Default 1e-3.
    public var lossRelativeTolerance: Float
    /// Largest accepted fraction of compared codes (noise blocks excluded) that differ from the
    /// recomputed quantization, per challenged leaf. Default 0.02.
    public var maxCodeMismatchFraction: Double
    /// Largest accepted |committed code - recomputed code|. Default 1.
    public var maxCodeDistance: Int
    /// Largest accepted |committed scale - recomputed scale| / recomputed scale of a compared
    /// (non-noise) block. Default 0.01.
    public var scaleRelativeTolerance: Float
    /// Noise floor relative to the recomputed gradient's largest block scale: a block whose
    /// recomputed scale is below `noiseFloor * maxScale` is noise, and only its committed
    /// scale is required to be below the same bound. Default 1e-6.
    public var noiseFloor: Float
    /// Required improvement on the secret evaluation batch, relative to the loss of theta_0:
    /// loss(theta_N) <= loss(theta_0) * (1 - margin). Default 0.005.
    public var progressMargin: Float
    /// Whether `file://` artifact URIs are read (only for trusted, local callers). Default false.
    public var allowFileURIs: Bool
    /// Largest artifact file read through a `file://` URI, in bytes. Default 256 MiB.
    public var maxArtifactFileBytes: Int

    public init(
        challengedSteps: Int = 2, challengedLeaves: Int = 8, lossRelativeTolerance: Float = 1e-3,
        maxCodeMismatchFraction: Double = 0.02, maxCodeDistance: Int = 1, scaleRelativeTolerance: Float = 0.01,
        noiseFloor: Float = 1e-6, progressMargin: Float = 0.005, allowFileURIs: Bool = false,
        maxArtifactFileBytes: Int = 256 << 20
    ) {
        self.challengedSteps = challengedSteps
        self.challengedLeaves = challengedLeaves
        self.lossRelativeTolerance = lossRelativeTolerance
        self.maxCodeMismatchFraction = maxCodeMismatchFraction
        self.maxCodeDistance = maxCodeDistance
        self.scaleRelativeTolerance = scaleRelativeTolerance
        self.noiseFloor = noiseFloor
        self.progressMargin = progressMargin
        self.allowFileURIs = allowFileURIs
        self.maxArtifactFileBytes = maxArtifactFileBytes
    }
}
