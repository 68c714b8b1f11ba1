import Foundation
import TestSupport
import Testing
@testable import Verification

/// End to end over real sockets: the real binary, curl, and an independent Python DSSE verifier.
@Suite(.serialized)
struct PoGOServiceTests {
    @Test func honestBundleIsVerifiedAndItsAttestationChecksIndependently() throws {
        let work = try Scratch.directory("pogo-honest").path
        let bundlePath = try Tool.mine(into: work + "/mined")
        let service = try ServiceProcess(dataDirectory: work + "/var")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundlePath)))
        let id = try ProofBundle(bytes: bytes).commitmentDigest.hex

        let submitted = try Curl.post(service.url + "/v1/pogo/bundles", file: bundlePath)
        #expect(submitted.status == 202)
        #expect(submitted.headers["location"] == "/v1/pogo/bundles/" + id)
        #expect(submitted.json["id"] as? String == id && submitted.json["commitment"] as? String == id)
        #expect(submitted.json["digest"] as? String == SHA256.hash(bytes).hex)
        #expect(submitted.json["beaconSource"] as? String == "verifier")
        let beacon = try #require(submitted.json["beacon"] as? String)
        #expect(beacon.count == 64)

        let job = try Curl.pollJob(service, id: id)
        #expect(job["status"] as? String == "verified", "job: \(job)")
        #expect(job["attempts"] as? Int == 1)
        let report = try #require(job["report"] as? [String: Any])
        #expect(report["verdict"] as? String == "positive")
        #expect(report["beacon"] as? String == beacon)
        let envelope = try #require(job["attestation"])

        let keys = try Curl.get(service.url + "/v1/keys").json["keys"] as? [[String: Any]] ?? []
        let publicKey = try #require(keys.first?["publicKey"] as? String)
        let checked = try Tool.pythonVerify(envelope: envelope, publicKeyHex: hexOfBase64URL(publicKey))
        #expect(checked["valid"] as? Bool == true)
        #expect(checked["keyid"] as? String == keys.first?["keyId"] as? String)
        let signed = try statement(of: envelope)
        let subject = (signed["subject"] as? [[String: Any]])?.first
        #expect((subject?["digest"] as? [String: String])?["sha256"] == id)
        #expect(subject?["name"] as? String == "pogo-commitment")
        let predicate = signed["predicate"] as? [String: Any]
        #expect(predicate?["verdict"] as? String == "positive" && predicate?["mode"] as? String == "full")
        #expect(predicate?["beaconSource"] as? String == "verifier" && predicate?["beacon"] as? String == beacon)
        #expect(predicate?["bundleDigest"] as? String == SHA256.hash(bytes).hex)
        #expect(signed["predicateType"] as? String == PredicateType.pogoAttestation)

        // The service's own check agrees.
        let verified = try Curl.post(service.url + "/v1/attestations/verify", json: ["envelope": envelope])
        #expect(verified.status == 200 && verified.json["valid"] as? Bool == true)

        let metrics = try Curl.metrics(service, containing: ["pogo_jobs{state=\"verified\"} 1"])
        #expect(metrics.contains("pogo_jobs{state=\"verified\"} 1"))
        #expect(metrics.contains("http_requests_total{route=\"/v1/pogo/bundles/{id}\",method=\"GET\",status=\"200\"}"))
        #expect(metrics.contains("pogo_verification_duration_seconds_count 1"))
        #expect(metrics.contains("http_request_duration_seconds_count{route=\"/v1/pogo/bundles\",status=\"202\"} 1"))
    }

    @Test func sameBytesTwiceGiveOneJobAndKeepTheFirstBeacon() throws {
        let work = try Scratch.directory("pogo-twice").path
        let bundlePath = try Tool.mine(into: work + "/mined", steps: 2)
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_WORKERS": "0"])
        let first = String(repeating: "1", count: 64), second = String(repeating: "2", count: 64)
        let a = try Curl.post(service.url + "/v1/pogo/bundles?beacon=" + first, file: bundlePath)
        let b = try Curl.post(service.url + "/v1/pogo/bundles?beacon=" + second, file: bundlePath)
        #expect(a.status == 202 && b.status == 200)
        #expect(a.json["id"] as? String == b.json["id"] as? String)
        #expect(b.json["beacon"] as? String == first)
        #expect(b.headers["location"] == a.headers["location"])
        let metrics = try Curl.metrics(service, containing: ["pogo_jobs{state=\"queued\"} 1", "pogo_queue_depth 1"])
        #expect(metrics.contains("pogo_jobs{state=\"queued\"} 1"))
        #expect(metrics.contains("pogo_queue_depth 1"))
        let poll = try Curl.get(service.url + a.headers["location"]!)
        #expect(poll.json["status"] as? String == "queued" && poll.headers["retry-after"] == "1")
    }

    @Test func forgedBundleIsRejectedNamingTheFailingCheck() throws {
        let work = try Scratch.directory("pogo-forged").path
        let honest = try Tool.mine(into: work + "/mined", steps: 3)
        var bundle = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: honest))) as? [String: Any])
        var evaluation = try #require(bundle["evaluation"] as? [String: Any])
        // Claims a better final loss than the weights reach.
        evaluation["finalLoss"] = ((evaluation["finalLoss"] as? Double) ?? 2) * 0.5
        bundle["evaluation"] = evaluation
        let forged = work + "/forged.json"
        try JSONSerialization.data(withJSONObject: bundle).write(to: URL(fileURLWithPath: forged))
        let service = try ServiceProcess(dataDirectory: work + "/var")
        let submitted = try Curl.post(service.url + "/v1/pogo/bundles", file: forged)
        #expect(submitted.status == 202)
        let job = try Curl.pollJob(service, id: try #require(submitted.json["id"] as? String))
        #expect(job["status"] as? String == "rejected", "job: \(job)")
        let report = try #require(job["report"] as? [String: Any])
        #expect((report["failedChecks"] as? [String])?.contains("progress.publicFinalLoss") == true)
        let signed = try statement(of: try #require(job["attestation"]))
        let predicate = try #require(signed["predicate"] as? [String: Any])
        #expect(predicate["verdict"] as? String == "negative")
        #expect((predicate["failedChecks"] as? [String])?.contains("progress.publicFinalLoss") == true)
        // A negative verdict is signed too, and checks independently.
        let keys = try Curl.get(service.url + "/v1/keys").json["keys"] as? [[String: Any]] ?? []
        let publicKey = try #require(keys.first?["publicKey"] as? String)
        #expect(try Tool.pythonVerify(envelope: try #require(job["attestation"]), publicKeyHex: hexOfBase64URL(publicKey))["valid"] as? Bool == true)
    }

    @Test func heartbeatKeepsTheLeaseThroughAJobLongerThanTheLease() throws {
        let work = try Scratch.directory("pogo-heartbeat").path
        let bundlePath = try Tool.mine(into: work + "/mined", steps: 2)
        // Two workers: had the lease lapsed, the idle one would have claimed the job again.
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: [
            "VERIFIER_WORKERS": "2", "VERIFIER_LEASE_SECONDS": "1", "VERIFIER_WORKER_START_DELAY_MS": "3000",
        ])
        let submitted = try Curl.post(service.url + "/v1/pogo/bundles", file: bundlePath)
        let job = try Curl.pollJob(service, id: try #require(submitted.json["id"] as? String), timeout: 30)
        #expect(job["status"] as? String == "verified" && job["attempts"] as? Int == 1, "job: \(job)")
        #expect(!service.log.contains("event=lease_lost"))
    }

    @Test func twoProcessesOnOneStoreShareTheQueueWithoutDuplicates() throws {
        let work = try Scratch.directory("pogo-replicas").path
        let bundles = try (1...3).map { try Tool.mine(into: work + "/mined-\($0)", steps: 2, seed: $0) }
        let data = work + "/var"
        let first = try ServiceProcess(dataDirectory: data, environment: ["VERIFIER_WORKER_START_DELAY_MS": "300"])
        let second = try ServiceProcess(dataDirectory: data, environment: ["VERIFIER_WORKER_START_DELAY_MS": "300"])
        var ids: [String] = []
        for (index, path) in bundles.enumerated() {
            // Either replica takes submissions and answers polls for any job.
            let replica = index % 2 == 0 ? first : second
            ids.append(try #require(try Curl.post(replica.url + "/v1/pogo/bundles", file: path).json["id"] as? String))
        }
        for id in ids {
            let job = try Curl.pollJob(first, id: id, timeout: 30)
            #expect(job["status"] as? String == "verified" && job["attempts"] as? Int == 1, "job: \(job)")
        }
        let claims = (first.log + second.log).components(separatedBy: "event=job_claimed").count - 1
        #expect(claims == 3)
    }

    @Test func jobSurvivesSigkillMidVerificationAndCompletesAfterRestart() throws {
        let work = try Scratch.directory("pogo-kill").path
        let bundlePath = try Tool.mine(into: work + "/mined", steps: 2)
        let data = work + "/var"
        // The delay holds the job in "running" long enough to kill the process mid-job.
        let first = try ServiceProcess(dataDirectory: data, environment: [
            "VERIFIER_WORKER_START_DELAY_MS": "60000", "VERIFIER_LEASE_SECONDS": "1",
        ])
        let submitted = try Curl.post(first.url + "/v1/pogo/bundles", file: bundlePath)
        #expect(submitted.status == 202)
        let id = try #require(submitted.json["id"] as? String)
        _ = try Curl.pollJob(first, id: id, timeout: 20) { $0 == "running" }
        first.killHard()

        let second = try ServiceProcess(dataDirectory: data, environment: ["VERIFIER_LEASE_SECONDS": "1"])
        let job = try Curl.pollJob(second, id: id, timeout: 30)
        #expect(job["status"] as? String == "verified", "job: \(job)")
        #expect(job["attempts"] as? Int == 2)
        #expect(job["beacon"] as? String == submitted.json["beacon"] as? String)
        #expect(second.terminate() == 0)
    }

    @Test func fileArtifactsVerifyWhenAllowedAndFailAfterRetriesWhenNot() throws {
        let work = try Scratch.directory("pogo-files").path
        let bundlePath = try Tool.mine(into: work + "/mined", inline: false, steps: 2)
        let refused = try ServiceProcess(dataDirectory: work + "/refused", environment: ["VERIFIER_MAX_ATTEMPTS": "2"])
        let a = try Curl.post(refused.url + "/v1/pogo/bundles", file: bundlePath)
        let failed = try Curl.pollJob(refused, id: try #require(a.json["id"] as? String))
        #expect(failed["status"] as? String == "failed")
        #expect(failed["attempts"] as? Int == 2)
        #expect((failed["error"] as? String)?.contains("file URIs are not allowed") == true)
        #expect(failed["attestation"] == nil)

        let allowed = try ServiceProcess(dataDirectory: work + "/allowed", environment: ["VERIFIER_ALLOW_FILE_ARTIFACTS": "true",
                                                                                         "VERIFIER_ARTIFACT_ROOT": work + "/mined"])
        let b = try Curl.post(allowed.url + "/v1/pogo/bundles", file: bundlePath)
        let verified = try Curl.pollJob(allowed, id: try #require(b.json["id"] as? String))
        #expect(verified["status"] as? String == "verified", "job: \(verified)")
    }
}
