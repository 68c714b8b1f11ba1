import Foundation
import TestSupport
import Testing
@testable import Verification

/// Every request limit at N (accepted) and N + 1 (refused, naming the field and the limit),
/// and the error contract of the bundle routes.
@Suite(.serialized)
struct ServiceLimitTests {
    @Test func bundleBodyLimitAcceptsNAndRefusesNPlusOne() throws {
        let work = try Scratch.directory("limits-bundle").path
        let bundlePath = try Tool.mine(into: work + "/mined", steps: 1)
        let size = try Data(contentsOf: URL(fileURLWithPath: bundlePath)).count
        let atLimit = try ServiceProcess(dataDirectory: work + "/a",
                                         environment: ["VERIFIER_WORKERS": "0", "VERIFIER_MAX_BUNDLE_BYTES": String(size)])
        #expect(try Curl.post(atLimit.url + "/v1/pogo/bundles", file: bundlePath).status == 202)
        let below = try ServiceProcess(dataDirectory: work + "/b",
                                       environment: ["VERIFIER_WORKERS": "0", "VERIFIER_MAX_BUNDLE_BYTES": String(size - 1)])
        let refused = try Curl.post(below.url + "/v1/pogo/bundles", file: bundlePath)
        #expect(refused.status == 413)
        #expect(refused.json["limit"] as? Int == size - 1 && refused.json["field"] as? String == "body")
    }

    @Test func verifyAndFinalizeBodyLimitsAcceptNAndRefuseNPlusOne() throws {
        let limit = 2_048
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("limits-bodies").path + "/var", environment: [
            "VERIFIER_WORKERS": "0", "VERIFIER_MAX_VERIFY_BYTES": String(limit), "VERIFIER_MAX_FINALIZE_BYTES": String(limit),
        ])
        for route in ["/v1/attestations/verify", "/v1/finalize"] {
            let work = try Scratch.directory("body").path
            for size in [limit, limit + 1] {
                // A JSON string padded so the whole body has exactly `size` bytes.
                let skeleton = #"{"envelope":{"payload":"","payloadType":"","signatures":[{"sig":""}]}}"#
                let body = skeleton.replacingOccurrences(of: #""payloadType":"""#,
                                                         with: #""payloadType":""# + String(repeating: "x", count: size - skeleton.utf8.count) + "\"")
                #expect(body.utf8.count == size)
                let file = work + "/\(size).json"
                try body.write(toFile: file, atomically: true, encoding: .utf8)
                let response = try Curl.post(service.url + route, file: file)
                if size == limit {
                    #expect(response.status != 413, "\(route) refused \(size) bytes")
                } else {
                    #expect(response.status == 413 && response.json["limit"] as? Int == limit && response.json["field"] as? String == "body")
                }
            }
        }
    }

