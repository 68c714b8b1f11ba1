import Foundation
import Testing
import Verification

/// Structural validation of pogo/1 bundles: every refusal names its field.
struct ProofBundleParsingTests {
    static let hexA = String(repeating: "ab", count: 32)

    static func bundle(steps: Int = 2, mutate: (inout [String: Any]) -> Void = { _ in }) -> [UInt8] {
        var b: [String: Any] = [
            "protocol": "pogo/1",
            "model": ["architecture": "mlp", "config": ["inputs": 64, "hidden": [32], "classes": 10, "activation": "tanh"]],
            "dataset": ["sha256": hexA],
            "lr": 0.1, "batchSize": 64, "blockSeed": hexA, "parameters": 64 * 32 + 32 + 32 * 10 + 10,
            "theta0Root": hexA,
            "steps": (0..<steps).map { _ in ["weightsRoot": hexA, "gradientRoot": hexA, "loss": 2.3] },
            "evaluation": ["batchSize": 256, "initialLoss": 2.3, "finalLoss": 1.0],
            "artifacts": ["theta0": ["inline": "AAAA"], "gradients": (0..<steps).map { _ in ["uri": "file:///tmp/g"] }],
        ]
        mutate(&b)
        return [UInt8](try! JSONSerialization.data(withJSONObject: b, options: [.sortedKeys]))
    }

    static func refusal(_ bytes: [UInt8], limits: ProofBundleLimits = .init()) -> JSONFieldError? {
        do { _ = try ProofBundle(bytes: bytes, limits: limits); return nil } catch { return error }
    }

    @Test func parsesWellFormedBundleAndDigestsExactBytes() throws {
        let bytes = Self.bundle()
        let b = try ProofBundle(bytes: bytes)
        #expect(b.digest == SHA256.hash(bytes))
        #expect(b.steps.count == 2)
        #expect(b.learningRate == Float(0.1))
        #expect(b.theta0Artifact == .inline([0, 0, 0]))
        #expect(b.gradientArtifacts == [.uri("file:///tmp/g"), .uri("file:///tmp/g")])
    }

    @Test func refusesWrongProtocolVersion() {
        #expect(Self.refusal(Self.bundle { $0["protocol"] = "pogo/2" })?.field == "protocol")
    }

    @Test func refusesUnknownFieldsByName() {
        #expect(Self.refusal(Self.bundle { $0["extra"] = 1 })?.field == "extra")
    }

    @Test func refusesMalformedRootNamingTheStep() {
        let e = Self.refusal(Self.bundle { b in
            var steps = b["steps"] as! [[String: Any]]
            steps[1]["gradientRoot"] = "xyz"
            b["steps"] = steps
        })
        #expect(e?.field == "steps[1].gradientRoot")
    }

    @Test func acceptsMaxStepsAndRefusesOneMore() {
        let limits = ProofBundleLimits(maxSteps: 3)
        #expect(Self.refusal(Self.bundle(steps: 3), limits: limits) == nil)
        let e = Self.refusal(Self.bundle(steps: 4), limits: limits)
        #expect(e?.field == "steps")
        #expect(e?.limit == 3)
    }

    @Test func acceptsMaxBatchSizeAndRefusesOneMore() {
        let limits = ProofBundleLimits(maxBatchSize: 64)
        #expect(Self.refusal(Self.bundle(), limits: limits) == nil)
        let e = Self.refusal(Self.bundle { $0["batchSize"] = 65 }, limits: limits)
        #expect(e?.field == "batchSize")
        #expect(e?.limit == 64)
    }

    @Test func acceptsTheMinimumEvaluationBatchAndRefusesOneLess() {
        // A secret progress check resting on one example (E = 1) is a coin flip.
        for (e, refused) in [(64, false), (63, true), (1, true)] {
            let error = Self.refusal(Self.bundle { $0["evaluation"] = ["batchSize": e, "initialLoss": 2.3, "finalLoss": 1.0] })
            #expect((error != nil) == refused, "E = \(e)")
            if refused {
                #expect(error?.field == "evaluation.batchSize" && error?.limit == 64, "E = \(e): \(String(describing: error))")
            }
        }
        let custom = ProofBundleLimits(minEvaluationBatchSize: 8)
        #expect(Self.refusal(Self.bundle { $0["evaluation"] = ["batchSize": 8, "initialLoss": 2.3, "finalLoss": 1.0] }, limits: custom) == nil)
    }

    @Test func refusesParameterCountThatDisagreesWithModel() {
        #expect(Self.refusal(Self.bundle { $0["parameters"] = 7 })?.field == "parameters")
    }

    @Test func refusesGradientArtifactCountMismatch() {
        let e = Self.refusal(Self.bundle { $0["artifacts"] = ["theta0": ["inline": "AAAA"], "gradients": [["uri": "file:///g"]]] })
        #expect(e?.field == "artifacts.gradients")
    }

    @Test func refusesArtifactWithBothInlineAndURI() {
        let e = Self.refusal(Self.bundle { $0["artifacts"] = ["theta0": ["inline": "AAAA", "uri": "file:///x"], "gradients": [["uri": "a"], ["uri": "b"]]] })
        #expect(e?.field == "artifacts.theta0")
    }

    @Test func refusesNonPositiveLearningRateAndNonIntegerBatch() {
        #expect(Self.refusal(Self.bundle { $0["lr"] = 0 })?.field == "lr")
        #expect(Self.refusal(Self.bundle { $0["batchSize"] = 1.5 })?.field == "batchSize")
        #expect(Self.refusal(Self.bundle { $0["batchSize"] = true })?.field == "batchSize")
    }

    @Test func refusesGPTWhoseHeadsDoNotDivideChannels() {
        let e = Self.refusal(Self.bundle { $0["model"] = ["architecture": "gpt", "config": ["layers": 1, "channels": 10, "heads": 3, "context": 8]] })
        #expect(e?.field == "model.config.heads")
    }

    @Test func refusesNonJSONBody() {
        #expect(Self.refusal(Array("{not json".utf8))?.field == "")
    }
}
