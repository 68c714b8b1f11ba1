import Testing
import Verification

/// Refusals of malformed quantized data, as it would arrive in an artifact or a leaf.
struct QuantizedGradientValidationTests {
    private func make(_ p: Int, _ scales: [Float], _ codes: [UInt8]) throws -> QuantizedGradient {
        try QuantizedGradient(parameterCount: p, scales: scales, packedCodes: codes)
    }

    @Test func acceptsWellFormedData() throws {
        let q = try make(3, [2], [0x79, 0x01])
        #expect([q.code(at: 0), q.code(at: 1), q.code(at: 2)] == [-7, 7, 1])
    }

    @Test func refusesNibbleEight() {
        #expect(throws: QuantizationError.invalidCode(parameter: 1, nibble: 8)) { try make(2, [1], [0x80]) }
        #expect(throws: QuantizationError.invalidCode(parameter: 2, nibble: 8)) { try make(3, [1], [0x00, 0x08]) }
    }

    @Test func refusesNegativeNaNAndInfiniteScales() {
        for bad: Float in [-1, -0.0, .nan, .infinity, -.infinity] {
            #expect(throws: QuantizationError.invalidScale(block: 1, bitPattern: bad.bitPattern)) {
                try make(65, [1, bad], [UInt8](repeating: 0, count: 33))
            }
        }
    }

    @Test func refusesCodeInZeroBlock() {
        #expect(throws: QuantizationError.codeInZeroBlock(parameter: 1, nibble: 1)) { try make(2, [0], [0x10]) }
    }

    @Test func refusesNonZeroPaddingNibble() {
        #expect(throws: QuantizationError.nonZeroPadding(nibble: 1)) { try make(1, [1], [0x11]) }
    }

    @Test func refusesWrongSizes() {
        #expect(throws: QuantizationError.scaleCountMismatch(got: 1, want: 2)) { try make(65, [1], [UInt8](repeating: 0, count: 33)) }
        #expect(throws: QuantizationError.packedByteCountMismatch(got: 34, want: 33)) { try make(65, [1, 1], [UInt8](repeating: 0, count: 34)) }
        #expect(throws: QuantizationError.emptyGradient) { try make(0, [], []) }
    }
}
