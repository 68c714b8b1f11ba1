import Verification

/// Little-endian 256-bit helpers for building signatures with a chosen S.
enum Scalar25519 {
    /// L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 section 5.1), little-endian.
    static let order = Hex.decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")!

    /// a + b modulo 2^256 (callers keep the sum below 2^256).
    static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var carry = 0
        for i in 0..<32 {
            let sum = Int(a[i]) + Int(b[i]) + carry
            out[i] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return out
    }

    /// The little-endian 32 bytes of a small integer.
    static func small(_ value: UInt8) -> [UInt8] {
        [value] + [UInt8](repeating: 0, count: 31)
    }
}
