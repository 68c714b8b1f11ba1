import Testing
import Verification

/// The update rule theta - lr * (scale * code), bit for bit. Expected bit patterns were
/// computed with numpy float32 (three separate ufunc calls).
struct QuantizedUpdateTests {
    private func bits(_ theta: Float, _ scale: Float, _ code: Int, _ lr: Float) -> UInt32 {
        QuantizedUpdate.updated(theta, scale: scale, code: code, learningRate: lr).bitPattern
    }

    @Test func roundsProductBeforeSubtractingWithoutFusedMultiplyAdd() {
        // A fused multiply-subtract gives 0x3f1259dd here; three roundings give 0x3f1259de.
        let theta = Float(bitPattern: 0x3F1D_47CD), scale = Float(bitPattern: 0x3D91_B9CF)
        #expect(bits(theta, scale, 6, Float(bitPattern: 0x3DCC_CCCD)) == 0x3F12_59DE)
    }

    @Test func keepsSubnormalsExact() {
        #expect(bits(0x1p-149 * 3, 0x1p-149, 1, 1) == 0x0000_0002)
        // 2^-140 * 3 * 2^-10 is the subnormal 3 * 2^-150, which rounds to 2 * 2^-150 (ties to even).
        #expect(bits(0, 0x1p-140, 3, 0x1p-10) == 0x8000_0002)
    }

    @Test func producesSignedZerosAsIEEEPrescribes() {
        #expect(bits(-0.0, 0, 0, 0.01) == 0x8000_0000)   // -0 - (+0) = -0
        #expect(bits(-0.0, 0, 0, -1) == 0x0000_0000)     // -0 - (-0) = +0
        #expect(bits(0.25, 0.25, 1, 1) == 0x0000_0000)   // x - x = +0
    }

    @Test func handlesLargeExponentsNearGreatestFiniteMagnitude() {
        let big = Float.greatestFiniteMagnitude
        let scale = Float(bitPattern: 0x7E12_4924)  // big / 7
        #expect(bits(-big, scale, 7, 1) == 0xFF80_0000)    // overflows to -infinity
        #expect(bits(big, scale, -7, 1) == 0x7F80_0000)    // overflows to +infinity
        #expect(bits(big, scale, 7, 1) == 0x0000_0000)     // scale * 7 rounds back to big
        #expect(bits(big, scale, 7, 0.5) == 0x7EFF_FFFF)
    }

    @Test func appliesWholeVectorAndSingleLeafIdentically() throws {
        var rng = SplitMix64(seed: 7)
        let count = 2500
        let g = (0..<count).map { _ in Float(rng.nextUnit() - 0.5) }
        let theta0 = (0..<count).map { _ in Float(rng.nextUnit()) }
        let q = try QuantizedGradient(quantizing: g)
        var whole = theta0
        try QuantizedUpdate.apply(q, learningRate: 0.01, to: &whole)
        for i in 0..<q.leafCount {
            var inPlace = theta0
            try QuantizedUpdate.apply(leaf: i, of: q, learningRate: 0.01, to: &inPlace)
            let range = QuantizedGradient.leafRange(i, parameters: count)
            var alone = Array(theta0[range])
            try QuantizedUpdate.apply(try q.leaf(i), learningRate: 0.01, to: &alone)
            #expect(alone.map(\.bitPattern) == whole[range].map(\.bitPattern))
            #expect(inPlace[range].map(\.bitPattern) == whole[range].map(\.bitPattern))
            #expect(Array(inPlace[..<range.lowerBound]) == Array(theta0[..<range.lowerBound]))
        }
        // Naive twin: one element at a time through dequantized values.
        let naive = (0..<count).map { theta0[$0] - 0.01 * q.dequantized(at: $0) }
        #expect(naive.map(\.bitPattern) == whole.map(\.bitPattern))
    }

    @Test func replaysStepsInOrderAndLeafReplayAgrees() throws {
        var rng = SplitMix64(seed: 9)
        let count = 1500
        let theta0 = (0..<count).map { _ in Float(rng.nextUnit()) }
        let steps = try (1...4).map { _ in try QuantizedGradient(quantizing: (0..<count).map { _ in Float(rng.nextUnit() - 0.5) }) }
        var seen: [Int] = []
        let theta4 = try QuantizedUpdate.replay(theta0: theta0, learningRate: 0.1, steps: 4) { t in
            seen.append(t)
            return steps[t - 1]
        }
        #expect(seen == [1, 2, 3, 4])
        var manual = theta0
        for q in steps { try QuantizedUpdate.apply(q, learningRate: 0.1, to: &manual) }
        #expect(theta4.map(\.bitPattern) == manual.map(\.bitPattern))
        let range = QuantizedGradient.leafRange(1, parameters: count)
        var leaf = Array(theta0[range])
        for q in steps { try QuantizedUpdate.apply(try q.leaf(1), learningRate: 0.1, to: &leaf) }
        #expect(leaf.map(\.bitPattern) == theta4[range].map(\.bitPattern))
        #expect(try QuantizedUpdate.replay(theta0: theta0, learningRate: 0.1, steps: 0) { _ in steps[0] } == theta0)
    }

    @Test func refusesMismatchedSizesNonFiniteRateAndNegativeSteps() throws {
        let q = try QuantizedGradient(quantizing: [1, 2, 3])
        var theta: [Float] = [0, 0]
        #expect(throws: QuantizationError.parameterCountMismatch(got: 2, want: 3)) {
            try QuantizedUpdate.apply(q, learningRate: 0.1, to: &theta)
        }
        var ok: [Float] = [0, 0, 0]
        #expect(throws: QuantizationError.invalidLearningRate(bitPattern: Float.infinity.bitPattern)) {
            try QuantizedUpdate.apply(q, learningRate: .infinity, to: &ok)
        }
        #expect(throws: QuantizationError.negativeStepCount(-1)) {
            try QuantizedUpdate.replay(theta0: ok, learningRate: 0.1, steps: -1) { _ in q }
        }
    }
}

/// The worked example of docs/protocol-parts/quantization.md, so the document cannot drift.
struct QuantizationDocumentExampleTests {
    @Test func reproducesWorkedExampleOfProtocolDocument() throws {
        let q = try QuantizedGradient(quantizing: [0.5, -1.25, 3.0])
        #expect(q.scales.map(\.bitPattern) == [0x3EDB_6DB7])
        #expect(Hex.encode(q.packedCodes) == "d107")
        #expect(Hex.encode(try q.leafBytes(0)) == "b76ddb3ed107")
        var theta: [Float] = [1.0, -2.0, 0.25]
        try QuantizedUpdate.apply(q, learningRate: Float(bitPattern: 0x3DCC_CCCD), to: &theta)
        #expect(theta.map(\.bitPattern) == [0x3F75_0750, 0xBFEF_8AF9, 0xBD4C_CCD0])
        #expect(Hex.encode(try QuantizedGradient(quantizing: [7, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5]).packedCodes) == "0722e00e")
    }
}
