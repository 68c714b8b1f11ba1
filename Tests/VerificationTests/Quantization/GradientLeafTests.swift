import Testing
import Verification

/// Gradient leaves: which parameters a leaf covers, its byte layout, and parsing opened leaves.
struct GradientLeafTests {
    private func ramp(_ count: Int) -> [Float] { (0..<count).map { Float($0 % 97) - 48 } }

    @Test func countsLeavesAsCeilingOf1024() {
        #expect(QuantizedGradient.leafCount(parameters: 1) == 1)
        #expect(QuantizedGradient.leafCount(parameters: 1024) == 1)
        #expect(QuantizedGradient.leafCount(parameters: 1025) == 2)
        #expect(QuantizedGradient.leafRange(1, parameters: 1094) == 1024..<1094)
    }

    @Test func lays16ScalesThen512CodeBytesInFullLeaf() throws {
        let q = try QuantizedGradient(quantizing: ramp(1094))
        let bytes = try q.leafBytes(0)
        #expect(bytes.count == 576 && GradientLeaf.byteCount(parameters: 1024) == 576)
        let scaleBytes = q.scales[0..<16].flatMap { s in (0..<4).map { UInt8(truncatingIfNeeded: s.bitPattern >> (8 * UInt32($0))) } }
        #expect(Array(bytes[0..<64]) == scaleBytes)
        #expect(Array(bytes[64...]) == Array(q.packedCodes[0..<512]))
    }

    @Test func laysShortLastLeafAsItsOwnBlocksAndBytes() throws {
        // Last leaf: m = 70 parameters -> ceil(70/64) = 2 scales and 35 bytes.
        let q = try QuantizedGradient(quantizing: ramp(1094))
        let bytes = try q.leafBytes(1)
        #expect(bytes.count == 2 * 4 + 35)
        #expect(Array(bytes[8...]) == Array(q.packedCodes[512...]))
        #expect(try GradientLeaf(bytes: bytes, parameterCount: 70) == q.leaf(1))
    }

    @Test func serializesKnownLeafInHex() throws {
        // Three parameters: scale 2 = 0x40000000 LE, codes -7, 2 (1.5 ties to 2), 0.
        let q = try QuantizedGradient(quantizing: [-14, 3, 0])
        #expect(Hex.encode(try q.leafBytes(0)) == "00000040" + "29" + "00")
    }

    @Test func refusesLeafIndexOutOfRange() throws {
        let q = try QuantizedGradient(quantizing: ramp(1025))
        #expect(throws: QuantizationError.leafIndexOutOfRange(index: 2, leafCount: 2)) { try q.leaf(2) }
        #expect(throws: QuantizationError.leafIndexOutOfRange(index: -1, leafCount: 2)) { try q.leaf(-1) }
    }

    @Test func parsesLeafOf1024AndRefuses1025Parameters() throws {
        let full = try QuantizedGradient(quantizing: ramp(1024)).leafBytes(0)
        #expect(try GradientLeaf(bytes: full, parameterCount: 1024).parameterCount == 1024)
        #expect(throws: QuantizationError.invalidLeafParameterCount(1025)) {
            try GradientLeaf(bytes: full + [0, 0, 0, 0, 0], parameterCount: 1025)
        }
        #expect(throws: QuantizationError.invalidLeafParameterCount(0)) { try GradientLeaf(bytes: [], parameterCount: 0) }
    }

    @Test func refusesLeafBytesOfWrongLength() throws {
        let bytes = try QuantizedGradient(quantizing: ramp(70)).leafBytes(0)
        #expect(throws: QuantizationError.leafByteCountMismatch(got: 44, want: 43)) {
            try GradientLeaf(bytes: bytes + [0], parameterCount: 70)
        }
        #expect(throws: QuantizationError.leafByteCountMismatch(got: 42, want: 43)) {
            try GradientLeaf(bytes: Array(bytes.dropLast()), parameterCount: 70)
        }
    }

    @Test func refusesOpenedLeafWithInvalidNibble() throws {
        var bytes = try QuantizedGradient(quantizing: ramp(64)).leafBytes(0)
        bytes[4 + 3] = 0x8F
        #expect(throws: QuantizationError.invalidCode(parameter: 7, nibble: 8)) {
            try GradientLeaf(bytes: bytes, parameterCount: 64)
        }
    }
}
