import Foundation
import Testing
@testable import Verification

/// Malformed, oversize and unverifiable bundles: the miner's mistakes become failed structure
/// checks (a negative verdict); what the verifier cannot obtain is a `PoGOVerificationError`.
@Suite struct PoGOMalformedBundleTests {
    /// The honest three-step MLP bundle's bytes, mined once for the suite.
    static let honestBytes: [UInt8] = try! PoGOTestSupport.mine(try! PoGOTestSupport.mlpMiner(), steps: 3).bundleJSON(.inline)

    static var honest: [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(honestBytes)) as! [String: Any]
    }

    /// The honest bundle with `edit` applied, re-encoded and parsed.
    func bundle(_ edit: (inout [String: Any]) -> Void) throws -> ProofBundle {
        var object = Self.honest
        edit(&object)
        return try ProofBundle(bytes: [UInt8](try JSONSerialization.data(withJSONObject: object)))
    }

    func setArtifacts(_ object: inout [String: Any], theta0: Any? = nil, gradient index: Int? = nil, to value: Any? = nil) {
        var artifacts = object["artifacts"] as! [String: Any]
        if let theta0 { artifacts["theta0"] = theta0 }
        if let index, let value {
            var gradients = artifacts["gradients"] as! [Any]
            gradients[index] = value
            artifacts["gradients"] = gradients
        }
        object["artifacts"] = artifacts
    }

    func verify(_ bundle: ProofBundle) throws -> VerificationReport {
        try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed)
    }

    @Test func rejectsThetaZeroThatIsNotSafetensors() throws {
        let b = try bundle { setArtifacts(&$0, theta0: ["inline": Data("not safetensors".utf8).base64EncodedString()]) }
        let report = try verify(b)
        #expect(report.verdict == .negative)
        #expect(report.failedChecks == ["structure.theta0"])
    }

    @Test func rejectsThetaZeroWithWrongTensors() throws {
        let other = SafeTensorsWriter.encode([SafeTensorsWriter.Tensor(name: "layers.0.weight", shape: [2], floats: [1, 2])])
        let report = try verify(try bundle { setArtifacts(&$0, theta0: ["inline": Data(other).base64EncodedString()]) })
        #expect(report.failedChecks == ["structure.theta0"])
    }

    @Test func rejectsGradientArtifactThatIsMalformedOrOfTheWrongSize() throws {
        var report = try verify(try bundle { setArtifacts(&$0, gradient: 1, to: ["inline": "AAAA"]) })
        #expect(report.failedChecks == ["structure.gradients"])
        #expect(report.check(.structureGradients)?.measured.firstFailingStep == 2)
        let small = GradientArtifact.encode(try QuantizedGradient(quantizing: [1, 2, 3]))
        report = try verify(try bundle { setArtifacts(&$0, gradient: 0, to: ["inline": Data(small).base64EncodedString()]) })
        #expect(report.failedChecks == ["structure.gradients"])
    }

    @Test func rejectsModelThatDoesNotFitTheDataSet() throws {
        let report = try verify(try bundle {
            $0["model"] = ["architecture": "mlp", "config": ["inputs": 63, "hidden": [32], "classes": 10, "activation": "tanh"]]
            $0["parameters"] = 63 * 32 + 32 + 330
        })
        #expect(report.failedChecks == ["structure.dataset"])
    }

    @Test func failsWithoutVerdictForUnknownDataSet() throws {
        let b = try bundle { $0["dataset"] = ["sha256": String(repeating: "ab", count: 32)] }
        #expect(throws: PoGOVerificationError.datasetUnknown(digest: String(repeating: "ab", count: 32))) { try verify(b) }
    }

    @Test func failsWithoutVerdictForUnfetchableArtifacts() throws {
        let http = try bundle { setArtifacts(&$0, gradient: 2, to: ["uri": "https://example.com/g3"]) }
        #expect(throws: PoGOVerificationError.cannotFetch(artifact: "gradient 3", uri: "https://example.com/g3")) { try verify(http) }
        let file = try bundle { setArtifacts(&$0, theta0: ["uri": "file:///nonexistent/theta0.safetensors"]) }
        #expect(throws: PoGOVerificationError.fileURIsNotAllowed(artifact: "theta0", uri: "file:///nonexistent/theta0.safetensors")) {
            try verify(file)
        }
    }

    @Test func refusesMalformedBundleJSON() {
        #expect(throws: JSONFieldError.self) { try ProofBundle(bytes: Array("{\"protocol\":".utf8)) }
        #expect(throws: JSONFieldError.self) { try ProofBundle(bytes: Array("[]".utf8)) }
        #expect(throws: JSONFieldError.self) { try bundle { $0["steps"] = [] } }
        #expect(throws: JSONFieldError.self) { try bundle { $0["extra"] = 1 } }
    }

    @Test func refusesMoreStepsThanTheLimit() throws {
        let limits = ProofBundleLimits(maxSteps: 3)
        var object = Self.honest
        #expect(try ProofBundle(bytes: [UInt8](try JSONSerialization.data(withJSONObject: object)), limits: limits).steps.count == 3)
        object["steps"] = (object["steps"] as! [Any]) + [(object["steps"] as! [Any])[0]]
        var artifacts = object["artifacts"] as! [String: Any]
        artifacts["gradients"] = (artifacts["gradients"] as! [Any]) + [(artifacts["gradients"] as! [Any])[0]]
        object["artifacts"] = artifacts
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
        #expect { try ProofBundle(bytes: bytes, limits: limits) } throws: { ($0 as? JSONFieldError)?.limit == 3 }
    }

    @Test func refusesUnusablePolicy() throws {
        var policy = VerificationPolicy()
        policy.challengedSteps = 0
        let b = try bundle { _ in }
        #expect(throws: PoGOVerificationError.self) { try PoGOTestSupport.verify(b, beacon: PoGOTestSupport.blockSeed, policy: policy) }
    }
}
