/// Compares a committed gradient leaf with the recomputed fp32 gradient, block by block, under
/// the noise-floor and rounding-boundary rules (docs/protocol-parts/verification.md, check 9).
///
/// A block whose recomputed scale `rs` is at most `floor` (the policy's noise floor times the
/// recomputed gradient's largest scale) is noise: only the committed scale `cs` is required to
/// be at most `floor`, codes are not compared. Every other block is compared in full: the scale
/// relative error |cs - rs| / rs, and each code against the recomputed value measured in quanta
/// of the committed scale, x = g / cs (one fp32 division), whose code is
/// r = clamp(roundHalfEven(x), -7, 7). A committed code c agrees when c == r; it differs by
/// rounding only when |c - r| == 1, and then `boundaryDistance` |x - (c + r) / 2| says how far
/// x lies from the rounding boundary between the two codes. Honest miners round their own
/// g / cs, so their differing codes sit next to a boundary; a forger's may sit anywhere.
///
/// Requires both leaves to cover the same parameters; `recomputed` holds the leaf's fp32
/// gradient values and `recomputedScales` the scales of quantize(gradient) for its blocks.
public struct GradientComparison: Sendable, Hashable {
    /// Parameters whose codes were compared (noise blocks excluded).
    public var comparedParameters = 0
    /// Compared parameters whose committed code differs from r, or whose x is not finite.
    public var mismatchedCodes = 0
    /// Largest |c - r| over compared parameters with a finite x.
    public var maxCodeDistance = 0
    /// Largest |x - (c + r) / 2| over compared parameters with |c - r| == 1 (0 when none).
    public var maxBoundaryDistance: Double = 0
    /// Compared parameters whose x = g / cs is not finite (a committed scale of 0, or one so
    /// small that the division overflows): they cannot be measured and fail.
    public var nonFiniteValues = 0
    /// Largest |cs - rs| / rs over compared blocks, `Float.greatestFiniteMagnitude` when it
    /// overflows.
    public var maxScaleRelativeError: Float = 0
    public var comparedBlocks = 0
    public var noiseBlocks = 0
    /// Noise blocks whose committed scale exceeds the floor.
    public var noiseViolations = 0

    /// Fraction of compared codes that differ (0 when nothing was compared).
    public var mismatchFraction: Double {
        comparedParameters == 0 ? 0 : Double(mismatchedCodes) / Double(comparedParameters)
    }

    /// Compares `committed` with the leaf's recomputed fp32 gradient `recomputed`, whose blocks
    /// quantize to `recomputedScales`, using the absolute noise bound `floor`. Requires
    /// `recomputed.count == committed.parameterCount` and one recomputed scale per block.
    public init(committed: GradientLeaf, recomputed: ArraySlice<Float>, recomputedScales: ArraySlice<Float>, floor: Float) {
        precondition(recomputed.count == committed.parameterCount, "leaves cover different parameters")
        precondition(recomputedScales.count == committed.scales.count, "leaves have different blocks")
        let limit = Float(QuantizedGradient.maxCode)
        let first = recomputed.startIndex
        for (block, rs) in zip(committed.scales.indices, recomputedScales) {
            let cs = committed.scales[block]
            if rs <= floor {
                noiseBlocks += 1
                if cs > floor { noiseViolations += 1 }
                continue
            }
            comparedBlocks += 1
            let scaleError = abs(cs - rs) / rs
            maxScaleRelativeError = max(maxScaleRelativeError, scaleError.isFinite ? scaleError : .greatestFiniteMagnitude)
            let start = block * QuantizedGradient.blockSize
            for j in start..<min(start + QuantizedGradient.blockSize, committed.parameterCount) {
                comparedParameters += 1
                let x = recomputed[first + j] / cs
                guard x.isFinite else {
                    nonFiniteValues += 1
                    mismatchedCodes += 1
                    continue
                }
                let r = Int(min(max(x.rounded(.toNearestOrEven), -limit), limit))
                let c = committed.code(at: j)
                let distance = abs(c - r)
                guard distance > 0 else { continue }
                mismatchedCodes += 1
                maxCodeDistance = max(maxCodeDistance, distance)
                if distance == 1 {
                    // Exact in binary64 for |x| < 2^52 (an fp32 value minus a half-integer),
                    // far beyond any x that could be within a boundary distance of 1.
                    maxBoundaryDistance = max(maxBoundaryDistance, abs(Double(x) - Double(c + r) / 2))
                }
            }
        }
    }

    /// Whether the comparison is within the policy's tolerances: no noise violation, every
    /// compared value finite, every scale within tolerance, every differing code one step from
    /// r and within `maxBoundaryDistance` of their boundary, and at most
    /// `maxCodeMismatchFraction` of the compared codes differing.
    public func passes(_ policy: VerificationPolicy) -> Bool {
        noiseViolations == 0 && nonFiniteValues == 0 && maxScaleRelativeError <= policy.scaleRelativeTolerance
            && maxCodeDistance <= 1 && maxBoundaryDistance <= policy.maxBoundaryDistance
            && mismatchFraction <= policy.maxCodeMismatchFraction
    }
}
