import Foundation
import TestSupport
import Testing
import Verification

/// The secp256k1 key file: written 0600 and read back; hand-made files that OpenSSL reads but
/// that hold no usable key are refused when loading, naming the reason.
struct Secp256k1KeyFileTests {
    @Test func writesPKCS8WithMode0600AndReadsItBack() throws {
        let directory = try Scratch.directory("attest")
        let path = directory.appendingPathComponent("secp256k1.pem").path
        let key = Secp256k1SigningKey.generate()
        try KeyFile.writePrivateKey(key, to: path)
        #expect(try AttestationTestSupport.mode(path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(try KeyFile.readSecp256k1PrivateKey(path).address == key.address)
        #expect(throws: KeyFileError.alreadyExists(path: path)) { try KeyFile.writePrivateKey(Secp256k1SigningKey.generate(), to: path) }
        chmod(path, 0o640)
        #expect(throws: KeyFileError.insecurePermissions(path: path, mode: 0o640)) { try KeyFile.readSecp256k1PrivateKey(path) }
    }

    @Test func readsSEC1ECPrivateKeyBlocks() throws {
        let g = try Secp256k1SigningKey(privateKey: Secp256k1KeyTests.scalar(1))
        let path = try Self.write(DER.pem(DER.sec1(scalar: Secp256k1KeyTests.scalar(1), publicKey: g.publicKey, curve: DER.secp256k1), label: "EC PRIVATE KEY"))
        #expect(try KeyFile.readSecp256k1PrivateKey(path).address == g.address)
    }

    @Test func refusesZeroScalar() throws {
        let path = try Self.write(DER.pem(DER.pkcs8(scalar: Secp256k1KeyTests.scalar(0), publicKey: nil)))
        #expect(throws: KeyFileError.refusedSecp256k1Key(path: path, .zeroPrivateKey)) { try KeyFile.readSecp256k1PrivateKey(path) }
    }

    @Test func refusesScalarNotBelowOrder() throws {
        let n = Hex.decode(Secp256k1KeyTests.order)!
        var nPlusOne = n
        nPlusOne[31] += 1
        for scalar in [n, nPlusOne] {
            let path = try Self.write(DER.pem(DER.pkcs8(scalar: scalar, publicKey: nil)))
            #expect(throws: KeyFileError.refusedSecp256k1Key(path: path, .privateKeyNotBelowOrder)) {
                try KeyFile.readSecp256k1PrivateKey(path)
            }
        }
    }

    @Test func refusesPublicPointThatIsNotTheScalars() throws {
        let g = try Secp256k1SigningKey(privateKey: Secp256k1KeyTests.scalar(1))
        let twoG = try Secp256k1SigningKey(privateKey: Secp256k1KeyTests.scalar(2))
        let path = try Self.write(DER.pem(DER.pkcs8(scalar: Secp256k1KeyTests.scalar(1), publicKey: twoG.publicKey)))
        #expect(throws: KeyFileError.refusedSecp256k1Key(path: path, .publicKeyMismatch(inFile: Hex.encode(twoG.publicKey),
                                                                                            derived: Hex.encode(g.publicKey)))) {
            try KeyFile.readSecp256k1PrivateKey(path)
        }
    }

    /// G with the last bit of y flipped is not on the curve; OpenSSL's decoder refuses the file.
    @Test func refusesPublicPointNotOnTheCurve() throws {
        var offCurve = try Secp256k1SigningKey(privateKey: Secp256k1KeyTests.scalar(1)).publicKey
        offCurve[64] ^= 1
        let path = try Self.write(DER.pem(DER.pkcs8(scalar: Secp256k1KeyTests.scalar(1), publicKey: offCurve)))
        #expect(throws: KeyFileError.unreadablePEM(path: path)) { try KeyFile.readSecp256k1PrivateKey(path) }
    }

    /// A P-256 key (prime256v1, OID 1.2.840.10045.3.1.7) and an Ed25519 key are refused by name.
    @Test func refusesKeysOfOtherCurvesAndAlgorithms() throws {
        let p256 = try Self.write(DER.pem(DER.pkcs8(scalar: Secp256k1KeyTests.scalar(1), publicKey: nil,
                                                    curve: [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07])))
        #expect(throws: KeyFileError.refusedSecp256k1Key(path: p256, .notSecp256k1(curve: "prime256v1"))) {
            try KeyFile.readSecp256k1PrivateKey(p256)
        }
        let ed25519 = try Self.write(SigningKey.generate().pkcs8PEM)
        #expect(throws: KeyFileError.notSecp256k1Key(path: ed25519, algorithm: "ED25519")) { try KeyFile.readSecp256k1PrivateKey(ed25519) }
    }

    static func write(_ pem: [UInt8]) throws -> String {
        let path = try Scratch.directory("attest").appendingPathComponent("key.pem").path
        try Data(pem).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        return path
    }

    /// Hand-made DER: PKCS#8 (RFC 5208) around SEC 1 ECPrivateKey (RFC 5915), for files the
    /// service must refuse although OpenSSL decodes them.
    enum DER {
        /// OID 1.3.132.0.10 (secp256k1), encoded.
        static let secp256k1: [UInt8] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]
        /// OID 1.2.840.10045.2.1 (id-ecPublicKey), encoded.
        static let ecPublicKey: [UInt8] = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]

        static func tlv(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
            precondition(body.count < 256)
            return [tag] + (body.count < 128 ? [UInt8(body.count)] : [0x81, UInt8(body.count)]) + body
        }

        static func sec1(scalar: [UInt8], publicKey: [UInt8]?, curve: [UInt8]? = nil) -> [UInt8] {
            var body = tlv(0x02, [0x01]) + tlv(0x04, scalar)
            if let curve { body += tlv(0xa0, curve) }
            if let publicKey { body += tlv(0xa1, tlv(0x03, [0x00] + publicKey)) }
            return tlv(0x30, body)
        }

        static func pkcs8(scalar: [UInt8], publicKey: [UInt8]?, curve: [UInt8] = secp256k1) -> [UInt8] {
            tlv(0x30, tlv(0x02, [0x00]) + tlv(0x30, ecPublicKey + curve) + tlv(0x04, sec1(scalar: scalar, publicKey: publicKey)))
        }

        static func pem(_ der: [UInt8], label: String = "PRIVATE KEY") -> [UInt8] {
            let base64 = Base64.encode(der)
            let lines = stride(from: 0, to: base64.count, by: 64).map { start in
                String(base64.dropFirst(start).prefix(64))
            }
            return Array(("-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n").utf8)
        }
    }
}
