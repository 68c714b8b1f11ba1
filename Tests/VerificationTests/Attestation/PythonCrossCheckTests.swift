import Foundation
import TestSupport
import Testing
import Verification

/// Checks the Swift DSSE/Ed25519 code against tools/dsse_verify.py (pyca/cryptography with its own PAE).
struct PythonCrossCheckTests {
    static let script = "dsse_verify.py"

    @Test func pythonVerifiesEnvelopeSignedBySwift() throws {
        let directory = try Scratch.directory("attest")
        let key = SigningKey.generate()
        let statement = try InTotoStatement(subjects: [.init(name: "bundle", sha256: SHA256.hash([1, 2, 3]))],
                                            predicateType: PredicateType.pogoAttestation, predicate: ["verdict": "positive"])
        let envelope = statement.signed(by: key)
        let path = directory.appendingPathComponent("envelope.json").path
        try Data(envelope.jsonBytes()).write(to: URL(fileURLWithPath: path))
        let result = try Python.run(Self.script, ["verify", path, "--public-key", Hex.encode(key.publicKey.rawBytes),
                                                        "--payload-type", InTotoStatement.payloadType])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("\"payloadSha256\": \"\(SHA256.hash(statement.jsonBytes()).hex)\""))
        #expect(result.stdout.contains("\"keyid\": \"\(key.keyID)\""))

        var tampered = envelope.payload
        tampered[tampered.count / 2] ^= 0x01
        let forged = DSSEEnvelope(payloadType: envelope.payloadType, payload: tampered, signatures: envelope.signatures)
        try Data(forged.jsonBytes()).write(to: URL(fileURLWithPath: path))
        let rejected = try Python.run(Self.script, ["verify", path, "--public-key", Hex.encode(key.publicKey.rawBytes)])
        #expect(rejected.status == 1, "\(rejected.stdout) \(rejected.stderr)")
    }

    @Test func swiftVerifiesEnvelopeSignedByPython() throws {
        let directory = try Scratch.directory("attest")
        let vector = RFC8032Vector.all[1]
        let payload = Array("payload signed in Python, with bytes \u{00}\u{FF} and \"quotes\"".utf8)
        let payloadPath = directory.appendingPathComponent("payload").path
        try Data(payload).write(to: URL(fileURLWithPath: payloadPath))
        let result = try Python.run(Self.script, ["sign", "--seed", vector.secretKey,
                                                        "--payload-type", InTotoStatement.payloadType, "--payload-file", payloadPath])
        #expect(result.status == 0, "\(result.stderr)")
        let envelope = try DSSEEnvelope(json: Array(result.stdout.utf8))
        let publicKey = try PublicKey(rawBytes: Hex.decode(vector.publicKey)!)
        #expect(envelope.verify(trustedKeys: [publicKey], expectedPayloadType: InTotoStatement.payloadType)
            == .valid(keyID: publicKey.keyID, payload: payload))
        // And Python's signature is byte-identical to Swift's over the same PAE (Ed25519 is deterministic).
        let swift = DSSEEnvelope.sign(payload: payload, payloadType: InTotoStatement.payloadType, key: try vector.signingKey())
        #expect(envelope.signatures == swift.signatures)
    }

    @Test func pythonLoadsPEMFilesWrittenBySwift() throws {
        let directory = try Scratch.directory("attest")
        let key = SigningKey.generate()
        let privatePath = directory.appendingPathComponent("signing.pem").path
        try KeyFile.writePrivateKey(key, to: privatePath)
        let fromPrivate = try Python.run(Self.script, ["pem-public", privatePath])
        #expect(fromPrivate.status == 0, "\(fromPrivate.stderr)")
        #expect(fromPrivate.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(key.publicKey.rawBytes))
        let publicPath = directory.appendingPathComponent("signing.pub").path
        try Data(key.publicKey.pem.utf8).write(to: URL(fileURLWithPath: publicPath))
        let fromPublic = try Python.run(Self.script, ["pem-public", publicPath])
        #expect(fromPublic.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(key.publicKey.rawBytes))
    }
}
