import Testing
@testable import Verification

/// The fast paths of the replay (word-wise validation, block-wise update, gradient leaves
/// hashed from two slices) against their naive twins on random gradients.
struct QuantizationFastPathTests {
    /// Parameter counts around the block (64), byte (2) and leaf (1024) boundaries.
    static let sizes = [1, 2, 63, 64, 65, 127, 1023, 1024, 1025, 2047, 3000, 4097]

    /// A random gradient with some all-zero blocks, so zero-scale blocks occur.
    static func randomGradient(_ count: Int, _ rng: inout SplitMix64) -> [Float] {
        var g = (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) }
        for block in 0..<QuantizedGradient.blockCount(parameters: count) where rng.next() % 4 == 0 {
            for i in (block * 64)..<min(block * 64 + 64, count) { g[i] = 0 }
        }
        return g
    }

    /// The rule of `QuantizedGradient.validate`, parameter by parameter, as documented.
    static func naiveError(parameterCount: Int, scales: [Float], packedCodes: [UInt8]) -> QuantizationError? {
        for (b, s) in scales.enumerated() where !s.isFinite || s.sign == .minus {
            return .invalidScale(block: b, bitPattern: s.bitPattern)
        }
        for i in 0..<parameterCount {
            let nibble = (packedCodes[i / 2] >> UInt8(4 * (i % 2))) & 0x0F
            if nibble == 8 { return .invalidCode(parameter: i, nibble: nibble) }
            if nibble != 0 && scales[i / 64] == 0 { return .codeInZeroBlock(parameter: i, nibble: nibble) }
        }
        if parameterCount % 2 == 1, packedCodes[parameterCount / 2] >> 4 != 0 {
            return .nonZeroPadding(nibble: packedCodes[parameterCount / 2] >> 4)
        }
        return nil
    }

    @Test func validationReportsTheSameFirstErrorAsTheNaiveWalk() throws {
        var rng = SplitMix64(seed: 7)
        let badScales: [Float] = [-0.0, -1, .nan, .infinity, -.infinity, Float(bitPattern: 0xFFC0_0001)]
        for count in Self.sizes {
            let q = try QuantizedGradient(quantizing: Self.randomGradient(count, &rng))
            for trial in 0..<60 {
                var scales = q.scales, codes = q.packedCodes
                // Zero to three mutations of random kinds, so errors also compete for "first".
                for _ in 0..<(trial % 4) {
                    switch rng.next() % 4 {
                    case 0: scales[Int(rng.next() % UInt64(scales.count))] = badScales[Int(rng.next() % 6)]
                    case 1:
                        let i = Int(rng.next() % UInt64(codes.count))
                        codes[i] = rng.next() % 2 == 0 ? (codes[i] & 0xF0) | 0x08 : (codes[i] & 0x0F) | 0x80
                    case 2: scales[Int(rng.next() % UInt64(scales.count))] = 0
                    default: codes[codes.count - 1] |= UInt8(truncatingIfNeeded: rng.next()) & 0xF0
                    }
                }
                let want = Self.naiveError(parameterCount: count, scales: scales, packedCodes: codes)
                var got: QuantizationError?
                do { _ = try QuantizedGradient(parameterCount: count, scales: scales, packedCodes: codes) } catch let e as QuantizationError {
                    got = e
                }
                #expect(got == want, "P=\(count) trial \(trial)")
            }
        }
    }

    @Test func blockwiseUpdateEqualsThePerParameterRuleBitForBit() throws {
        var rng = SplitMix64(seed: 11)
        for count in Self.sizes {
            let q = try QuantizedGradient(quantizing: Self.randomGradient(count, &rng))
            let theta0 = (0..<count).map { _ in Float(rng.nextUnit() * 4 - 2) }
            let lr = Float(rng.nextUnit() * 0.1)
            var fast = theta0
            try QuantizedUpdate.apply(q, learningRate: lr, to: &fast)
            let naive = (0..<count).map { i in
                QuantizedUpdate.updated(theta0[i], scale: q.scales[i / 64], code: q.code(at: i), learningRate: lr)
            }
            #expect(fast.map(\.bitPattern) == naive.map(\.bitPattern), "P=\(count)")
            for leaf in 0..<q.leafCount {
                var whole = theta0
                try QuantizedUpdate.apply(leaf: leaf, of: q, learningRate: lr, to: &whole)
                let range = QuantizedGradient.leafRange(leaf, parameters: count)
                #expect(whole[range].map(\.bitPattern) == naive[range].map(\.bitPattern))
                #expect(whole[..<range.lowerBound] == theta0[..<range.lowerBound])
                #expect(whole[range.upperBound...] == theta0[range.upperBound...])
            }
        }
    }

    @Test func gradientRootHashedFromSlicesEqualsRootOverConcatenatedLeafBytes() throws {
        var rng = SplitMix64(seed: 3)
        for count in Self.sizes + [50_000] {
            let q = try QuantizedGradient(quantizing: Self.randomGradient(count, &rng))
            let leaves = try (0..<q.leafCount).map { try q.leafBytes($0) }
            let want = try Merkle.root(leafCount: leaves.count, maxLeafBytes: 576) { i, scratch in
                leaves[i].withUnsafeBytes { scratch.copyMemory(from: $0) }
                return UnsafeRawBufferPointer(rebasing: scratch[0..<leaves[i].count])
            }
            #expect(q.merkleRoot() == want, "P=\(count)")
            #expect(q.leafHashes() == leaves.map { RFC6962Hasher().hashLeaf($0) }, "P=\(count)")
        }
    }

    @Test func weightLeafHashesEqualHashesOfEachLeaf() throws {
        var rng = SplitMix64(seed: 5)
        for count in [1, 1024, 1025, 5000] {
            let weights = CanonicalParameters(parameters: Self.randomGradient(count, &rng))
            let want = try (0..<weights.leafCount).map { RFC6962Hasher().hashLeaf(try weights.leaf($0)) }
            #expect(try weights.leafHashes() == want)
        }
    }

    @Test func weightLeafHashesRefuseNonFiniteParameters() {
        var parameters = [Float](repeating: 1, count: 2000)
        parameters[1500] = .nan
        #expect(throws: CommitmentError.self) { try CanonicalParameters(parameters: parameters).leafHashes() }
    }
}

