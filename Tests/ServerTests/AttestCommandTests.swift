import Foundation
import TestSupport
import Testing
import Verification

/// Runs the built `verifier` binary: `keygen`, then `attest verify` on envelopes signed with that key.
struct AttestCommandTests {
    struct Output {
        let status: Int32
        let stdout: String
        let json: [String: Any]?
    }

    static func verifier(_ arguments: [String]) throws -> Output {
        let result = try Subprocess.run(Repository.binary, arguments)
        return Output(status: result.status, stdout: result.stdout,
                      json: try? JSONSerialization.jsonObject(with: result.output) as? [String: Any])
    }

    @Test func keygenWritesMode0600KeyAndRefusesToOverwriteWithoutForce() throws {
        let path = try Scratch.directory("attest-cli").appendingPathComponent("k.pem").path
        let first = try Self.verifier(["keygen", "--out", path])
        #expect(first.status == 0)
        #expect(first.json?["algorithm"] as? String == "ed25519")
        let key = try KeyFile.read(path).publicKey
        #expect(first.json?["keyId"] as? String == key.keyID)
        #expect(first.json?["publicKey"] as? String == key.base64URL)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        #expect(try Self.verifier(["keygen", "--out", path]).status == 1)
        #expect(try KeyFile.read(path).publicKey == key)
        let forced = try Self.verifier(["keygen", "--out", path, "--force"])
        #expect(forced.status == 0)
        #expect(try KeyFile.read(path).publicKey != key)
        #expect(try Self.verifier(["keygen"]).status == 2)
    }

    @Test func keygenWritesSecp256k1KeyThatTheServiceLoads() throws {
        let path = try Scratch.directory("attest-cli").appendingPathComponent("eip712.pem").path
        let made = try Self.verifier(["keygen", "--algorithm", "secp256k1", "--out", path])
        #expect(made.status == 0)
        #expect(made.json?["algorithm"] as? String == "secp256k1")
        let key = try KeyFile.readSecp256k1PrivateKey(path)
        #expect(made.json?["address"] as? String == key.address.checksummed)
        #expect(made.json?["publicKey"] as? String == "0x" + Hex.encode(key.publicKey))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try Self.verifier(["keygen", "--algorithm", "secp256k1", "--out", path]).status == 1)
        #expect(try Self.verifier(["keygen", "--algorithm", "rsa", "--out", path + ".2"]).status == 2)
    }

    @Test func attestVerifyAcceptsSignedStatementAndRejectsTamperedOne() throws {
        let directory = try Scratch.directory("attest-cli")
        let keyPath = directory.appendingPathComponent("k.pem").path
        #expect(try Self.verifier(["keygen", "--out", keyPath]).status == 0)
        guard case let .privateKey(key) = try KeyFile.read(keyPath) else {
            Issue.record("keygen did not write a private key")
            return
        }
        let digest = SHA256.hash(Array("bundle".utf8))
        let statement = try InTotoStatement(subjects: [.init(name: "bundle", sha256: digest)],
                                            predicateType: PredicateType.pogoAttestation, predicate: ["verdict": "positive"])
        let envelope = statement.signed(by: key)
        let envelopePath = directory.appendingPathComponent("envelope.json").path
        try Data(envelope.jsonBytes()).write(to: URL(fileURLWithPath: envelopePath))

        for keyArgument in [keyPath, key.publicKey.base64URL] {
            let valid = try Self.verifier(["attest", "verify", envelopePath, "--key", keyArgument])
            #expect(valid.status == 0, "\(valid.stdout)")
            #expect(valid.json?["valid"] as? Bool == true)
            #expect(valid.json?["keyId"] as? String == key.keyID)
            #expect(valid.json?["predicateType"] as? String == PredicateType.pogoAttestation)
            let subjects = valid.json?["subjects"] as? [[String: Any]]
            #expect((subjects?.first?["digest"] as? [String: String])?["sha256"] == digest.hex)
            #expect(subjects?.first?["name"] as? String == "bundle")
        }

        var payload = envelope.payload
        payload[10] ^= 0x04
        let tampered = DSSEEnvelope(payloadType: envelope.payloadType, payload: payload, signatures: envelope.signatures)
        try Data(tampered.jsonBytes()).write(to: URL(fileURLWithPath: envelopePath))
        let invalid = try Self.verifier(["attest", "verify", envelopePath, "--key", keyPath])
        #expect(invalid.status == 1, "\(invalid.stdout)")
        #expect(invalid.json?["valid"] as? Bool == false)

        // One byte over the default 4 MiB envelope limit is refused before it is read.
        try Data(count: 4_194_305).write(to: URL(fileURLWithPath: envelopePath))
        let oversize = try Self.verifier(["attest", "verify", envelopePath, "--key", keyPath])
        #expect(oversize.status == 1)
        #expect((oversize.json?["reason"] as? String)?.contains("limit 4194304") == true)

        try Data("{\"payload\":".utf8).write(to: URL(fileURLWithPath: envelopePath))
        #expect(try Self.verifier(["attest", "verify", envelopePath, "--key", keyPath]).status == 1)
        #expect(try Self.verifier(["attest", "verify", envelopePath, "--key", "not-a-key"]).status == 2)
        #expect(try Self.verifier(["attest", "verify", "--key", keyPath]).status == 2)
    }

    /// The identity point as --key, base64url or in a PEM file: R = identity, S = 0 would fit
    /// every envelope under it, so the key itself is a usage error naming why.
    @Test func attestVerifyRefusesIdentityKey() throws {
        let directory = try Scratch.directory("attest-cli")
        let identity = [1] + [UInt8](repeating: 0, count: 31)
        let statement = try AttestationPredicate.pogoStatement(commitment: SHA256.hash([1]), verdict: .positive, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier))
        let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: statement.jsonBytes(),
                                    signatures: [.init(keyID: nil, bytes: identity + [UInt8](repeating: 0, count: 32))])
        let envelopePath = directory.appendingPathComponent("forged.json").path
        try Data(envelope.jsonBytes()).write(to: URL(fileURLWithPath: envelopePath))
        let pemPath = directory.appendingPathComponent("identity.pub").path
        let der = Hex.decode("302a300506032b6570032100")! + identity
        try Data("-----BEGIN PUBLIC KEY-----\n\(Base64.encode(der))\n-----END PUBLIC KEY-----\n".utf8).write(to: URL(fileURLWithPath: pemPath))
        for key in [Base64.encodeURLSafe(identity), pemPath] {
            let result = try Subprocess.run(Repository.binary, ["attest", "verify", envelopePath, "--key", key])
            #expect(result.status == 2, "\(result.stdout)")
            #expect(result.stderr.contains("small order 1"), "\(result.stderr)")
        }
    }
}
