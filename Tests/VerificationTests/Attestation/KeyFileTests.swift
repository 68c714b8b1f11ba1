import Foundation
import TestSupport
import Testing
import Verification

struct KeyFileTests {
    @Test func savesPrivateKeyWithMode0600AndLoadsItBack() throws {
        let directory = try Scratch.directory("attest")
        let path = directory.appendingPathComponent("signing.pem").path
        let key = try RFC8032Vector.all[0].signingKey()
        try KeyFile.writePrivateKey(key, to: path)
        #expect(try AttestationTestSupport.mode(path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        guard case let .privateKey(loaded) = try KeyFile.read(path) else {
            Issue.record("expected a private key")
            return
        }
        #expect(loaded.publicKey == key.publicKey)
        #expect(loaded.signature(for: [1, 2, 3]) == key.signature(for: [1, 2, 3]))
        // Only the key itself is left: the temporary file was linked into place and removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["signing.pem"])
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let path = try Scratch.directory("attest").appendingPathComponent("k.pem").path
        let first = SigningKey.generate()
        let second = SigningKey.generate()
        try KeyFile.writePrivateKey(first, to: path)
        #expect(throws: KeyFileError.alreadyExists(path: path)) { try KeyFile.writePrivateKey(second, to: path) }
        #expect(try KeyFile.read(path).publicKey == first.publicKey)
        try KeyFile.writePrivateKey(second, to: path, overwrite: true)
        #expect(try KeyFile.read(path).publicKey == second.publicKey)
        #expect(try AttestationTestSupport.mode(path) == 0o600)
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660])
    func refusesPrivateKeyAccessibleToOthers(_ mode: Int) throws {
        let path = try Scratch.directory("attest").appendingPathComponent("k.pem").path
        try KeyFile.writePrivateKey(SigningKey.generate(), to: path)
        chmod(path, mode_t(mode))
        #expect(throws: KeyFileError.insecurePermissions(path: path, mode: UInt32(mode))) { try KeyFile.read(path) }
        chmod(path, 0o400)
        #expect(throws: Never.self) { try KeyFile.read(path) }
    }

    @Test func readsPublicKeyPEMWhateverItsMode() throws {
        let path = try Scratch.directory("attest").appendingPathComponent("k.pub").path
        let key = try RFC8032Vector.all[1].signingKey().publicKey
        #expect(key.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        try Data(key.pem.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        guard case let .publicKey(loaded) = try KeyFile.read(path) else {
            Issue.record("expected a public key")
            return
        }
        #expect(loaded == key)
    }

    /// A SubjectPublicKeyInfo (RFC 8410: the 12-byte prefix 302a300506032b6570032100, then the
    /// 32 key bytes) holding the identity point, or y = p + 1 (the identity again, non-canonical).
    @Test func refusesPublicKeyPEMOfSmallOrderOrNonCanonicalPoint() throws {
        let directory = try Scratch.directory("attest")
        let cases: [([UInt8], KeyError)] = [
            (Ed25519StrictTests.identity, .smallOrderPublicKey(hex: Hex.encode(Ed25519StrictTests.identity), order: 1)),
            (Scalar25519.add(Ed25519StrictTests.p, Scalar25519.small(1)),
             .nonCanonicalPublicKey(hex: "ee" + String(repeating: "ff", count: 30) + "7f", reason: .yNotReduced)),
        ]
        for (i, (raw, refusal)) in cases.enumerated() {
            let der = Hex.decode("302a300506032b6570032100")! + raw
            let path = directory.appendingPathComponent("weak\(i).pub").path
            try Data("-----BEGIN PUBLIC KEY-----\n\(Base64.encode(der))\n-----END PUBLIC KEY-----\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: KeyFileError.refusedPublicKey(path: path, refusal)) { try KeyFile.read(path) }
        }
    }

    @Test func acceptsFileOfExactlyTheLimitAndRefusesOneByteMore() throws {
        let directory = try Scratch.directory("attest")
        let pem = Array(try RFC8032Vector.all[0].signingKey().publicKey.pem.utf8)
        let limit = KeyFile.Limits(maxBytes: 200)
        // Text after the PEM block is ignored by the reader, so padding it out is harmless.
        let atLimit = pem + [UInt8](repeating: UInt8(ascii: "\n"), count: 200 - pem.count)
        let pathN = directory.appendingPathComponent("n.pub").path
        try Data(atLimit).write(to: URL(fileURLWithPath: pathN))
        #expect(throws: Never.self) { try KeyFile.read(pathN, limits: limit) }
        let pathN1 = directory.appendingPathComponent("n1.pub").path
        try Data(atLimit + [UInt8(ascii: "\n")]).write(to: URL(fileURLWithPath: pathN1))
        #expect(throws: KeyFileError.tooLarge(path: pathN1, bytes: 201, limit: 200)) { try KeyFile.read(pathN1, limits: limit) }
    }

    @Test func refusesFilesThatHoldNoUsableKey() throws {
        let directory = try Scratch.directory("attest")
        func file(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            return path
        }
        let plain = try file("plain", "not a key\n")
        #expect(throws: KeyFileError.notPEM(path: plain)) { try KeyFile.read(plain) }
        let encrypted = try file("enc", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
        #expect(throws: KeyFileError.unsupportedPEMLabel(path: encrypted, label: "ENCRYPTED PRIVATE KEY")) { try KeyFile.read(encrypted) }
        let garbage = try file("garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        #expect(throws: KeyFileError.unreadablePEM(path: garbage)) { try KeyFile.read(garbage) }
        // An X25519 key (RFC 8410 section 10.3): valid PKCS#8, wrong algorithm for signing.
        let x25519 = try file("x25519", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n")
        #expect(throws: KeyFileError.notEd25519(path: x25519)) { try KeyFile.read(x25519) }
        let missing = directory.appendingPathComponent("missing").path
        #expect(throws: KeyFileError.io(call: "open", path: missing, errno: ENOENT)) { try KeyFile.read(missing) }
        #expect(throws: KeyFileError.notRegularFile(path: directory.path)) { try KeyFile.read(directory.path) }
    }
}