/// `QuantizedUpdate.applyAndCommit` against `apply` followed by `ParameterCommitment`.
struct FusedUpdateCommitmentTests {
    @Test func fusedUpdateAndCommitmentEqualApplyThenCommit() throws {
        var rng = SplitMix64(seed: 23)
        for count in QuantizationFastPathTests.sizes + [70_001, 200_000] {
            let q = try QuantizedGradient(quantizing: QuantizationFastPathTests.randomGradient(count, &rng))
            let theta0 = (0..<count).map { _ in Float(rng.nextUnit() * 4 - 2) }
            let lr = Float(rng.nextUnit() * 0.1)
            var sequential = theta0, fused = theta0
            try QuantizedUpdate.apply(q, learningRate: lr, to: &sequential)
            let commitment = try QuantizedUpdate.applyAndCommit(q, learningRate: lr, to: &fused)
            #expect(fused.map(\.bitPattern) == sequential.map(\.bitPattern), "P=\(count)")
            #expect(commitment == (try ParameterCommitment(parameters: sequential)), "P=\(count)")
        }
    }

    @Test func fusedUpdateFinishesEveryLeafBeforeReportingTheFirstNonFiniteValue() throws {
        let count = 5000
        var theta = [Float](repeating: 1, count: count)
        theta[1500] = .infinity
        theta[4800] = .nan
        let q = try QuantizedGradient(quantizing: (0..<count).map { Float($0 % 7) - 3 })
        var expected = theta
        try QuantizedUpdate.apply(q, learningRate: 0.01, to: &expected)
        var fused = theta
        #expect(throws: CommitmentError.nonFinite(tensor: "<parameters>", element: 1500, bits: Float.infinity.bitPattern)) {
            try QuantizedUpdate.applyAndCommit(q, learningRate: 0.01, to: &fused)
        }
        #expect(fused.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(throws: CommitmentError.nonFinite(tensor: "<parameters>", element: 1500, bits: Float.infinity.bitPattern)) {
            try ParameterCommitment(parameters: expected)
        }
    }

    @Test func fusedUpdateRefusesBadInputsWithoutTouchingTheVector() throws {
        let q = try QuantizedGradient(quantizing: [1, -2, 3])
        var theta: [Float] = [1, 2, 3]
        #expect(throws: QuantizationError.invalidLearningRate(bitPattern: Float.nan.bitPattern)) {
            try QuantizedUpdate.applyAndCommit(q, learningRate: .nan, to: &theta)
        }
        var short: [Float] = [1, 2]
        #expect(throws: QuantizationError.parameterCountMismatch(got: 2, want: 3)) {
            try QuantizedUpdate.applyAndCommit(q, learningRate: 0.1, to: &short)
        }
        #expect(theta == [1, 2, 3] && short == [1, 2])
    }
}
