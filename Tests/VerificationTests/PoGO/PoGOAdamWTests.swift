import Foundation
import TestSupport
import Testing
@testable import Verification

/// gpt2 runs trained with AdamW on a token file: honest bundles verify (full and leaf-only),
/// the numpy references replay their roots bit for bit and compute their digests, and the
/// forgeries of the new path are rejected with a signed-off negative verdict.
@Suite struct PoGOAdamWTests {
    static let steps = 5

    static func honestRun() throws -> MinedRun {
        try PoGOTestSupport.mine(try PoGOTestSupport.gpt2Miner(), steps: steps)
    }

    /// Writes `json` to a temporary file and runs `tools/<script> <arguments> FILE`.
    static func runReference(_ script: String, _ arguments: [String], bundle json: [UInt8]) throws -> [String: Any] {
        let dir = try Scratch.directory("quant")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bundle.json")
        try Data(json).write(to: path)
        let out = try Python.output(script, arguments + [path.path])
        return try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
    }

    @Test func honestGPT2AdamWBundleVerifies() throws {
        let run = try Self.honestRun()
        for t in [1, 4] {
            let report = try PoGOTestSupport.verify(run, challenging: t)
            #expect(report.verdict == .positive, "\(report.failedChecks)")
            #expect(report.check(.stepUpdateRule, step: t)?.passed == true)
        }
        #expect(run.finalEvaluationLoss < run.initialEvaluationLoss)
    }

    @Test func numpyReplayOfAdamWMatchesEveryRootBitForBit() throws {
        let run = try Self.honestRun()
        let json = try run.bundleJSON(.inline)
        let replay = try Self.runReference("adamw_reference.py", ["replay"], bundle: json)
        #expect(replay["theta0Root"] as? String == run.theta0Root.hex)
        #expect(replay["weightsRoots"] as? [String] == run.steps.map(\.weightsRoot.hex))
        #expect(replay["gradientRoots"] as? [String] == run.steps.map(\.gradientRoot.hex))
    }

    /// tools/miner.py (numpy gradients from tools/reference_models.py, AdamW from
    /// tools/adamw_reference.py, written from the docs) mines a gpt2 + AdamW run the verifier accepts.
    @Test func numpyMinersGPT2AdamWBundleVerifies() throws {
        let dir = try Scratch.directory("quant")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Python.output("miner.py", [
            "--arch", "gpt2", "--layers", "1", "--channels", "32", "--heads", "2", "--context", "16", "--steps", "4",
            "--lr", "0.002", "--batch", "8", "--eval-batch", "64", "--seed", "1", "--block-seed", PoGOTestSupport.blockSeed.hex,
            "--out", dir.path, "--inline", "--dataset", PoGOTestSupport.shakespeareTokensPath, "--optimizer", "adamw",
            "--weight-decay", "0.1"])
        let bundle = try ProofBundle(bytes: [UInt8](Data(contentsOf: dir.appendingPathComponent("bundle.json"))))
        #expect(bundle.optimizer == .adamw(AdamW(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1)))
        for t in [1, 4] {
            let report = try PoGOTestSupport.verify(bundle, beacon: try PoGOTestSupport.beacon(challenging: t, in: bundle))
            #expect(report.verdict == .positive, "\(report.failedChecks)")
        }
    }

    @Test func commitmentReferenceAgreesOnGPT2AdamWDigests() throws {
        let json = try Self.honestRun().bundleJSON(.inline)
        let bundle = try ProofBundle(bytes: json)
        let ref = try Self.runReference("commitment_reference.py", [], bundle: json)
        #expect(ref["runKey"] as? String == bundle.runKey.hex)
        #expect(ref["commitment"] as? String == bundle.commitmentDigest.hex)
    }

    @Test func leafOnlyRebuildsMomentsFromTheLeafsGradientHistory() throws {
        let run = try Self.honestRun()
        let policy = VerificationPolicy(challengedSteps: 3, challengedLeaves: 3, maxReexecutedParameters: 1_000)
        let bundle = try ProofBundle(bytes: run.bundleJSON(.inline, trees: true))
        let report = try PoGOTestSupport.verify(bundle, beacon: SHA256.hash(Array("leaf-only".utf8)), policy: policy)
        #expect(report.mode == .leafOnly)
        #expect(report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.stepsChecked.contains { $0 > 1 })

        // The same run committed as SGD: its roots are not SGD's, and the leaves say so.
        var sgd = run
        sgd.settings.optimizer = .sgd
        let lie = try ProofBundle(bytes: sgd.bundleJSON(.inline, trees: true))
        let rejected = try PoGOTestSupport.verify(lie, beacon: SHA256.hash(Array("leaf-only".utf8)), policy: policy)
        #expect(rejected.verdict == .negative)
        #expect(rejected.check(.leafUpdateRule, step: rejected.stepsChecked[0])?.passed == false)
    }

