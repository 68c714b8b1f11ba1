import Foundation
import Testing
@testable import Verification

/// The re-executions run in the background, beside the replay; these tests pin that the
/// report is exactly what running them one after another, in check order, gives.
struct PoGOParallelRecomputationTests {
    /// The verifier's phases run sequentially on the calling thread, as before concurrency.
    static func sequentialReport(_ bundle: ProofBundle, beacon: Digest, policy: VerificationPolicy = .init()) throws -> VerificationReport {
        var run = VerificationRun(bundle: bundle, beacon: ChallengeBeacon(beacon, source: .caller), policy: policy)
        let loader = ArtifactLoader(fileRoot: nil, maxFileBytes: policy.maxArtifactFileBytes)
        guard let path = PoGOTestSupport.datasets.path(for: bundle.datasetDigest),
              let workload = run.checkDataset(PoGOTestSupport.bytes(path)),
              let theta0 = try run.checkTheta0(loader: loader, layout: workload.layout),
              let replay = try run.replayAll(theta0: theta0, loader: loader)
        else { return run.report() }
        for t in run.challengedSteps {
            guard let theta = replay.thetaBefore[t] else { continue }
            run.checkStep(t, recomputed: StepRecomputation.run(t, bundle: bundle, workload: workload, theta: theta), replay: replay)
        }
        let batches = ProgressEvaluation.Batches(bundle: bundle, challengeSeed: run.challengeSeed, exampleCount: workload.exampleCount)
        let initial = batches.jobs(workload: workload, theta: theta0), final = batches.jobs(workload: workload, theta: replay.thetaN)
        run.checkProgress(ProgressEvaluation(publicInitial: initial.public(), publicFinal: final.public(),
                                             secretInitial: initial.secret(), secretFinal: final.secret()))
        return run.report()
    }

    /// The report without its informative parts: timings and the memory estimate (which the
    /// sequential twin, building the run by hand, does not make).
    static func withoutTimings(_ report: VerificationReport) -> VerificationReport {
        var r = report
        r.timings = .init()
        r.estimatedPeakBytes = nil
        return r
    }

    @Test func concurrentReportEqualsSequentialReportOnRandomBundles() throws {
        var rng = SplitMix64(seed: 17)
        let verifier = PoGOVerifier(datasets: PoGOTestSupport.datasets)
        for trial in 0..<6 {
            let miner = trial % 3 == 2 ? try PoGOTestSupport.gptMiner() : try PoGOTestSupport.mlpMiner(lr: Float(0.05 + 0.1 * rng.nextUnit()))
            var run = try PoGOTestSupport.mine(miner, steps: 4 + Int(rng.next() % 4), seed: rng.next())
            // Half of the bundles carry a forged commitment, so negative paths are compared too.
            switch trial % 4 {
            case 1: run.steps[Int(rng.next() % UInt64(run.steps.count))].loss *= 1.5
            case 3: run.finalEvaluationLoss *= 0.5
            default: break
            }
            let bundle = try PoGOTestSupport.bundle(run)
            let beacon = SHA256.hash(Array("parallel \(trial)".utf8))
            let concurrent = try verifier.verify(bundle, beacon: ChallengeBeacon(beacon, source: .caller))
            #expect(Self.withoutTimings(concurrent) == Self.withoutTimings(try Self.sequentialReport(bundle, beacon: beacon)),
                    "trial \(trial)")
        }
    }

    @Test func backgroundJobsReturnResultsInSubmissionOrder() {
        let jobs = BackgroundJobs<Int>()
        for i in 0..<64 {
            jobs.submit {
                // Uneven work, so jobs finish out of order.
                var x = UInt64(i)
                for _ in 0..<((64 - i) * 2_000) { x = x &* 6_364_136_223_846_793_005 &+ 1 }
                return x == 42 ? -1 : i
            }
        }
        let outcomes = jobs.wait()
        #expect(outcomes.map(\.value) == Array(0..<64))
        #expect(outcomes.allSatisfy { $0.milliseconds >= 0 })
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "no batch" }
    }

    /// Records the progress checks for one combination of evaluation results.
    static func progressChecks(_ losses: [Result<Float, any Error>]) throws -> [String] {
        let bundle = try PoGOTestSupport.bundle(try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 2))
        var run = VerificationRun(bundle: bundle, beacon: ChallengeBeacon(SHA256.hash([1]), source: .caller), policy: .init())
        run.checkProgress(ProgressEvaluation(publicInitial: losses[0], publicFinal: losses[1],
                                             secretInitial: losses[2], secretFinal: losses[3]))
        return run.checks.map { "\($0.name):\($0.passed)" }
    }

    @Test func progressChecksStopAtTheFirstFailingComputationInSequentialOrder() throws {
        let ok: Result<Float, any Error> = .success(1), failed: Result<Float, any Error> = .failure(Failure())
        #expect(try Self.progressChecks([failed, ok, ok, ok]) == ["progress.publicInitialLoss:false"])
        #expect(try Self.progressChecks([ok, failed, ok, ok]).count == 2)
        #expect(try Self.progressChecks([ok, failed, ok, ok]).last == "progress.publicInitialLoss:false")
        #expect(try Self.progressChecks([ok, ok, failed, ok]).last == "progress.secretImprovement:false")
        #expect(try Self.progressChecks([ok, ok, ok, failed]).count == 3)
    }
}
