import Foundation
import TestSupport
import Testing
@testable import Verification

/// The EIP-712 signatures of the running service, checked by eth-account
/// (tools/eip712_reference.py `check`): the typed data rebuilt from the documented types, the
/// digest, low s, and the signer recovered equal to the address /v1/keys publishes.
@Suite(.serialized)
struct EIP712ServiceTests {
    static let contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    static let settings = ["VERIFIER_EIP712_CHAIN_ID": "31337", "VERIFIER_EIP712_VERIFYING_CONTRACT": contract]

    /// The `eip712` entry of /v1/keys.
    static func published(_ service: ServiceProcess) throws -> [String: Any] {
        try #require(try Curl.get(service.url + "/v1/keys").json["eip712"] as? [String: Any])
    }

    /// Runs eth-account's check of one `eip712` object; the parsed result.
    static func ethAccountCheck(_ attestation: Any, kind: String, values: [String: Any], signer: String) throws -> [String: Any] {
        let request: [String: Any] = ["attestation": attestation, "kind": kind, "values": values, "signer": signer,
                                      "domain": ["chainId": 31337, "verifyingContract": contract]]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eip712-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: file))
        let checked = try Python.run("eip712_reference.py", ["check", file])
        guard let result = try? JSONSerialization.jsonObject(with: checked.output) as? [String: Any] else {
            throw ServiceTestError.failed("eip712_reference.py check: \(checked.stderr)")
        }
        return result
    }

    @Test func verdictsCarryAnEIP712SignatureThatEthAccountRecoversToThePublishedAddress() throws {
        let work = try Scratch.directory("eip712-pogo").path
        let bundlePath = try Tool.mine(into: work + "/mined")
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: Self.settings)
        let key = try Self.published(service)
        let address = try #require(key["address"] as? String)
        #expect(key["algorithm"] as? String == "secp256k1")
        let domain = try #require(key["domain"] as? [String: Any])
        #expect(domain["name"] as? String == "PoGO Verifier" && domain["version"] as? String == "1")
        #expect(domain["chainId"] as? String == "31337" && domain["verifyingContract"] as? String == Self.contract)
        let keyFile = work + "/var/secp256k1-signing-key.pem"
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let publicKeyHex = try #require(key["publicKey"] as? String)
        let publicKey = try #require(Hex.decode(String(publicKeyHex.dropFirst(2))))
        #expect(try KeyFile.readSecp256k1PrivateKey(keyFile).publicKey == publicKey)

        let id = try ProofBundle(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundlePath)))).commitmentDigest.hex
        #expect(try Curl.post(service.url + "/v1/pogo/bundles", file: bundlePath).status == 202)
        let job = try Curl.pollJob(service, id: id)
        #expect(job["status"] as? String == "verified", "job: \(job)")
        let report = try #require(job["report"] as? [String: Any])
        let eip712 = try #require(job["eip712"] as? [String: Any])
        #expect(eip712["signer"] as? String == address)
        let values: [String: Any] = ["commitment": id, "verdict": "positive", "mode": report["mode"] as Any,
                                     "beacon": report["beacon"] as Any, "beaconSource": "verifier"]
        let checked = try Self.ethAccountCheck(eip712, kind: "pogo", values: values, signer: address)
        #expect(checked["ok"] as? Bool == true, "\(checked)")

        // Another s (its last hex digit changed) recovers another address: the same check
        // refuses it, so it is not vacuous.
        var forged = eip712
        let signature = Array(try #require(eip712["signature"] as? String))
        var tampered = signature
        tampered[129] = tampered[129] == "0" ? "1" : "0"
        forged["signature"] = String(tampered)
        #expect(try Self.ethAccountCheck(forged, kind: "pogo", values: values, signer: address)["ok"] as? Bool == false)

        // Restarted on the same folder, the service loads its key: the same address.
        #expect(service.terminate() == 0)
        let restarted = try ServiceProcess(dataDirectory: work + "/var", environment: Self.settings)
        #expect(try Self.published(restarted)["address"] as? String == address)
        #expect(restarted.log.contains("event=eip712_key_loaded"))
    }

    @Test func scoresCarryAnEIP712SignatureOfTheFixedPointScore() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("eip712-poq").path + "/var",
                                         environment: Self.settings)
        let address = try #require(try Self.published(service)["address"] as? String)
        let prompt = "What is the capital of France?"
        let outputs = ["Paris is the capital of France.", "I like bananas."]
        let response = try Curl.post(service.url + "/v1/poq/scores", json: ["prompt": prompt, "outputs": outputs])
        #expect(response.status == 200, "\(response.text)")
        let identity = try #require((response.json["evaluator"] as? [String: Any])?["identity"] as? String)
        let scores = try #require(response.json["scores"] as? [[String: Any]])
        #expect(scores.count == 2)
        for entry in scores {
            let eip712 = try #require(entry["eip712"])
            let values: [String: Any] = ["pair": entry["outputDigest"] as Any, "score": entry["score"] as Any, "evaluator": identity]
            let checked = try Self.ethAccountCheck(eip712, kind: "poq", values: values, signer: address)
            #expect(checked["ok"] as? Bool == true, "\(checked)")
        }
    }
}
