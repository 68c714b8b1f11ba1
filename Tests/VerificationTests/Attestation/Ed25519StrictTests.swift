import Testing
import Verification

/// Keys and signatures refused by the strict rules (libsodium's): small-order points,
/// non-canonical encodings and S >= L, each with the error that names why.
struct Ed25519StrictTests {
    /// The identity point (0, 1): y = 1, sign bit clear.
    static let identity = [1] + [UInt8](repeating: 0, count: 31)
    /// p = 2^255 - 19, little-endian.
    static let p = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// Under the identity key, R = identity and S = 0 satisfy [S]B - [h]A = R for every message.
    @Test func refusesIdentityKeyUnderWhichOneSignatureFitsEveryMessage() {
        let refusal = KeyError.smallOrderPublicKey(hex: Hex.encode(Self.identity), order: 1)
        #expect(throws: refusal) { try PublicKey(rawBytes: Self.identity) }
        #expect(throws: refusal) { try PublicKey(base64URL: Base64.encodeURLSafe(Self.identity)) }
        #expect(throws: refusal) { try PublicKey(base64URL: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }
    }

    /// The canonical encodings of the eight points of order dividing 8, with their orders
    /// (tools/ed25519_vectors.py small-order derives them from the curve equation).
    @Test(arguments: [
        ("0100000000000000000000000000000000000000000000000000000000000000", 1),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2),
        ("0000000000000000000000000000000000000000000000000000000000000000", 4),
        ("0000000000000000000000000000000000000000000000000000000000000080", 4),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 8),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 8),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 8),
    ])
    func refusesSmallOrderKeyNamingItsOrder(_ hex: String, _ order: Int) {
        #expect(throws: KeyError.smallOrderPublicKey(hex: hex, order: order)) { try PublicKey(rawBytes: Hex.decode(hex)!) }
    }

    /// Every y from p to 2^255 - 1, with either sign bit: y - p is the point's real name.
    @Test func refusesKeyWhoseYIsNotBelowP() {
        for k in 0...18 {
            for sign in [UInt8(0), 0x80] {
                var key = Scalar25519.add(Self.p, Scalar25519.small(UInt8(k)))
                key[31] |= sign
                #expect(throws: KeyError.nonCanonicalPublicKey(hex: Hex.encode(key), reason: .yNotReduced)) {
                    try PublicKey(rawBytes: key)
                }
            }
        }
    }

    /// x = 0 only at y = 1 and y = p - 1; with the sign bit set these name the same two points again.
    @Test(arguments: ["0100000000000000000000000000000000000000000000000000000000000080",
                      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"])
    func refusesKeyWithSignedZeroX(_ hex: String) {
        #expect(throws: KeyError.nonCanonicalPublicKey(hex: hex, reason: .signedZeroX)) { try PublicKey(rawBytes: Hex.decode(hex)!) }
    }

    /// The neighbours of refused encodings are ordinary keys (whether or not they are on the curve).
    @Test(arguments: ["ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                      "0200000000000000000000000000000000000000000000000000000000000000",
                      "0200000000000000000000000000000000000000000000000000000000000080",
                      "27e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"])
    func importsKeyNextToARefusedOne(_ hex: String) throws {
        #expect(try PublicKey(rawBytes: Hex.decode(hex)!).rawBytes == Hex.decode(hex)!)
    }

    /// S = L and S = L + 1 are out of range, and so is a genuine s plus L, which the group
    /// equation alone would accept ([s + L]B = [s]B).
    @Test(arguments: RFC8032Vector.all)
    func refusesSignatureWhoseSIsNotBelowL(_ vector: RFC8032Vector) throws {
        let key = try PublicKey(rawBytes: Hex.decode(vector.publicKey)!)
        let signature = Hex.decode(vector.signature)!
        let message = Hex.decode(vector.message)!
        let r = Array(signature[..<32]), s = Array(signature[32...])
        #expect(key.isValidSignature(r + s, for: message))
        for bad in [Scalar25519.order, Scalar25519.add(Scalar25519.order, Scalar25519.small(1)), Scalar25519.add(s, Scalar25519.order)] {
            #expect(!key.isValidSignature(r + bad, for: message))
        }
    }
}
