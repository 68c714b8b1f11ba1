import Foundation
import TestSupport
import Testing
@testable import Verification

/// Honest work passes: the Swift miner on both architectures, and the independent numpy miner
/// (tools/miner.py), whose gradients differ from the verifier's by float rounding.
@Suite struct PoGOHonestBundleTests {
    @Test func acceptsHonestSwiftMLPBundle() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 6)
        let bundle = try PoGOTestSupport.bundle(run)
        let report = try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed)
        #expect(report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.stepsChecked.count == 2)
        #expect(report.leavesChecked.allSatisfy { Set($0.leaves) == [0, 1, 2] })
        #expect(report.bundleDigest == bundle.digest.hex)
        #expect(report.check(.stepGradient)?.measured.mismatchedCodeFraction == 0)
    }

    @Test func acceptsHonestSwiftGPTBundle() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.gptMiner(), steps: 4)
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.leavesChecked.allSatisfy { $0.leaves.count == 8 })
    }

    @Test func challengedStepsAndLeavesFollowTheProtocolDerivation() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.gptMiner(), steps: 3)
        let bundle = try PoGOTestSupport.bundle(run)
        let beacon = SHA256.hash(Array("any beacon".utf8))
        let report = try PoGOTestSupport.verify(bundle, beacon: beacon)
        let seed = ChallengeDerivation.challengeSeed(commitmentDigest: bundle.commitmentDigest, beacon: beacon)
        #expect(report.challengeSeed == seed.hex)
        #expect(report.stepsChecked == (try ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: 3, count: 2)))
        let leafCount = QuantizedGradient.leafCount(parameters: bundle.parameterCount)
        for entry in report.leavesChecked {
            #expect(entry.leaves == (try ChallengeDerivation.challengedLeaves(challengeSeed: seed, step: entry.step, leafCount: leafCount, count: 8)))
        }
    }

    @Test(arguments: ["mlp", "gpt"])
    func acceptsHonestSwiftBundleWithEveryStepAndLeafChallenged(arch: String) throws {
        let (miner, steps) = try PoGOSteeringTests.run(arch)
        let run = try PoGOTestSupport.mine(miner, steps: steps)
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed,
                                                policy: PoGOSteeringTests.challengingEverything(steps: steps))
        #expect(report.verdict == .positive, "\(report.failedChecks)")
        #expect(report.stepsChecked.count == steps)
        // The verifier recomputes with the miner's own kernels: bit for bit the same gradients.
        #expect(report.checks.filter { $0.name == .stepGradient }.allSatisfy {
            $0.measured.mismatchedCodeFraction == 0 && $0.measured.maxScaleRelativeError == 0
        })
        #expect(report.checks.filter { $0.name == .stepLoss }.allSatisfy { $0.measured.lossRelativeError == 0 })
    }

    /// tools/miner.py flags for each honest variant: numpy float32 as is, with TF32-like noise,
    /// in float64, and with per-example gradients added in reverse order.
    static let numpyVariants = ["plain": [], "noise": ["--noise", "0.001"], "float64": ["--precision", "float64"],
                                "reversed": ["--sum-order", "reversed"]]

    @Test(arguments: ["mlp", "gpt"], ["plain", "noise", "float64", "reversed"])
    func acceptsBundleFromTheNumpyMinerWithEveryStepAndLeafChallenged(arch: String, variant: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pogo-numpy-\(arch)-\(variant)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = arch == "mlp"
            ? ["--hidden", "32", "--steps", "5", "--lr", "0.1", "--batch", "64", "--eval-batch", "256"]
            : ["--layers", "1", "--channels", "32", "--heads", "2", "--context", "16", "--steps", "3", "--lr", "0.05",
               "--batch", "8", "--eval-batch", "64"]
        _ = try Python.output("miner.py", ["--arch", arch] + config + ["--seed", "3", "--block-seed", PoGOTestSupport.blockSeed.hex,
                                                                       "--out", directory] + (Self.numpyVariants[variant] ?? []))
        let data = try #require(FileManager.default.contents(atPath: directory + "/bundle.json"))
        let bundle = try ProofBundle(bytes: [UInt8](data))
        var policy = PoGOSteeringTests.challengingEverything(steps: bundle.steps.count)
        policy.allowFileURIs = true
        let report = try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed, policy: policy,
                                                fileRoot: try FileArtifactRoot(path: directory))
        let measured = report.checks.filter { $0.name == .stepGradient }.map(\.measured)
        // The values reported in docs/protocol-parts/verification.md ("Why these tolerances").
        print("pogo honest numpy \(arch) \(variant): mismatch \(measured.compactMap(\.mismatchedCodeFraction).max() ?? -1) "
              + "distance \(measured.compactMap(\.maxCodeDistance).max() ?? -1) "
              + "boundary \(measured.compactMap(\.maxBoundaryDistance).max() ?? -1) "
              + "scale \(measured.compactMap(\.maxScaleRelativeError).max() ?? -1) "
              + "loss \(report.checks.filter { $0.name == .stepLoss }.compactMap(\.measured.lossRelativeError).max() ?? -1)")
        #expect(report.verdict == .positive, "\(report.failedChecks): \(report.checks.filter { !$0.passed }.map(\.detail))")
        #expect(report.stepsChecked.count == bundle.steps.count)
        #expect(report.leavesChecked.allSatisfy { $0.leaves.count == QuantizedGradient.leafCount(parameters: bundle.parameterCount) })
    }

    @Test func readsFileArtifactsOnlyWhenAllowedAndBelowTheRoot() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pogo-files-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bundle = try ProofBundle(bytes: run.bundleJSON(.files(directory: directory)))
        #expect(throws: PoGOVerificationError.self) { try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed) }
        var policy = VerificationPolicy()
        policy.allowFileURIs = true
        let root = try FileArtifactRoot(path: directory)
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        // Allowed, but no root to read them from: still refused.
        #expect(throws: PoGOVerificationError.self) { try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed, policy: policy) }
        #expect(try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed, policy: policy, fileRoot: root).verdict == .positive)
        // Below another root: refused without being opened.
        let elsewhere = try FileArtifactRoot(path: directory + "/sub")
        #expect {
            try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed, policy: policy, fileRoot: elsewhere)
        } throws: { error in
            guard case let .artifactUnreadable(_, reason)? = error as? PoGOVerificationError else { return false }
            return reason.hasSuffix("is not below the artifact root")
        }
        try FileManager.default.removeItem(atPath: directory + "/" + MinedRun.gradientFileName(step: 2))
        #expect {
            try PoGOTestSupport.verify(bundle, beacon: PoGOTestSupport.blockSeed, policy: policy, fileRoot: root)
        } throws: { error in
            if case .artifactUnreadable(artifact: "gradient 2", _)? = error as? PoGOVerificationError { return true }
            return false
        }
    }
}
