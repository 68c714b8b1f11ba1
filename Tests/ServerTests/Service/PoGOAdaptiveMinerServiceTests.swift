import Foundation
import TestSupport
import Testing
@testable import Verification

/// A miner who adapts to the service over HTTP: re-encodes a bundle to draw new challenges,
/// commits a second time to a run, or picks the beacon. Real binary, curl.
@Suite(.serialized)
struct PoGOAdaptiveMinerServiceTests {
    /// The bundle at `path` as a JSON object.
    static func object(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Writes `object` with member order and number spelling of JSONSerialization (not the miner's).
    static func write(_ object: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
    }

    /// The bundle with step `step`'s claimed loss scaled by `factor`: a forgery at one step.
    static func forged(_ path: String, step: Int, factor: Double, to out: String) throws {
        var bundle = try object(path)
        var steps = try #require(bundle["steps"] as? [[String: Any]])
        steps[step - 1]["loss"] = try #require(steps[step - 1]["loss"] as? Double) * factor
        bundle["steps"] = steps
        try write(bundle, to: out)
    }

    @Test func reEncodingsOfOneCommitmentAreOneJobWithOneBeacon() throws {
        let work = try Scratch.directory("pogo-reencode").path
        let original = try Tool.mine(into: work + "/inline", steps: 3)
        let byURI = try Tool.mine(into: work + "/files", inline: false, steps: 3)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let spaced = work + "/spaced.json"
        try Data(bytes + Array(" \n".utf8)).write(to: URL(fileURLWithPath: spaced))
        // Sorted members, and every number written by another formatter: 0.1 as 0.10000000000000001, etc.
        let reordered = work + "/reordered.json"
        try Self.write(try Self.object(original), to: reordered)
        let respelled = work + "/respelled.json"
        let text = try String(contentsOfFile: original, encoding: .utf8).replacingOccurrences(of: "\"lr\":0.1", with: "\"lr\":1e-1")
        #expect(text != String(decoding: bytes, as: UTF8.self))
        try text.write(toFile: respelled, atomically: true, encoding: .utf8)

        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_WORKERS": "0"])
        let first = try Curl.post(service.url + "/v1/pogo/bundles", file: original)
        #expect(first.status == 202)
        let id = try ProofBundle(bytes: bytes).commitmentDigest.hex
        #expect(first.json["id"] as? String == id)
        for (name, path) in [("spaced", spaced), ("reordered", reordered), ("respelled", respelled), ("file URIs", byURI)] {
            let again = try Curl.post(service.url + "/v1/pogo/bundles", file: path)
            #expect(again.status == 200, "\(name): \(again.text)")
            #expect(again.json["id"] as? String == id && again.json["beacon"] as? String == first.json["beacon"] as? String, "\(name)")
            #expect(again.json["digest"] as? String == SHA256.hash(bytes).hex, "\(name): the first encoding is the one kept")
        }
        let metrics = try Curl.metrics(service, containing: ["pogo_jobs{state=\"queued\"} 1"])
        #expect(metrics.contains("pogo_jobs{state=\"queued\"} 1"))
    }

    @Test func secondCommitmentForARunIsRefusedWith409AndKeptAsEvidence() throws {
        let work = try Scratch.directory("pogo-equivocation").path
        let honest = try Tool.mine(into: work + "/mined", steps: 4)
        let other = work + "/other.json"
        try Self.forged(honest, step: 3, factor: 0.7, to: other)
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_WORKERS": "0"])
        let first = try Curl.post(service.url + "/v1/pogo/bundles", file: honest)
        let id = try #require(first.json["id"] as? String)
        let refused = try Curl.post(service.url + "/v1/pogo/bundles", file: other)
        #expect(refused.status == 409)
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(refused.json["job"] as? String == id && refused.json["location"] as? String == "/v1/pogo/bundles/" + id)
        #expect(refused.json["field"] as? String == "body")

        let job = try Curl.get(service.url + "/v1/pogo/bundles/" + id).json
        let otherBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: other)))
        let evidence = try #require(job["equivocations"] as? [[String: Any]])
        #expect(job["equivocationCount"] as? Int == 1 && evidence.count == 1)
        #expect(job["commitment"] as? String == id)
        #expect(evidence.first?["commitment"] as? String == (try ProofBundle(bytes: otherBytes)).commitmentDigest.hex)
        #expect(evidence.first?["digest"] as? String == SHA256.hash(otherBytes).hex)
        #expect((evidence.first?["submittedAt"] as? String)?.hasSuffix("Z") == true)
        // The refused commitment has no job of its own.
        #expect(try Curl.get(service.url + "/v1/pogo/bundles/" + ProofBundle(bytes: otherBytes).commitmentDigest.hex).status == 404)
    }

    @Test func chosenBeaconIsMarkedAndConfirmsOnlyWhenTheFinalizerNamesIt() throws {
        let work = try Scratch.directory("pogo-chosen-beacon").path
        let honest = try Tool.mine(into: work + "/mined", steps: 6)
        let forged = work + "/forged.json"
        try Self.forged(honest, step: 3, factor: 0.7, to: forged)
        let bundle = try ProofBundle(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: forged))))
        // The miner searches offline for a beacon whose challenges avoid the forged step.
        let beacon = try (0..<1000).lazy.map { SHA256.hash(Array("try \($0)".utf8)) }.first { candidate in
            let seed = ChallengeDerivation.challengeSeed(commitmentDigest: bundle.commitmentDigest, beacon: candidate)
            return try !ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: 6, count: 2).contains(3)
        }.map { $0 }
        let chosen = try #require(beacon)

        let service = try ServiceProcess(dataDirectory: work + "/var")
        let submitted = try Curl.post(service.url + "/v1/pogo/bundles?beacon=" + chosen.hex, file: forged)
        #expect(submitted.status == 202 && submitted.json["beaconSource"] as? String == "caller")
        let job = try Curl.pollJob(service, id: bundle.commitmentDigest.hex)
        // The verifier cannot tell: the forged step was not challenged. The attestation says who chose the beacon.
        #expect(job["status"] as? String == "verified", "job: \(job)")
        let envelope = try #require(job["attestation"])
        let predicate = try #require(try statement(of: envelope)["predicate"] as? [String: Any])
        #expect(predicate["beaconSource"] as? String == "caller" && predicate["beacon"] as? String == chosen.hex)

        let keys = try Curl.get(service.url + "/v1/keys").json["keys"] as? [[String: Any]] ?? []
        let publicKey = try #require(keys.first?["publicKey"] as? String)
        var request: [String: Any] = ["kind": "pogo", "subject": bundle.commitmentDigest.hex, "attestations": [envelope],
                                      "verifiers": [["publicKey": publicKey, "stake": 1]]]
        let unnamed = try Curl.post(service.url + "/v1/finalize", json: request).json
        #expect(unnamed["decision"] as? String == "undecided")
        #expect((unnamed["rejected"] as? [[String: Any]])?.first?["reason"] as? String == "unboundBeacon")
        request["beacon"] = SHA256.hash(Array("the block hash".utf8)).hex
        #expect(try Curl.post(service.url + "/v1/finalize", json: request).json["decision"] as? String == "undecided")
        // A chain that itself names this beacon (its block hash) accepts the attestation.
        request["beacon"] = chosen.hex
        #expect(try Curl.post(service.url + "/v1/finalize", json: request).json["decision"] as? String == "confirm")
    }

    @Test func nonFiniteMeasurementsEndInASignedRejectionNotAFailure() throws {
        let work = try Scratch.directory("pogo-nonfinite").path
        let honest = try Tool.mine(into: work + "/mined", steps: 4)
        var bundle = try Self.object(honest)
        var artifacts = try #require(bundle["artifacts"] as? [String: Any])
        var gradients = try #require(artifacts["gradients"] as? [[String: Any]])
        let encoded = try #require(gradients[2]["inline"] as? String)
        let path = work + "/grad-3.safetensors"
        try #require(Data(base64Encoded: encoded)).write(to: URL(fileURLWithPath: path))
        let gradient = try GradientArtifact.read(path: path)
        // Block 0 of step 3: scale 3e38, every code 7. The update overflows to -infinity and
        // theta_N's losses become NaN: measurements no JSON number can hold.
        var scales = gradient.scales, packed = gradient.packedCodes
        scales[0] = 3e38
        for i in 0..<32 { packed[i] = 0x77 }
        let tampered = try QuantizedGradient(parameterCount: gradient.parameterCount, scales: scales, packedCodes: packed)
        gradients[2]["inline"] = Data(GradientArtifact.encode(tampered)).base64EncodedString()
        artifacts["gradients"] = gradients
        bundle["artifacts"] = artifacts
        let forged = work + "/forged.json"
        try Self.write(bundle, to: forged)

        let service = try ServiceProcess(dataDirectory: work + "/var")
        let submitted = try Curl.post(service.url + "/v1/pogo/bundles", file: forged)
        let job = try Curl.pollJob(service, id: try #require(submitted.json["id"] as? String))
        #expect(job["status"] as? String == "rejected" && job["attempts"] as? Int == 1, "job: \(job)")
        #expect(job["attestation"] != nil)
        let report = try #require(job["report"] as? [String: Any])
        #expect((report["failedChecks"] as? [String])?.contains("replay.weightsRoots") == true)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self)
        #expect(text.contains("\"nan\""), "\(text.prefix(2000))")

        // The command line says "negative" (exit 1), not "could not complete" (exit 2).
        let verified = try Subprocess.run(Repository.binary, ["verify-bundle", forged, "--beacon", String(repeating: "5", count: 64)])
        #expect(verified.status == 1, "\(verified.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: verified.output) as? [String: Any])
        #expect(printed["verdict"] as? String == "negative")
    }

    @Test(arguments: ["0", "0.001"])
    func independentNumpyMinersBundlesVerifyThroughTheAPI(noise: String) throws {
        // Nothing honest breaks: tools/miner.py (numpy, float rounding of its own, optionally
        // TF32-like noise) through the service, with every step challenged.
        let work = try Scratch.directory("pogo-numpy-api").path
        let mined = try Python.run("miner.py", [
            "--arch", "mlp", "--hidden", "32", "--steps", "4",
            "--lr", "0.1", "--batch", "64", "--eval-batch", "256", "--seed", "5", "--block-seed", String(repeating: "cd", count: 32),
            "--out", work + "/mined", "--inline", "--noise", noise,
        ])
        #expect(mined.status == 0, "\(mined.stderr)")
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_CHALLENGED_STEPS": "4"])
        let submitted = try Curl.post(service.url + "/v1/pogo/bundles", file: work + "/mined/bundle.json")
        #expect(submitted.status == 202, "\(submitted.text)")
        let job = try Curl.pollJob(service, id: try #require(submitted.json["id"] as? String))
        #expect(job["status"] as? String == "verified", "job: \(job)")
        #expect((job["report"] as? [String: Any])?["stepsChecked"] as? [Int] != nil)
    }
}
