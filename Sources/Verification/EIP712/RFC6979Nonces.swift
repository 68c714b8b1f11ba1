internal import CCrypto

/// The candidate nonces k of deterministic ECDSA (RFC 6979 section 3.2) with HMAC-SHA256, for
/// a 256-bit group order: the same k for the same key and digest, and no random generator to fail.
///
/// Each `next()` is the next candidate in [1, n - 1] (step h); a signer that cannot use one
/// (r = 0 or s = 0) asks for the next (the "K = HMAC_K(V || 0x00)" step). This is the nonce
/// libsecp256k1 and eth-keys use, so their signatures of a digest equal ours.
struct RFC6979Nonces {
    private var k: [UInt8]
    private var v: [UInt8]
    private var started = false
    private let order: [UInt8]

    /// Seeds the generator (steps a-g). Requires 32-byte big-endian `privateKey` in [1, n - 1],
    /// a 32-byte `digest` and a 32-byte big-endian `order` n whose top bit is set (qlen = 256,
    /// so bits2int takes the digest whole and bits2octets only reduces it below n).
    init(privateKey: [UInt8], digest: [UInt8], order: [UInt8]) {
        precondition(privateKey.count == 32 && digest.count == 32 && order.count == 32 && order[0] & 0x80 != 0,
                     "RFC 6979 here takes 256-bit keys, digests and orders")
        self.order = order
        var h1 = digest
        if !h1.lexicographicallyPrecedes(order) { h1 = Self.subtract(h1, order) }
        v = [UInt8](repeating: 0x01, count: 32)
        k = [UInt8](repeating: 0x00, count: 32)
        k = Self.hmac(key: k, v + [0x00] + privateKey + h1)
        v = Self.hmac(key: k, v)
        k = Self.hmac(key: k, v + [0x01] + privateKey + h1)
        v = Self.hmac(key: k, v)
        h1 = []
    }

    /// The next candidate k, 32 bytes big-endian, in [1, n - 1].
    mutating func next() -> [UInt8] {
        while true {
            if started {
                k = Self.hmac(key: k, v + [0x00])
                v = Self.hmac(key: k, v)
            }
            started = true
            v = Self.hmac(key: k, v)
            if v.contains(where: { $0 != 0 }), v.lexicographicallyPrecedes(order) { return v }
        }
    }

    /// a - b for 32-byte big-endian integers with a >= b.
    private static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let difference = Int(a[i]) - Int(b[i]) - borrow
            out[i] = UInt8(truncatingIfNeeded: difference)
            borrow = difference < 0 ? 1 : 0
        }
        return out
    }

    private static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &out, &length) != nil, length == 32 else {
            fatalError("HMAC-SHA256 failed: \(Ed25519Backend.lastError())")
        }
        return out
    }
}
