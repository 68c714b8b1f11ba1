import Foundation
import Testing
@testable import Verification

/// Forged bundles are rejected, each by the check meant to catch it. Forgeries are
/// self-consistent where that is the attack: the forged gradient is committed with correct
/// roots and theta is replayed from it, so only re-execution can tell.
@Suite struct PoGOForgeryTests {
    static let steps = 6
    static let forged = 3

    /// Mines an MLP run committing `forge(theta, honest)` at step 3 and verifies it with a
    /// beacon that challenges step 3.
    func verifyForgedStep(_ forge: @escaping (PoGOMiner, [Float], [Float]) throws -> [Float]) throws -> VerificationReport {
        let miner = try PoGOTestSupport.mlpMiner()
        let run = try PoGOTestSupport.mine(miner, steps: Self.steps) { t, theta, honest in
            t == Self.forged ? try forge(miner, theta, honest) : honest
        }
        return try PoGOTestSupport.verify(run, challenging: Self.forged)
    }

    /// The forged step fails `name` and the replay of roots still passes (the forgery is consistent).
    func expectCaughtByReExecution(_ report: VerificationReport, _ name: VerificationReport.CheckName = .stepGradient, label: String = #function) {
        // The measured values of each forgery, reported in docs/protocol-parts/verification.md.
        if let m = report.check(name, step: Self.forged)?.measured {
            print("pogo forgery \(label): mismatch \(m.mismatchedCodeFraction ?? -1) distance \(m.maxCodeDistance ?? -1) "
                  + "boundary \(m.maxBoundaryDistance ?? -1) scale \(m.maxScaleRelativeError ?? -1) loss \(m.lossRelativeError ?? -1)")
        }
        #expect(report.verdict == .negative)
        #expect(report.check(name, step: Self.forged)?.passed == false, "\(report.failedChecks)")
        #expect(report.check(.replayGradientRoots)?.passed == true)
        #expect(report.check(.replayWeightsRoots)?.passed == true)
    }

    @Test func rejectsRandomGradientCodes() throws {
        let report = try verifyForgedStep { _, _, honest in PoGOTestSupport.randomGradient(like: honest, seed: 7) }
        expectCaughtByReExecution(report)
        #expect(try #require(report.check(.stepGradient, step: Self.forged)?.measured.mismatchedCodeFraction) > 0.5)
    }

    @Test(arguments: [Float(1.1), 0.5])
    func rejectsScaledGradient(factor: Float) throws {
        let report = try verifyForgedStep { _, _, honest in honest.map { $0 * factor } }
        expectCaughtByReExecution(report)
        let measured = try #require(report.check(.stepGradient, step: Self.forged)?.measured)
        #expect(try #require(measured.maxScaleRelativeError) > 0.09)
        // Its codes are those of quantize(honest), but in quanta of the committed scale the
        // recomputed values shrink or grow by the factor, so the codes differ too.
        #expect(try #require(measured.mismatchedCodeFraction) > VerificationPolicy().maxCodeMismatchFraction)
    }

    @Test func rejectsGradientOfAnotherStepsBatch() throws {
        let report = try verifyForgedStep { miner, theta, _ in
            var g: [Float] = []
            _ = try miner.workload.lossAndGradient(parameters: theta, indices: try miner.batch(Self.forged + 1), gradient: &g)
            return g
        }
        expectCaughtByReExecution(report)
    }

    @Test func rejectsSkippedStep() throws {
        let report = try verifyForgedStep { _, _, honest in [Float](repeating: 0, count: honest.count) }
        expectCaughtByReExecution(report)
    }

    @Test func rejectsReplayedOldGradient() throws {
        let miner = try PoGOTestSupport.mlpMiner()
        var previous: [Float] = []
        let run = try PoGOTestSupport.mine(miner, steps: Self.steps) { t, _, honest in
            defer { previous = honest }
            return t == Self.forged ? previous : honest
        }
        expectCaughtByReExecution(try PoGOTestSupport.verify(run, challenging: Self.forged))
    }

