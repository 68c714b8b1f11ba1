import Foundation
import TestSupport
import Testing
import Verification

/// Issue 12 part 5 through the running service: the identity point as a key, and R = identity
/// under an honest key, neither make an attestation valid or a ballot count.
@Suite(.serialized)
struct WeakKeyServiceTests {
    /// The identity point (0, 1) as a raw public key.
    static let identity = [1] + [UInt8](repeating: 0, count: 31)

    /// A PoGO statement about `bundle` with `signature` as its only signature.
    static func envelope(bundle: Digest, verdict: PoGOVerdict, keyID: String, signature: (DSSEEnvelope) throws -> [UInt8]) throws -> Any {
        let payload = try AttestationPredicate.pogoStatement(commitment: bundle, verdict: verdict, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier)).jsonBytes()
        let unsigned = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: payload, signatures: [])
        let signed = DSSEEnvelope(payloadType: unsigned.payloadType, payload: payload,
                                  signatures: [.init(keyID: keyID, bytes: try signature(unsigned))])
        return try JSONSerialization.jsonObject(with: Data(signed.jsonBytes()))
    }

    /// R = identity, S = 0: under the identity key it fits every message.
    static func identityKeyForgery(_ envelope: DSSEEnvelope) -> [UInt8] {
        identity + [UInt8](repeating: 0, count: 32)
    }

    /// R = identity, S = h*a under the key of `seed`, from tools/ed25519_vectors.py identity-r.
    static func identityRForgery(seed: [UInt8]) -> (DSSEEnvelope) throws -> [UInt8] {
        { envelope in
            let file = try Scratch.directory("identity-r").path + "/pae"
            try Data(DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: envelope.payload)).write(to: URL(fileURLWithPath: file))
            let result = try Python.run("ed25519_vectors.py", ["identity-r", "--seed", Hex.encode(seed), "--message-file", file])
            guard result.status == 0, let signature = Hex.decode(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw ServiceTestError.failed("ed25519_vectors.py identity-r: \(result.stderr)") }
            return signature
        }
    }

    @Test func verifyRefusesIdentityKeyAndDoesNotAcceptIdentityR() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("weak-verify").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0"])
        let bundle = SHA256.hash(Array("nobody signed this".utf8))
        let forged = try Self.envelope(bundle: bundle, verdict: .positive, keyID: SHA256.hash(Self.identity).hex,
                                       signature: Self.identityKeyForgery)
        let refused = try Curl.post(service.url + "/v1/attestations/verify",
                                    json: ["envelope": forged, "publicKey": Base64.encodeURLSafe(Self.identity)])
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(refused.json["field"] as? String == "publicKey")
        #expect((refused.json["detail"] as? String)?.contains("small order 1") == true, "\(refused.text)")

        let seed = SHA256.hash(Array("weak-key-service-test".utf8)).bytes
        let honest = try SigningKey(seed: seed)
        let identityR = try Self.envelope(bundle: bundle, verdict: .positive, keyID: honest.keyID, signature: Self.identityRForgery(seed: seed))
        let checked = try Curl.post(service.url + "/v1/attestations/verify",
                                    json: ["envelope": identityR, "publicKey": honest.publicKey.base64URL])
        #expect(checked.status == 200 && checked.json["valid"] as? Bool == false, "\(checked.text)")
    }

    @Test func finalizeRefusesIdentityVerifierAndDoesNotCountIdentityR() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("weak-finalize").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0"])
        let bundle = SHA256.hash(Array("a bundle".utf8))
        let seed = SHA256.hash(Array("weak-key-service-test".utf8)).bytes
        let honest = try SigningKey(seed: seed), other = SigningKey.generate()

        let forged = try Self.envelope(bundle: bundle, verdict: .positive, keyID: SHA256.hash(Self.identity).hex,
                                       signature: Self.identityKeyForgery)
        let refused = try Curl.post(service.url + "/v1/finalize", json: [
            "kind": "pogo", "subject": bundle.hex, "attestations": [forged],
            "verifiers": [["publicKey": honest.publicKey.base64URL, "stake": 1], ["publicKey": Base64.encodeURLSafe(Self.identity), "stake": 9]],
        ])
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(refused.json["field"] as? String == "verifiers[1].publicKey")

        // The honest key holds 2/3 of the stake: its ballot alone would confirm, so it must not count.
        let identityR = try Self.envelope(bundle: bundle, verdict: .positive, keyID: honest.keyID, signature: Self.identityRForgery(seed: seed))
        let decided = try Curl.post(service.url + "/v1/finalize", json: [
            "kind": "pogo", "subject": bundle.hex, "attestations": [identityR],
            "verifiers": [["publicKey": honest.publicKey.base64URL, "stake": 2], ["publicKey": other.publicKey.base64URL, "stake": 1]],
        ])
        #expect(decided.status == 200, "\(decided.text)")
        #expect(decided.json["decision"] as? String == "undecided", "\(decided.text)")
        #expect((decided.json["rejected"] as? [[String: Any]])?.first?["reason"] as? String == "badSignature")
    }
}
