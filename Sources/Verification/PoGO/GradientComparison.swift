/// Compares a committed gradient leaf with the quantization of the recomputed gradient, block
/// by block, under the noise-floor rule.
///
/// A block whose recomputed scale is at most `floor` (the policy's noise floor times the
/// recomputed gradient's largest scale) is noise: only the committed scale is required to be
/// at most `floor`, codes are not compared. Every other block is compared in full: scale
/// relative error and code distances. Requires both leaves to cover the same parameters.
public struct GradientComparison: Sendable, Hashable {
    /// Parameters whose codes were compared (noise blocks excluded).
    public var comparedParameters = 0
    /// Compared parameters whose codes differ.
    public var mismatchedCodes = 0
    /// Largest |committed code - recomputed code| over compared parameters.
    public var maxCodeDistance = 0
    /// Largest |committed scale - recomputed scale| / recomputed scale over compared blocks.
    public var maxScaleRelativeError: Float = 0
    public var comparedBlocks = 0
    public var noiseBlocks = 0
    /// Noise blocks whose committed scale exceeds the floor.
    public var noiseViolations = 0

    /// Fraction of compared codes that differ (0 when nothing was compared).
    public var mismatchFraction: Double {
        comparedParameters == 0 ? 0 : Double(mismatchedCodes) / Double(comparedParameters)
    }

    /// Compares `committed` with `recomputed` using the absolute noise bound `floor`.
    public init(committed: GradientLeaf, recomputed: GradientLeaf, floor: Float) {
        precondition(committed.parameterCount == recomputed.parameterCount, "leaves cover different parameters")
        let m = committed.parameterCount
        for block in 0..<recomputed.scales.count {
            let rs = recomputed.scales[block], cs = committed.scales[block]
            if rs <= floor {
                noiseBlocks += 1
                if cs > floor { noiseViolations += 1 }
                continue
            }
            comparedBlocks += 1
            maxScaleRelativeError = max(maxScaleRelativeError, abs(cs - rs) / rs)
            let start = block * QuantizedGradient.blockSize
            for j in start..<min(start + QuantizedGradient.blockSize, m) {
                let distance = abs(committed.code(at: j) - recomputed.code(at: j))
                comparedParameters += 1
                if distance > 0 { mismatchedCodes += 1 }
                maxCodeDistance = max(maxCodeDistance, distance)
            }
        }
    }

    /// Whether the comparison is within the policy's tolerances.
    public func passes(_ policy: VerificationPolicy) -> Bool {
        noiseViolations == 0 && maxScaleRelativeError <= policy.scaleRelativeTolerance
            && maxCodeDistance <= policy.maxCodeDistance && mismatchFraction <= policy.maxCodeMismatchFraction
    }
}
