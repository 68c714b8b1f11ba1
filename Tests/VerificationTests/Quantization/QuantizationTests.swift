import Testing
import Verification

/// Known answers for 4-bit blockwise quantization and nibble packing. Hex constants were
/// worked out by hand from the rule and cross-checked with numpy float32.
struct QuantizationTests {
    private func quantize(_ g: [Float]) throws -> QuantizedGradient { try QuantizedGradient(quantizing: g) }

    @Test func roundsTiesHalfToEven() throws {
        // max 7 gives scale exactly 1, so g / scale = g and every x.5 is an exact tie.
        let q = try quantize([7, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 6.5, -6.5])
        #expect(q.scales == [1])
        #expect((0..<11).map { q.code(at: $0) } == [7, 0, 2, 2, 0, -2, -2, 4, -4, 6, -6])
        #expect(Hex.encode(q.packedCodes) == "0722e04e6c0a")
    }

    @Test func packsEveryCodeAsTwosComplementNibbleLowFirst() throws {
        let q = try quantize((-7...7).map(Float.init))
        #expect(q.scales == [1])
        #expect(Hex.encode(q.packedCodes) == "a9cbed0f21436507")
        #expect((0..<15).map { q.code(at: $0) } == Array(-7...7))
    }

    @Test func takesScaleFromLargestMagnitudeEvenWhenNegative() throws {
        let q = try quantize([-14, 3])
        #expect(q.scales == [2])
        #expect(Hex.encode(q.packedCodes) == "29")  // -7 = 0x9 low, 1.5 ties to 2 high
    }

    @Test func quantizesZeroBlockToZeroScaleAndCodes() throws {
        let q = try quantize([Float](repeating: 0, count: 64) + [Float](repeating: -0.0, count: 64) + [1])
        #expect(q.scales.map(\.bitPattern) == [0, 0, 0x3E12_4925])  // 1/7
        #expect(q.packedCodes == [UInt8](repeating: 0, count: 64) + [0x07])
    }

    @Test func quantizesSingleNonZeroToFullCode() throws {
        var g = [Float](repeating: 0, count: 64)
        g[5] = -0.3
        let q = try quantize(g)
        #expect(q.scales.map(\.bitPattern) == [0x3D2F_8AF9])  // fp32(0.3) / 7
        #expect(q.code(at: 5) == -7)
        #expect((0..<64).filter { q.code(at: $0) != 0 } == [5])
        #expect(q.packedCodes[2] == 0x90)
    }

    @Test func zeroesBlockWhoseMaximumIsSubnormal() throws {
        let g: [Float] = [Float.leastNormalMagnitude.nextDown, -Float.leastNonzeroMagnitude, 0x1p-130]
        let q = try quantize(g)
        #expect(q.scales == [0])
        #expect(q.packedCodes == [0, 0])
    }

    @Test func quantizesBlockWhoseMaximumIsSmallestNormalWithSubnormalScale() throws {
        // 2^-126 / 7 rounds to the subnormal 1198373 * 2^-149; 2^-127 / scale = 3.4999988 -> 3.
        let g: [Float] = [Float.leastNormalMagnitude, Float.leastNonzeroMagnitude, 0x1p-127, -0x1p-127]
        let q = try quantize(g)
        #expect(q.scales.map(\.bitPattern) == [0x0012_4925])
        #expect((0..<4).map { q.code(at: $0) } == [7, 0, 3, -3])
    }

    @Test func quantizesShorterLastBlockOnItsOwnMaximum() throws {
        let g = [Float](repeating: 100, count: 64) + [-5]
        let q = try quantize(g)
        #expect(q.blockCount == 2)
        #expect(q.scales[1].bitPattern == 0x3F36_DB6E)  // 5/7
        #expect(q.code(at: 64) == -7)
        #expect(q.packedCodes.count == 33 && q.packedCodes[32] == 0x09)
    }

    @Test func quantizesExtremeMagnitudesWithoutOverflow() throws {
        let q = try quantize([Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude / 2])
        #expect(q.scales.map(\.bitPattern) == [0x7E12_4924])
        #expect(q.code(at: 0) == 7 && q.code(at: 1) == -4)  // -3.5 ties to -4
    }

    @Test func refusesNaNAndInfinityWithTheirIndex() {
        #expect(throws: QuantizationError.nonFiniteGradient(index: 70, bitPattern: Float.nan.bitPattern)) {
            try quantize([Float](repeating: 1, count: 70) + [.nan])
        }
        #expect(throws: QuantizationError.nonFiniteGradient(index: 1, bitPattern: (-Float.infinity).bitPattern)) {
            try quantize([0, -.infinity])
        }
    }

    @Test func refusesEmptyGradient() {
        #expect(throws: QuantizationError.emptyGradient) { try quantize([]) }
    }

    @Test func dequantizesAsScaleTimesCode() throws {
        let q = try quantize([-14, 3, 0])
        #expect(q.dequantized() == [-14, 4, 0])
    }

    @Test func matchesNaiveQuantizerOnRandomVectors() throws {
        var rng = SplitMix64(seed: 42)
        for length in [1, 2, 63, 64, 65, 127, 1000, 1025] {
            let g = (0..<length).map { _ in Float(rng.nextDouble() * 2 - 1) * Float(1 << (rng.next() % 20)) }
            let q = try quantize(g)
            for b in 0..<q.blockCount {
                let block = Array(g[(b * 64)..<min(b * 64 + 64, length)])
                let maxAbs = block.map(\.magnitude).max()!
                let scale: Float = maxAbs < Float.leastNormalMagnitude ? 0 : maxAbs / 7
                #expect(q.scales[b].bitPattern == scale.bitPattern)
                for (k, v) in block.enumerated() {
                    let code = scale == 0 ? 0 : Int(max(-7, min(7, (v / scale).rounded(.toNearestOrEven))))
                    #expect(q.code(at: b * 64 + k) == code)
                }
            }
        }
    }
}

/// A small deterministic generator for test inputs (SplitMix64, Steele et al. 2014).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }
}
