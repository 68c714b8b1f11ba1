import Foundation
import TestSupport
import Testing
@testable import Verification

/// PoQ scoring, attestation checks and finalization through the running service.
@Suite(.serialized)
struct PoQAndFinalizationServiceTests {
    /// The bundled model's identity (docs/protocol-parts/poq.md, worked example).
    static let bundledEvaluator = "poq/1 similarity sha256:e8b14687d0842b6b065769ec205b1c9f95f9fda7b87636e875c676949e19c52d"

    @Test func scoresABatchWithOneSignedAttestationPerOutput() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("poq").path + "/var")
        let prompt = "What is the capital of France?"
        let outputs = ["Paris is the capital of France.", "I like bananas.", "Die Hauptstadt ist Paris."]
        let response = try Curl.post(service.url + "/v1/poq/scores", json: ["prompt": prompt, "outputs": outputs])
        #expect(response.status == 200, "\(response.text)")
        let evaluator = try #require(response.json["evaluator"] as? [String: Any])
        #expect(evaluator["mode"] as? String == "similarity")
        // The bundled model's identity and weights root (docs/protocol-parts/poq.md, worked example).
        #expect(evaluator["identity"] as? String == Self.bundledEvaluator)
        #expect(evaluator["weightsRoot"] as? String == "dfe6d6ec233a111b4cb7c2ee6465f7f5c10fce4b564d48463c278c8148914950")
        let scores = try #require(response.json["scores"] as? [[String: Any]])
        #expect(scores.map { $0["index"] as? Int } == [0, 1, 2])
        let values = scores.compactMap { $0["score"] as? Double }
        #expect(values.count == 3 && values.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(values[0] > values[1])

        let keys = try Curl.get(service.url + "/v1/keys").json["keys"] as? [[String: Any]] ?? []
        let publicKeyHex = hexOfBase64URL(try #require(keys.first?["publicKey"] as? String))
        for (entry, output) in zip(scores, outputs) {
            let envelope = try #require(entry["attestation"])
            #expect(try Tool.pythonVerify(envelope: envelope, publicKeyHex: publicKeyHex)["valid"] as? Bool == true)
            let expected = try Self.pythonPairDigest(prompt: prompt, output: output)
            #expect(entry["outputDigest"] as? String == expected)
            let signed = try statement(of: envelope)
            let subject = (signed["subject"] as? [[String: Any]])?.first
            #expect(subject?["name"] as? String == "poq-output")
            #expect((subject?["digest"] as? [String: String])?["sha256"] == expected)
            #expect(signed["predicateType"] as? String == PredicateType.poqScore)
            let predicate = try #require(signed["predicate"] as? [String: Any])
            #expect(predicate["score"] as? Double == entry["score"] as? Double)
        }
    }

    /// The pair digest computed by Python's hashlib from the definition in docs/protocol-parts/poq.md.
    static func pythonPairDigest(prompt: String, output: String) throws -> String {
        let script = """
        import hashlib, sys
        p, o = sys.argv[1].encode(), sys.argv[2].encode()
        print(hashlib.sha256(b"poq/1/pair" + hashlib.sha256(p).digest() + hashlib.sha256(o).digest()).hexdigest())
        """
        let result = try Subprocess.run(try Python.interpreter(), ["-c", script, prompt, output])
        guard result.status == 0 else { throw ServiceTestError.failed(result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func finalizesConfirmSlashAndUndecidedFromThreeKeys() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("finalize").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0"])
        let keys = (0..<3).map { _ in SigningKey.generate() }
        let stakes = [4, 3, 2]
        let bundle = SHA256.hash(Array("a bundle".utf8))
        let verifiers = zip(keys, stakes).map { ["publicKey": $0.publicKey.base64URL, "stake": $1] as [String: Any] }
        func attestation(_ key: SigningKey, _ verdict: PoGOVerdict) throws -> Any {
            let envelope = try AttestationPredicate.pogoStatement(commitment: bundle, verdict: verdict, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier)).signed(by: key)
            return try JSONSerialization.jsonObject(with: Data(envelope.jsonBytes()))
        }
        func decide(_ votes: [(Int, PoGOVerdict)]) throws -> [String: Any] {
            let body: [String: Any] = ["kind": "pogo", "subject": bundle.hex, "verifiers": verifiers,
                                       "attestations": try votes.map { try attestation(keys[$0.0], $0.1) }]
            let response = try Curl.post(service.url + "/v1/finalize", json: body)
            #expect(response.status == 200, "\(response.text)")
            return response.json
        }
        // 9/9 positive >= 2/3: confirm.
        #expect(try decide([(0, .positive), (1, .positive), (2, .positive)])["decision"] as? String == "confirm")
        // 7/9 negative >= 1/3 and 2/9 positive < 2/3: slash.
        #expect(try decide([(0, .negative), (1, .negative), (2, .positive)])["decision"] as? String == "slash")
        // 2/9 positive, nothing negative: undecided.
        let undecided = try decide([(2, .positive)])
        #expect(undecided["decision"] as? String == "undecided")
        #expect((undecided["stake"] as? [String: Any])?["abstained"] as? Int == 7)

        // PoQ: stake-weighted median with the outlier listed. Scores name the evaluator the
        // service loaded, which a request that names none requires.
        let output = SHA256.hash(Array("an output".utf8))
        func score(_ key: SigningKey, _ value: Double, evaluator: String? = Self.bundledEvaluator) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(
                AttestationPredicate.poqStatement(output: output, score: value, evaluator: evaluator).signed(by: key).jsonBytes()))
        }
        var poq: [String: Any] = [
            "kind": "poq", "subject": output.hex, "verifiers": verifiers,
            "attestations": try zip(keys, [0.8, 0.75, 0.1]).map { try score($0, $1) },
        ]
        let consensus = try Curl.post(service.url + "/v1/finalize", json: poq)
        #expect(consensus.status == 200, "\(consensus.text)")
        #expect(consensus.json["decision"] as? String == "scored")
        #expect(consensus.json["consensus"] as? Double == 0.75)
        #expect(consensus.json["evaluator"] as? String == Self.bundledEvaluator)
        #expect((consensus.json["outliers"] as? [[String: Any]])?.first?["keyId"] as? String == keys[2].keyID)

        // Scores by another evaluator, or naming none, are not comparable: rejected unless the
        // request names that evaluator.
        let other = "poq/1 similarity sha256:" + SHA256.hash(Array("another evaluator".utf8)).hex
        poq["attestations"] = [try score(keys[0], 0.2, evaluator: other), try score(keys[1], 0.2, evaluator: nil), try score(keys[2], 0.9)]
        let mixed = try Curl.post(service.url + "/v1/finalize", json: poq).json
        let reasons = (mixed["rejected"] as? [[String: Any]])?.map { "\($0["index"]!) \($0["reason"]!)" }
        #expect(reasons == ["0 wrongEvaluator", "1 wrongEvaluator"])
        #expect(mixed["decision"] as? String == "undecided" && mixed["voters"] as? Int == 1)
        poq["evaluator"] = other
        let named = try Curl.post(service.url + "/v1/finalize", json: poq).json
        #expect(named["evaluator"] as? String == other && named["voters"] as? Int == 1)
        #expect((named["votes"] as? [[String: Any]])?.first?["keyId"] as? String == keys[0].keyID)
        poq["evaluator"] = "poq/1 similarity sha256:ABC"
        let refused = try Curl.post(service.url + "/v1/finalize", json: poq)
        #expect(refused.status == 422 && refused.json["field"] as? String == "evaluator")

        // A stake of zero is refused naming the field.
        let bad = try Curl.post(service.url + "/v1/finalize", json: [
            "kind": "pogo", "subject": bundle.hex, "verifiers": [["publicKey": keys[0].publicKey.base64URL, "stake": 0]],
            "attestations": [],
        ])
        #expect(bad.status == 422 && bad.json["field"] as? String == "verifiers[0].stake")
    }

    @Test func configuredThresholdsApplyWhenTheRequestNamesNone() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("thresholds").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0", "VERIFIER_CONFIRM_THRESHOLD": "0.5",
                                                       "VERIFIER_QUORUM": "0.5"])
        let key = SigningKey.generate(), other = SigningKey.generate()
        let bundle = SHA256.hash(Array("b".utf8))
        let envelope = try JSONSerialization.jsonObject(with: Data(
            AttestationPredicate.pogoStatement(commitment: bundle, verdict: .positive, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier)).signed(by: key).jsonBytes()))
        var body: [String: Any] = [
            "kind": "pogo", "subject": bundle.hex, "attestations": [envelope],
            "verifiers": [["publicKey": key.publicKey.base64URL, "stake": 1], ["publicKey": other.publicKey.base64URL, "stake": 1]],
        ]
        // 1/2 positive meets the configured 0.5 but not the request's own 2/3.
        #expect(try Curl.post(service.url + "/v1/finalize", json: body).json["decision"] as? String == "confirm")
        body["thresholds"] = ["confirm": 0.75]
        #expect(try Curl.post(service.url + "/v1/finalize", json: body).json["decision"] as? String == "undecided")

        // PoQ: one of two equal stakes voting meets the configured quorum of 0.5, not the default 2/3.
        let output = SHA256.hash(Array("o".utf8))
        let score = try JSONSerialization.jsonObject(with: Data(
            AttestationPredicate.poqStatement(output: output, score: 0.25, evaluator: Self.bundledEvaluator).signed(by: key).jsonBytes()))
        var poq: [String: Any] = ["kind": "poq", "subject": output.hex, "attestations": [score], "verifiers": body["verifiers"]!]
        let quorate = try Curl.post(service.url + "/v1/finalize", json: poq).json
        #expect(quorate["decision"] as? String == "scored" && quorate["consensus"] as? Double == 0.25)
        poq["thresholds"] = ["quorum": 0.75]
        let short = try Curl.post(service.url + "/v1/finalize", json: poq)
        #expect(short.status == 200 && short.json["decision"] as? String == "undecided" && short.json["consensus"] is NSNull)
    }

    @Test func verifiesAttestationsAgainstASuppliedKeyAndRefusesMalformedOnes() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("verify").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0"])
        let key = SigningKey.generate()
        let envelope = try JSONSerialization.jsonObject(with: Data(
            AttestationPredicate.pogoStatement(commitment: SHA256.hash([1]), verdict: .negative, beacon: ChallengeBeacon(SHA256.hash([7]), source: .verifier)).signed(by: key).jsonBytes()))
        let notOurs = try Curl.post(service.url + "/v1/attestations/verify", json: ["envelope": envelope])
        #expect(notOurs.status == 200 && notOurs.json["valid"] as? Bool == false && notOurs.json["reason"] != nil)
        let supplied = try Curl.post(service.url + "/v1/attestations/verify",
                                     json: ["envelope": envelope, "publicKey": key.publicKey.base64URL])
        #expect(supplied.json["valid"] as? Bool == true && supplied.json["keyId"] as? String == key.keyID)
        let statement = try #require(supplied.json["statement"] as? [String: Any])
        #expect((statement["predicate"] as? [String: Any])?["verdict"] as? String == "negative")
        let malformed = try Curl.post(service.url + "/v1/attestations/verify", json: ["envelope": ["payloadType": "x"]])
        #expect(malformed.status == 422 && malformed.json["field"] as? String == "envelope.payload")
        #expect(malformed.headers["content-type"] == "application/problem+json")
        #expect(try Curl.post(service.url + "/v1/attestations/verify", json: ["envelope": "x"]).json["field"] as? String == "envelope")
        #expect(try Curl.post(service.url + "/v1/attestations/verify", json: ["envelope": envelope, "key": "k"]).json["field"] as? String == "key")

        // A body that repeats a key is not JSON this service reads (which "envelope" would it be?).
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["envelope": envelope]), as: UTF8.self)
        let file = try Scratch.directory("verify-body").path + "/repeated.json"
        try Data(("{\"envelope\":{}," + body.dropFirst()).utf8).write(to: URL(fileURLWithPath: file))
        let repeated = try Curl.post(service.url + "/v1/attestations/verify", file: file)
        #expect(repeated.status == 400 && repeated.json["field"] as? String == "body", "\(repeated.text)")
    }
}
