/// A gradient quantized to signed 4-bit codes in blocks of 64 parameters (pogo/1).
///
/// The vector is cut into blocks of `blockSize` consecutive parameters (the last may be
/// shorter). Each block has one fp32 scale; parameter `i` has a code in -7...7 stored as a
/// two's-complement nibble in byte `i / 2` of `packedCodes`: the low nibble when `i` is
/// even, the high nibble when `i` is odd. With an odd parameter count the last byte's high
/// nibble is 0. The dequantized value of parameter `i` is `scale * Float(code)`, one fp32
/// multiply. See docs/protocol-parts/quantization.md for the exact rule.
public struct QuantizedGradient: Sendable, Hashable {
    /// Parameters per block. 1024 / 64 = 16 blocks per Merkle leaf.
    public static let blockSize = 64
    /// Largest code magnitude; codes lie in -7...7.
    public static let maxCode = 7

    /// Number of parameters P covered, at least 1.
    public let parameterCount: Int
    /// One scale per block, ceil(P / 64) of them; finite, >= +0.0.
    public let scales: [Float]
    /// Packed nibbles, ceil(P / 2) bytes, low nibble first.
    public let packedCodes: [UInt8]

    /// Number of blocks for `parameters` parameters: ceil(parameters / 64).
    public static func blockCount(parameters: Int) -> Int { (parameters + blockSize - 1) / blockSize }

    /// Number of packed bytes for `parameters` parameters: ceil(parameters / 2).
    public static func packedByteCount(parameters: Int) -> Int { (parameters + 1) / 2 }

    /// Number of blocks.
    public var blockCount: Int { scales.count }

    /// Wraps already quantized data after checking it is well formed: sizes match, every
    /// scale is finite and not negative, no nibble is 0x8, a zero-scale block has only zero
    /// codes, and the padding nibble (odd P) is 0.
    public init(parameterCount: Int, scales: [Float], packedCodes: [UInt8]) throws {
        guard parameterCount >= 1 else { throw QuantizationError.emptyGradient }
        try Self.validate(parameterCount: parameterCount, scales: scales, packedCodes: packedCodes)
        self.init(unchecked: parameterCount, scales: scales, packedCodes: packedCodes)
    }

    init(unchecked parameterCount: Int, scales: [Float], packedCodes: [UInt8]) {
        self.parameterCount = parameterCount
        self.scales = scales
        self.packedCodes = packedCodes
    }

    /// The code of parameter `index`, in -7...7. Requires 0 <= index < parameterCount.
    public func code(at index: Int) -> Int {
        precondition(index >= 0 && index < parameterCount, "parameter \(index) outside 0..<\(parameterCount)")
        return Self.decodeNibble(packedCodes[index >> 1] >> UInt8((index & 1) * 4))
    }

    /// The dequantized value of parameter `index`: scale * Float(code), one fp32 multiply.
    public func dequantized(at index: Int) -> Float {
        scales[index / Self.blockSize] * Float(code(at: index))
    }

    /// The two's-complement value of the low 4 bits of `nibble`, in -8...7.
    @inline(__always)
    static func decodeNibble(_ nibble: UInt8) -> Int {
        Int(Int8(bitPattern: nibble << 4) >> 4)
    }

    /// Checks sizes, scales and codes of a run of blocks that starts at a block boundary.
    /// `firstParameter` only offsets the indices reported in errors.
    ///
    /// Well-formed data passes a branch-free scan over words (`isPlainlyValid`); only data
    /// that scan cannot clear is walked parameter by parameter, which finds the first error
    /// in the order this function documents.
    static func validate(parameterCount: Int, scales: [Float], packedCodes: [UInt8], firstParameter: Int = 0) throws {
        let wantScales = blockCount(parameters: parameterCount)
        guard scales.count == wantScales else {
            throw QuantizationError.scaleCountMismatch(got: scales.count, want: wantScales)
        }
        let wantBytes = packedByteCount(parameters: parameterCount)
        guard packedCodes.count == wantBytes else {
            throw QuantizationError.packedByteCountMismatch(got: packedCodes.count, want: wantBytes)
        }
        if isPlainlyValid(parameterCount: parameterCount, scales: scales, packedCodes: packedCodes) { return }
        try findFirstError(parameterCount: parameterCount, scales: scales, packedCodes: packedCodes, firstParameter: firstParameter)
    }

    /// The parameter-by-parameter walk: throws the first malformation, in block then
    /// parameter order. Requires sizes already checked.
    private static func findFirstError(parameterCount: Int, scales: [Float], packedCodes: [UInt8], firstParameter: Int) throws {
        for (b, scale) in scales.enumerated() where !scale.isFinite || scale.sign == .minus {
            throw QuantizationError.invalidScale(block: firstParameter / blockSize + b, bitPattern: scale.bitPattern)
        }
        for i in 0..<parameterCount {
            let nibble = (packedCodes[i >> 1] >> UInt8((i & 1) * 4)) & 0x0F
            if nibble == 0x08 {
                throw QuantizationError.invalidCode(parameter: firstParameter + i, nibble: nibble)
            }
            if nibble != 0 && scales[i / blockSize] == 0 {
                throw QuantizationError.codeInZeroBlock(parameter: firstParameter + i, nibble: nibble)
            }
        }
        if parameterCount % 2 == 1 {
            let padding = packedCodes[parameterCount >> 1] >> 4
            guard padding == 0 else { throw QuantizationError.nonZeroPadding(nibble: padding) }
        }
    }
}
