extension QuantizedGradient {
    /// Quantizes a gradient given in canonical parameter order.
    ///
    /// Per block of 64 parameters (the last may be shorter), in IEEE 754 binary32 with
    /// round-to-nearest-even and gradual underflow (no flush-to-zero):
    /// - `m = max |g|` over the block;
    /// - if `m < 2^-126` (zero, or subnormal) the block is a zero block: scale 0, codes 0;
    /// - otherwise `scale = m / 7` (one fp32 division) and, per parameter,
    ///   `code = clamp(roundHalfEven(g / scale), -7, 7)` where `g / scale` is one fp32 division.
    ///
    /// Subnormal blocks are zeroed because they lie far below any gradient noise floor and a
    /// flush-to-zero device would see them as zero anyway. Throws `nonFiniteGradient` for
    /// the first NaN or infinity, and `emptyGradient` for an empty vector.
    public init(quantizing gradient: [Float]) throws {
        guard !gradient.isEmpty else { throw QuantizationError.emptyGradient }
        let count = gradient.count
        let blocks = Self.blockCount(parameters: count)
        var scales = [Float](repeating: 0, count: blocks)
        var packed = [UInt8](repeating: 0, count: Self.packedByteCount(parameters: count))
        try gradient.withUnsafeBufferPointer { g in
            try scales.withUnsafeMutableBufferPointer { s in
                try packed.withUnsafeMutableBufferPointer { p in
                    for b in 0..<blocks {
                        let start = b * Self.blockSize
                        let end = Swift.min(start + Self.blockSize, count)
                        s[b] = try Self.quantizeBlock(g, start..<end, into: p)
                    }
                }
            }
        }
        self.init(unchecked: count, scales: scales, packedCodes: packed)
    }

    /// Quantizes `g[range]` into the nibbles of `packed` (which must be zeroed there) and
    /// returns the block's scale.
    @inline(__always)
    private static func quantizeBlock(
        _ g: UnsafeBufferPointer<Float>, _ range: Range<Int>, into packed: UnsafeMutableBufferPointer<UInt8>
    ) throws -> Float {
        var maxAbs: Float = 0
        for i in range {
            let v = g[i]
            guard v.isFinite else { throw QuantizationError.nonFiniteGradient(index: i, bitPattern: v.bitPattern) }
            maxAbs = Swift.max(maxAbs, v.magnitude)
        }
        guard maxAbs >= Float.leastNormalMagnitude else { return 0 }
        let scale = maxAbs / Float(maxCode)
        let limit = Float(maxCode)
        for i in range {
            let q = (g[i] / scale).rounded(.toNearestOrEven)
            let code = Int8(Swift.min(Swift.max(q, -limit), limit))
            packed[i >> 1] |= (UInt8(bitPattern: code) & 0x0F) << UInt8((i & 1) * 4)
        }
        return scale
    }

    /// All dequantized values, scale * Float(code) per parameter.
    public func dequantized() -> [Float] {
        (0..<parameterCount).map { dequantized(at: $0) }
    }
}