    @Test func bundleRoutesAnswerProblemsNamingTheField() throws {
        let work = try Scratch.directory("limits-errors").path
        let bundlePath = try Tool.mine(into: work + "/mined", steps: 1)
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_WORKERS": "0"])
        let badBeacon = try Curl.post(service.url + "/v1/pogo/bundles?beacon=abc", file: bundlePath)
        #expect(badBeacon.status == 400 && badBeacon.json["field"] as? String == "beacon")
        let notJSON = try Curl.run(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "not json",
                                    service.url + "/v1/pogo/bundles"])
        #expect(notJSON.status == 400 && notJSON.headers["content-type"] == "application/problem+json")
        // curl's default for --data-binary is a form; a JSON route refuses it from the head.
        let form = try Curl.run(["-X", "POST", "--data-binary", "{}", service.url + "/v1/pogo/bundles"])
        #expect(form.status == 415 && form.headers["content-type"] == "application/problem+json"
            && form.json["field"] as? String == "Content-Type")
        let invalid = try Curl.post(service.url + "/v1/pogo/bundles", json: ["protocol": "pogo/2"])
        #expect(invalid.status == 422 && invalid.json["field"] as? String == "protocol")
        for key in ["type", "title", "status", "detail"] { #expect(invalid.json[key] != nil) }
        let unknown = try Curl.get(service.url + "/v1/pogo/bundles/" + String(repeating: "0", count: 64))
        #expect(unknown.status == 404)
        let malformed = try Curl.get(service.url + "/v1/pogo/bundles/xyz")
        #expect(malformed.status == 400 && malformed.json["field"] as? String == "id")
    }

    @Test func poqLimitsAcceptNAndRefuseNPlusOne() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("limits-poq").path + "/var", environment: [
            "VERIFIER_WORKERS": "0", "VERIFIER_POQ_MAX_OUTPUTS": "2", "VERIFIER_POQ_MAX_TEXT_CHARS": "8",
        ])
        let url = service.url + "/v1/poq/scores"
        #expect(try Curl.post(url, json: ["prompt": "12345678", "outputs": ["a", "12345678"]]).status == 200)
        // Characters, not bytes: eight 4-byte scalars are within the limit.
        #expect(try Curl.post(url, json: ["prompt": String(repeating: "\u{1F600}", count: 8), "outputs": ["a"]]).status == 200)
        let tooMany = try Curl.post(url, json: ["prompt": "p", "outputs": ["a", "b", "c"]])
        #expect(tooMany.status == 422 && tooMany.json["field"] as? String == "outputs" && tooMany.json["limit"] as? Int == 2)
        let longPrompt = try Curl.post(url, json: ["prompt": "123456789", "outputs": ["a"]])
        #expect(longPrompt.status == 422 && longPrompt.json["field"] as? String == "prompt" && longPrompt.json["limit"] as? Int == 8)
        let longOutput = try Curl.post(url, json: ["prompt": "p", "outputs": ["a", "123456789"]])
        #expect(longOutput.status == 422 && longOutput.json["field"] as? String == "outputs[1]")
        let none = try Curl.post(url, json: ["prompt": "p", "outputs": []])
        #expect(none.status == 422 && none.json["field"] as? String == "outputs")
    }

    @Test func readinessReportsEachCheckAndHealthStaysUp() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("ready").path + "/var",
                                         environment: ["VERIFIER_MODEL_DIR": "/nonexistent"])
        #expect(try Curl.get(service.url + "/healthz").status == 200)
        let ready = try Curl.get(service.url + "/readyz")
        #expect(ready.status == 503)
        let checks = try #require(ready.json["checks"] as? [String: Bool])
        #expect(checks == ["disk": true, "store": true, "model": false, "workers": true])
        #expect(ready.json["reasons"] as? [String: String] == ["model": "the PoQ evaluator model is not loaded"])
        let scoring = try Curl.post(service.url + "/v1/poq/scores", json: ["prompt": "p", "outputs": ["o"]])
        #expect(scoring.status == 503 && scoring.headers["retry-after"] != nil)
        #expect(service.log.contains("event=model_unavailable"))
        // Request lines are written in batches (at least every 100 ms), so wait for it.
        _ = try service.waitForLine(timeout: 10) { $0.contains("event=request method=GET path=/readyz status=503") }
    }

    @Test func generatesTheSigningKeyOnceWithMode0600() throws {
        let data = try Scratch.directory("key").path + "/var"
        let first = try ServiceProcess(dataDirectory: data, environment: ["VERIFIER_WORKERS": "0"])
        let keyID = try #require((try Curl.get(first.url + "/v1/keys").json["keys"] as? [[String: Any]])?.first?["keyId"] as? String)
        #expect(first.log.contains("event=key_generated key_id=\(keyID)"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: data + "/signing-key.pem")[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(first.terminate() == 0)
        let second = try ServiceProcess(dataDirectory: data, environment: ["VERIFIER_WORKERS": "0"])
        #expect(second.log.contains("event=key_loaded key_id=\(keyID)"))
    }
}
