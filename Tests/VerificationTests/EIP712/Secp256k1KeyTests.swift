import Foundation
import Testing
@testable import Verification

/// secp256k1 keys, addresses and signatures: known answers, low-s, recovery, refusals.
struct Secp256k1KeyTests {
    /// The group order n (SEC 2 v2 section 2.4.1).
    static let order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

    static func scalar(_ value: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 31) + [value] }

    /// The addresses of private keys 1 and 2 (public keys G and 2G), as eth-account derives them.
    @Test func derivesKnownAddressesOfSmallPrivateKeys() throws {
        #expect(try Secp256k1SigningKey(privateKey: Self.scalar(1)).address.checksummed == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
        #expect(try Secp256k1SigningKey(privateKey: Self.scalar(2)).address.checksummed == "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF")
        // G itself (SEC 2 v2 section 2.4.1), uncompressed.
        #expect(try Hex.encode(Secp256k1SigningKey(privateKey: Self.scalar(1)).publicKey) == "04"
            + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    }

    /// The test cases of EIP-55 ("Test Cases", all caps, all lower, normal): each round-trips,
    /// and the same address with one letter's case flipped is refused as a typo.
    @Test func writesAndChecksEIP55Checksums() {
        let addresses = ["0x52908400098527886E0F7030069857D2E4169EE7", "0xde709f2102306220921060314715629080e2fb77",
                         "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                         "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"]
        for text in addresses.suffix(4) {
            #expect(EthereumAddress(text: text)?.checksummed == text)
            var flipped = Array(text.utf8)
            let letter = flipped.indices.dropFirst(2).first { (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(flipped[$0] | 0x20) }!
            flipped[letter] ^= 0x20
            #expect(EthereumAddress(text: String(decoding: flipped, as: UTF8.self)) == nil)
        }
        // All-caps and all-lower-case texts carry no checksum and are read as they are.
        #expect(EthereumAddress(text: addresses[0]) != nil && EthereumAddress(text: addresses[1]) != nil)
        #expect(EthereumAddress(text: "0x" + String(repeating: "0", count: 39)) == nil)
        #expect(EthereumAddress(text: String(repeating: "0", count: 42)) == nil)
    }

    /// RFC 6979 appendix A.2.5 (P-256, SHA-256): the generator reproduces the published k for
    /// "sample" and "test" when given that curve's order, so it follows the RFC, not just itself.
    @Test func nonceGeneratorReproducesRFC6979P256Answers() {
        let order = Hex.decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")!
        let key = Hex.decode("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")!
        var sample = RFC6979Nonces(privateKey: key, digest: SHA256.hash(Array("sample".utf8)).bytes, order: order)
        #expect(Hex.encode(sample.next()) == "a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60")
        var test = RFC6979Nonces(privateKey: key, digest: SHA256.hash(Array("test".utf8)).bytes, order: order)
        #expect(Hex.encode(test.next()) == "d16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0")
    }

    /// Every signature is low-s, deterministic and recovers the signer; both recovery bytes
    /// occur; the high-s twin (r, n - s, v flipped) is a valid ECDSA signature of the same key
    /// (the raw recovery finds it) but `recoverSigner` refuses it, as OpenZeppelin's ECDSA does.
    @Test func signsLowSAndRecoversTheSigner() throws {
        let key = try Secp256k1SigningKey(privateKey: Array(SHA256.hash(Array("low-s test key".utf8)).bytes))
        let n = BigNumberTestSupport.value(Self.order)
        var parities: Set<UInt8> = []
        for i in 0..<48 {
            let digest = SHA256.hash([UInt8(i)]).bytes
            let signature = key.signature(forDigest: digest)
            #expect(signature.isLowS)
            #expect(key.signature(forDigest: digest) == signature)
            #expect(signature.recoverSigner(digest: digest) == key.address)
            parities.insert(signature.v)
            let highS = BigNumberTestSupport.bytes(n - BigNumberTestSupport.value(Hex.encode(signature.s)))
            let twin = EthereumSignature(rawBytes: signature.r + highS + [55 - signature.v])!
            #expect(!twin.isLowS)
            #expect(twin.recoverSigner(digest: digest) == nil)
            #expect(Secp256k1Backend.recover(digest: digest, r: twin.r, s: twin.s, yParity: twin.v - 27) == key.publicKey)
        }
        #expect(parities == [27, 28])
    }

    @Test func recoveryRefusesMalformedSignatures() throws {
        let key = try Secp256k1SigningKey(privateKey: Self.scalar(7))
        let digest = SHA256.hash(Array("m".utf8)).bytes
        let good = key.signature(forDigest: digest)
        let zero = [UInt8](repeating: 0, count: 32)
        let n = Hex.decode(Self.order)!
        for bad in [good.r + good.s + [29], good.r + good.s + [0], good.r + good.s + [1],
                    zero + good.s + [good.v], good.r + zero + [good.v], n + good.s + [good.v]] {
            #expect(EthereumSignature(rawBytes: bad)!.recoverSigner(digest: digest) == nil)
        }
        #expect(EthereumSignature(rawBytes: good.rawBytes + [0]) == nil)
        // Another digest recovers another address, never the signer.
        #expect(good.recoverSigner(digest: SHA256.hash(Array("n".utf8)).bytes) != key.address)
    }

    @Test func refusesZeroAndOutOfRangePrivateKeys() throws {
        #expect(throws: Secp256k1KeyError.zeroPrivateKey) { try Secp256k1SigningKey(privateKey: Self.scalar(0)) }
        #expect(throws: Secp256k1KeyError.privateKeyNotBelowOrder) { try Secp256k1SigningKey(privateKey: Hex.decode(Self.order)!) }
        #expect(throws: Secp256k1KeyError.privateKeyNotBelowOrder) {
            try Secp256k1SigningKey(privateKey: [UInt8](repeating: 0xff, count: 32))
        }
        #expect(throws: Secp256k1KeyError.wrongPrivateKeyLength(got: 31, want: 32)) {
            try Secp256k1SigningKey(privateKey: [UInt8](repeating: 1, count: 31))
        }
        var largest = Hex.decode(Self.order)!
        largest[31] -= 1
        #expect(try Secp256k1SigningKey(privateKey: largest).address.rawBytes.count == 20)
    }
}

/// Big integers for the tests' own arithmetic on scalars (Python-free, so the low-s test stays fast).
enum BigNumberTestSupport {
    /// A 256-bit value as four 64-bit limbs, most significant first.
    struct UInt256: Equatable {
        var limbs: [UInt64]

        static func - (a: UInt256, b: UInt256) -> UInt256 {
            var out = [UInt64](repeating: 0, count: 4)
            var borrow: UInt64 = 0
            for i in stride(from: 3, through: 0, by: -1) {
                let (d1, o1) = a.limbs[i].subtractingReportingOverflow(b.limbs[i])
                let (d2, o2) = d1.subtractingReportingOverflow(borrow)
                out[i] = d2
                borrow = (o1 || o2) ? 1 : 0
            }
            return UInt256(limbs: out)
        }
    }

    static func value(_ hex: String) -> UInt256 {
        let bytes = Hex.decode(hex)!
        return UInt256(limbs: (0..<4).map { i in bytes[(8 * i)..<(8 * i + 8)].reduce(0) { $0 << 8 | UInt64($1) } })
    }

    static func bytes(_ value: UInt256) -> [UInt8] {
        value.limbs.flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> (56 - 8 * $0)) } }
    }
}