    /// A miner that commits Adam's update direction mhat / (sqrt(vhat) + eps) in place of the
    /// gradient at step 3 (what an optimizer's "step" tensor holds).
    @Test func rejectsAdamUpdateCommittedAsTheGradient() throws {
        let miner = try PoGOTestSupport.gpt2Miner()
        let adam = AdamW(weightDecay: 0.1)
        final class Moments: @unchecked Sendable { var m: [Float] = []; var v: [Float] = [] }
        let moments = Moments()
        let run = try PoGOTestSupport.mine(miner, steps: Self.steps) { t, _, honest in
            if moments.m.isEmpty { (moments.m, moments.v) = ([Float](repeating: 0, count: honest.count), [Float](repeating: 0, count: honest.count)) }
            let (bc1, bc2) = adam.biasCorrections(step: t)
            var update = honest
            for i in honest.indices {
                moments.m[i] = adam.beta1 * moments.m[i] + (1 - adam.beta1) * honest[i]
                moments.v[i] = adam.beta2 * moments.v[i] + (1 - adam.beta2) * honest[i] * honest[i]
                update[i] = (moments.m[i] / bc1) / ((moments.v[i] / bc2).squareRoot() + adam.eps)
            }
            return t == 3 ? update : honest
        }
        let report = try PoGOTestSupport.verify(run, challenging: 3)
        #expect(report.verdict == .negative)
        #expect(report.check(.stepGradient, step: 3)?.passed == false, "\(report.failedChecks)")
        #expect(report.check(.replayWeightsRoots)?.passed == true)
    }

    @Test func rejectsMomentsResetMidRun() throws {
        let miner = try PoGOTestSupport.gpt2Miner()
        let run = try miner.mine(theta0: miner.workload.initialParameters(seed: 1), steps: Self.steps,
                                 commit: { _, _, honest in try QuantizedGradient(quantizing: honest) },
                                 alterState: { t, state in if t == 3 { state = OptimizerState(optimizer: miner.settings.optimizer, count: state.m.count) } })
        let report = try PoGOTestSupport.verify(run, challenging: 4)
        #expect(report.verdict == .negative)
        let replay = try #require(report.check(.replayWeightsRoots))
        #expect(!replay.passed)
        #expect(replay.measured.firstFailingStep == 3)
    }

    @Test func rejectsWeightDecayLie() throws {
        // Trained without weight decay, committed as weight decay 0.1.
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.gpt2Miner(optimizer: .adamw(AdamW(weightDecay: 0))), steps: Self.steps)
        run.settings.optimizer = .adamw(AdamW(weightDecay: 0.1))
        let report = try PoGOTestSupport.verify(run, challenging: 2)
        #expect(report.verdict == .negative)
        let replay = try #require(report.check(.replayWeightsRoots))
        #expect(!replay.passed)
        #expect(replay.measured.firstFailingStep == 1)
    }

    @Test func rejectsTokenWindowOffByOne() throws {
        let miner = try PoGOTestSupport.gpt2Miner()
        let n = miner.workload.exampleCount
        final class Losses: @unchecked Sendable { var byStep: [Int: Float] = [:] }
        let losses = Losses()
        var run = try PoGOTestSupport.mine(miner, steps: Self.steps) { t, theta, honest in
            guard t == 3 else { return honest }
            var g: [Float] = []
            let shifted = try miner.batch(t).map { $0 + 1 < n ? $0 + 1 : $0 - 1 }
            losses.byStep[t] = try miner.workload.lossAndGradient(parameters: theta, indices: shifted, gradient: &g)
            return g
        }
        run.steps[2].loss = try #require(losses.byStep[3])
        let report = try PoGOTestSupport.verify(run, challenging: 3)
        #expect(report.verdict == .negative)
        #expect(report.check(.stepGradient, step: 3)?.passed == false, "\(report.failedChecks)")
        #expect(report.check(.replayWeightsRoots)?.passed == true)
    }
}
