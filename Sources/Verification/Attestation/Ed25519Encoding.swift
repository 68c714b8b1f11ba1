/// The checks libsodium's strict verification makes on Ed25519's 32-byte encodings before the
/// group equation: points canonical and not of small order (OpenSSL checks neither), and S < L
/// (OpenSSL checks that too).
///
/// A point encoding is the little-endian y coordinate in bits 0-254 and the sign of x in bit
/// 255 (RFC 8032 section 5.1.2). It is canonical when y < p = 2^255 - 19 and the sign bit is
/// clear whenever x = 0. Both are comparisons of bytes: x = 0 exactly when y^2 = 1, that is at
/// y = 1 and y = p - 1, so no field arithmetic is needed. The inputs are public (keys and
/// signatures), so the comparisons may stop at the first differing byte.
enum Ed25519Encoding {
    /// p = 2^255 - 19, little-endian.
    private static let fieldPrime: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// y = 1 and y = p - 1, little-endian: the two y coordinates whose x is 0.
    private static let one: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
    private static let minusOne: [UInt8] = [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// L = 2^252 + 27742317777372353535851937790883648493, the order of the base point
    /// (RFC 8032 section 5.1), little-endian; the same bytes as libsodium's sc25519_is_canonical.
    private static let groupOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// The y bytes (bit 255 clear) of every encoding of a point of order 1, 2, 4 or 8, with that order.
    ///
    /// This is libsodium's list (`ge25519_has_small_order` in
    /// src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c, releases 1.0.18 to 1.0.22), which
    /// compares with bit 255 cleared: its seven entries match the 14 encodings of the 8 points
    /// (y = p and y = p + 1 are second names of y = 0 and y = 1). tools/ed25519_vectors.py
    /// small-order derives the same 14 from the curve equation (Ed25519StrictCrossCheckTests).
    private static let smallOrderPoints: [(y: [UInt8], order: Int)] = [
        ([UInt8](repeating: 0, count: 32), 4),
        (one, 1),
        ([0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
          0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05], 8),
        ([0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
          0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a], 8),
        (minusOne, 2),
        ([0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f], 4),
        ([0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f], 1),
    ]

    /// The rule a 32-byte point encoding breaks, or nil when it is canonical.
    /// Requires `point.count == 32`. Says nothing about whether the point is on the curve.
    static func nonCanonicalReason(_ point: ArraySlice<UInt8>) -> KeyError.NonCanonicalEncoding? {
        let y = yBytes(point)
        guard isBelow(y, fieldPrime) else { return .yNotReduced }
        let signBit = point[point.startIndex + 31] & 0x80 != 0
        return signBit && (y == one || y == minusOne) ? .signedZeroX : nil
    }

    /// The order of the point when the 32 bytes are any encoding of a point of small order
    /// (1, 2, 4 or 8), else nil. Requires `point.count == 32`.
    static func smallOrder(_ point: ArraySlice<UInt8>) -> Int? {
        let y = yBytes(point)
        return smallOrderPoints.first { $0.y == y }?.order
    }

    /// True when a public key or a signature's R may be used: canonical and not of small order.
    static func isAcceptablePoint(_ point: ArraySlice<UInt8>) -> Bool {
        nonCanonicalReason(point) == nil && smallOrder(point) == nil
    }

    /// True when the 32 little-endian bytes of a signature's S are below L. Requires `scalar.count == 32`.
    static func isCanonicalScalar(_ scalar: ArraySlice<UInt8>) -> Bool {
        precondition(scalar.count == 32, "an Ed25519 scalar has 32 bytes, got \(scalar.count)")
        return isBelow(Array(scalar), groupOrder)
    }

    /// The 32 bytes with bit 255 (the sign of x) cleared.
    private static func yBytes(_ point: ArraySlice<UInt8>) -> [UInt8] {
        precondition(point.count == 32, "an Ed25519 point encoding has 32 bytes, got \(point.count)")
        return Array(point.prefix(31)) + [point[point.startIndex + 31] & 0x7f]
    }

    /// True when the little-endian number `value` is below `bound` (both 32 bytes).
    private static func isBelow(_ value: [UInt8], _ bound: [UInt8]) -> Bool {
        for i in stride(from: 31, through: 0, by: -1) where value[i] != bound[i] {
            return value[i] < bound[i]
        }
        return false
    }
}
