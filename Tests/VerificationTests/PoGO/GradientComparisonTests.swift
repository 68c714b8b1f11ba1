import Testing
@testable import Verification

/// The gradient check's comparison of one committed leaf with the recomputed gradient: codes in
/// quanta of the committed scale, differing codes only next to their rounding boundary, and
/// committed scales that leave nothing to measure failing without a trap.
@Suite struct GradientComparisonTests {
    /// A policy that leaves only the rule under test able to fail.
    static let lenient = VerificationPolicy(maxCodeMismatchFraction: 1, maxBoundaryDistance: 1, scaleRelativeTolerance: 1)

    /// Compares committed `scales` and `codes` with the recomputed gradient `g`.
    static func compare(_ g: [Float], scales: [Float], codes: [Int], floor: Float = 0) throws -> GradientComparison {
        let committed = try QuantizedGradient(parameterCount: g.count, scales: scales, packedCodes: SteeringForger.pack(codes)).leaf(0)
        let recomputed = try QuantizedGradient(quantizing: g)
        return GradientComparison(committed: committed, recomputed: g[...], recomputedScales: recomputed.scales[...], floor: floor)
    }

    /// One block whose largest magnitude is 7, so its recomputed scale is exactly 1.
    static func block(_ head: [Float]) -> [Float] {
        [7] + head + [Float](repeating: 0, count: 63 - head.count)
    }

    @Test func acceptsItsOwnQuantization() throws {
        let g = Self.block([0.49, -3.2, 2.5, 6.51])
        let q = try QuantizedGradient(quantizing: g)
        let c = try Self.compare(g, scales: q.scales, codes: (0..<64).map(q.code(at:)))
        #expect(c.mismatchedCodes == 0 && c.maxBoundaryDistance == 0 && c.comparedParameters == 64)
        #expect(c.passes(VerificationPolicy()))
    }

    @Test func acceptsACodeOneStepAwayWithinTheBoundaryDistance() throws {
        // The miner's own value was just below 0.5 (code 0); the verifier's is 0.51 (code 1).
        let c = try Self.compare(Self.block([0.51]), scales: [1], codes: [7] + [Int](repeating: 0, count: 63))
        #expect(c.mismatchedCodes == 1 && c.maxCodeDistance == 1)
        #expect(abs(c.maxBoundaryDistance - 0.01) < 1e-6)
        var policy = Self.lenient
        policy.maxBoundaryDistance = 0.05
        #expect(c.passes(policy))
        policy.maxBoundaryDistance = 0.005
        #expect(!c.passes(policy))
    }

    @Test func rejectsACodeOneStepAwayFarFromTheBoundary() throws {
        let c = try Self.compare(Self.block([0.8]), scales: [1], codes: [7] + [Int](repeating: 0, count: 63))
        #expect(abs(c.maxBoundaryDistance - 0.3) < 1e-6)
        var policy = Self.lenient
        policy.maxBoundaryDistance = VerificationPolicy().maxBoundaryDistance
        #expect(!c.passes(policy))
    }

    @Test func rejectsACodeTwoStepsAwayWhateverTheBoundaryDistance() throws {
        let c = try Self.compare(Self.block([1.49]), scales: [1], codes: [7, 3] + [Int](repeating: 0, count: 62))
        #expect(c.maxCodeDistance == 2 && c.maxBoundaryDistance == 0)
        #expect(!c.passes(Self.lenient))
    }

    @Test func measuresCodesInQuantaOfTheCommittedScale() throws {
        // quantize(g)'s own codes under a scale raised by 10%: code for code they match the
        // recomputed quantization, but x = g / 1.1 rounds 7 to 6 and 2.6 to 2, far from 6.5 and 2.5.
        let c = try Self.compare(Self.block([2.6]), scales: [1.1], codes: [7, 3] + [Int](repeating: 0, count: 62))
        #expect(c.mismatchedCodes == 2 && c.maxCodeDistance == 1)
        #expect(abs(c.maxBoundaryDistance - (6.5 - 7 / 1.1)) < 1e-5)
        #expect(abs(c.maxScaleRelativeError - 0.1) < 1e-5)
        var policy = Self.lenient
        policy.maxBoundaryDistance = VerificationPolicy().maxBoundaryDistance
        #expect(!c.passes(policy))
    }

    @Test func clampsRecomputedValuesBeyondSeven() throws {
        // x = 7 / 0.9 = 7.78 rounds to 8, clamped to 7: code 7 agrees, code 6 is 1.28 from 6.5.
        let agrees = try Self.compare(Self.block([]), scales: [0.9], codes: [7] + [Int](repeating: 0, count: 63))
        #expect(agrees.mismatchedCodes == 0 && agrees.passes(Self.lenient))
        let differs = try Self.compare(Self.block([]), scales: [0.9], codes: [6] + [Int](repeating: 0, count: 63))
        #expect(differs.mismatchedCodes == 1 && abs(differs.maxBoundaryDistance - (7 / 0.9 - 6.5)) < 1e-5)
        #expect(!differs.passes(Self.lenient))
    }

    @Test func rejectsAZeroCommittedScaleOnAComparedBlockWithoutTrapping() throws {
        // g / 0 is infinite, and 0 / 0 NaN: nothing can be measured.
        let c = try Self.compare(Self.block([1, -2]), scales: [0], codes: [Int](repeating: 0, count: 64))
        #expect(c.nonFiniteValues == 64 && c.mismatchedCodes == 64 && c.maxScaleRelativeError == 1)
        #expect(!c.passes(Self.lenient))
    }

    @Test func rejectsACommittedScaleSoSmallThatTheRecomputedValueOverflows() throws {
        let c = try Self.compare(Self.block([]), scales: [.leastNonzeroMagnitude], codes: [7] + [Int](repeating: 0, count: 63))
        #expect(c.nonFiniteValues == 1 && c.mismatchedCodes == 1)
        #expect(!c.passes(Self.lenient))
    }

    @Test func reportsAnOverflowingScaleErrorAsTheLargestFiniteValue() throws {
        let g = [Float(1e-37)] + [Float](repeating: 0, count: 63)
        let c = try Self.compare(g, scales: [.greatestFiniteMagnitude], codes: [Int](repeating: 0, count: 64))
        #expect(c.maxScaleRelativeError == .greatestFiniteMagnitude)
        #expect(!c.passes(Self.lenient))
    }

    @Test func comparesOnlyTheScaleOfABlockBelowTheNoiseFloor() throws {
        let g = Self.block([]).map { $0 * 1e-9 }
        let quiet = try Self.compare(g, scales: [1e-9], codes: [Int](repeating: 0, count: 64), floor: 1e-6)
        #expect(quiet.noiseBlocks == 1 && quiet.comparedParameters == 0 && quiet.passes(VerificationPolicy()))
        let loud = try Self.compare(g, scales: [1e-3], codes: [Int](repeating: 0, count: 64), floor: 1e-6)
        #expect(loud.noiseViolations == 1 && !loud.passes(VerificationPolicy()))
    }
}
