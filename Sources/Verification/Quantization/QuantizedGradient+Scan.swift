extension QuantizedGradient {
    /// Whether scales and codes are certainly well formed, decided by branch-free scans over
    /// words: every scale's bits below 0x7f80_0000 (finite and not negative, -0.0 included),
    /// no nibble equal to 0x8 (padding included), every byte of a zero-scale block zero, and a
    /// zero padding nibble for an odd `parameterCount`.
    ///
    /// `false` means "look closer", not "malformed": the checks are a superset of
    /// `validate`'s (a padding nibble of 8 or a non-zero padding in a zero block count twice),
    /// so `validate` then walks the data to name the first error. Requires the sizes
    /// `validate` checks first.
    static func isPlainlyValid(parameterCount: Int, scales: [Float], packedCodes: [UInt8]) -> Bool {
        if parameterCount % 2 == 1, packedCodes[parameterCount >> 1] >> 4 != 0 { return false }
        return scales.withUnsafeBufferPointer { s in
            packedCodes.withUnsafeBytes { p in
                var maxBits: UInt32 = 0, minBits = UInt32.max
                for scale in s {
                    maxBits = Swift.max(maxBits, scale.bitPattern)
                    minBits = Swift.min(minBits, scale.bitPattern)
                }
                guard maxBits < 0x7f80_0000, !hasNibbleEight(p) else { return false }
                // Zero blocks are rare (exactly zero or subnormal gradients), so a branchy
                // walk over the scales only runs when one exists.
                guard minBits == 0 else { return true }
                let bytesPerBlock = blockSize / 2
                for (b, scale) in s.enumerated() where scale.bitPattern == 0 {
                    let lo = b * bytesPerBlock, hi = Swift.min(lo + bytesPerBlock, p.count)
                    var any: UInt8 = 0
                    for k in lo..<hi { any |= p[k] }
                    if any != 0 { return false }
                }
                return true
            }
        }
    }

    /// Whether any nibble of `bytes` is 0x8, eight bytes at a time.
    private static func hasNibbleEight(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x1111_1111_1111_1111
        let words = bytes.count / 8
        var missing: UInt64 = 0
        for w in 0..<words {
            // x ^ 0x8 is zero exactly for the nibble 0x8; OR-folding a nibble's four bits into
            // its lowest bit leaves that bit clear only for a zero nibble.
            let y = bytes.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self) ^ 0x8888_8888_8888_8888
            var t = y | (y >> 1)
            t |= t >> 2
            missing |= ~t & ones
        }
        for k in (8 * words)..<bytes.count {
            let y = bytes[k] ^ 0x88
            if y & 0x0F == 0 || y & 0xF0 == 0 { return true }
        }
        return missing != 0
    }
}