    @Test(arguments: [Float(1.01), 0.99])
    func rejectsLossClaimBeyondTolerance(factor: Float) throws {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        run.steps[Self.forged - 1].loss *= factor
        expectCaughtByReExecution(try PoGOTestSupport.verify(run, challenging: Self.forged), .stepLoss)
    }

    @Test func rejectsTamperedThetaZeroLeaf() throws {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        run.theta0[1500] += 0.25
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.verdict == .negative)
        #expect(report.failedChecks == ["structure.theta0Root"])
    }

    @Test func rejectsTamperedGradientLeaf() throws {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        let g = run.gradients[Self.forged - 1]
        var packed = g.packedCodes
        packed[600] ^= 0x01
        run.gradients[Self.forged - 1] = try QuantizedGradient(parameterCount: g.parameterCount, scales: g.scales, packedCodes: packed)
        let report = try PoGOTestSupport.verify(run, challenging: Self.forged)
        #expect(report.verdict == .negative)
        #expect(report.check(.replayGradientRoots)?.measured.firstFailingStep == Self.forged)
        #expect(report.check(.stepGradientOpening, step: Self.forged)?.passed == false)
    }

    @Test func rejectsThetaNotFollowingTheUpdateRuleOnOneLeaf() throws {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        // theta_3 as committed differs from the update rule on one parameter of leaf 1.
        var theta = run.theta0
        for t in 1...Self.forged { try QuantizedUpdate.apply(run.gradients[t - 1], learningRate: run.settings.learningRate, to: &theta) }
        theta[1100] = theta[1100].nextUp
        run.steps[Self.forged - 1].weightsRoot = try ParameterCommitment(parameters: theta).root
        let report = try PoGOTestSupport.verify(run, challenging: Self.forged)
        #expect(report.verdict == .negative)
        #expect(report.check(.replayWeightsRoots)?.measured.firstFailingStep == Self.forged)
        #expect(report.check(.stepUpdateRule, step: Self.forged)?.passed == false)
        #expect(report.check(.stepGradient, step: Self.forged)?.passed == true)
    }

    @Test func rejectsWrongRoots() throws {
        let honest = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        let wrong = SHA256.hash(Array("wrong".utf8))
        var run = honest
        run.theta0Root = wrong
        #expect(try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed).failedChecks == ["structure.theta0Root"])
        run = honest
        run.steps[4].gradientRoot = wrong
        var report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.check(.replayGradientRoots)?.measured.firstFailingStep == 5)
        #expect(report.verdict == .negative)
        run = honest
        run.steps[5].weightsRoot = wrong
        report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.check(.replayWeightsRoots)?.measured.firstFailingStep == 6)
        #expect(report.verdict == .negative)
    }

    @Test func rejectsEvaluationLossLies() throws {
        var run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: Self.steps)
        run.finalEvaluationLoss *= 0.9
        var report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.failedChecks == ["progress.publicFinalLoss"])
        run.finalEvaluationLoss /= 0.9
        run.initialEvaluationLoss *= 1.1
        report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.failedChecks == ["progress.publicInitialLoss"])
    }

    @Test func rejectsHonestStepsWithoutProgressOnTheSecretBatch() throws {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(lr: 1e-4), steps: Self.steps)
        let report = try PoGOTestSupport.verify(try PoGOTestSupport.bundle(run), beacon: PoGOTestSupport.blockSeed)
        #expect(report.failedChecks == ["progress.secretImprovement"])
        let improvement = try #require(report.check(.progressSecretImprovement)?.measured.lossRelativeError)
        #expect(improvement < 0.005)
    }

    @Test func rejectsTrainingOnOneRepeatedBatch() throws {
        let miner = try PoGOTestSupport.mlpMiner()
        let run = try PoGOTestSupport.mine(miner, steps: Self.steps) { t, theta, honest in
            guard t > 1 else { return honest }
            var g: [Float] = []
            _ = try miner.workload.lossAndGradient(parameters: theta, indices: try miner.batch(1), gradient: &g)
            return g
        }
        expectCaughtByReExecution(try PoGOTestSupport.verify(run, challenging: Self.forged))
    }
}
