internal import Foundation

/// Verifies a PoGO proof bundle (pogo/1) by full re-execution: structure, replay of every
/// step's roots, re-execution of the challenged steps, and progress on the evaluation batches;
/// or, for a model it cannot re-execute (above `policy.maxReexecutedParameters`, one example
/// above `policy.activationBudgetBytes`, or an estimated peak above `memory`'s capacity), in
/// leaf-only mode (Merkle openings and the update rule on the challenged leaves, read by byte
/// range; the report says so and why). A full re-execution holds its estimated peak of
/// `memory` while it runs, so concurrent verifications never add up to more than its capacity.
///
/// The verdict is positive only if every check passes. A report is returned for every bundle
/// the verifier could examine, positive or negative; `PoGOVerificationError` is thrown only
/// when it could not complete (unknown data set, an artifact it could not obtain).
public struct PoGOVerifier: Sendable {
    public let policy: VerificationPolicy
    public let datasets: DatasetResolver
    /// Where `http(s)://` artifacts are fetched; nil refuses them.
    public let source: (any ArtifactSource)?
    /// The folder `file://` artifacts are read from when `policy.allowFileURIs` is set; without
    /// it they are refused whatever the policy says.
    public let fileRoot: FileArtifactRoot?
    /// The memory full re-executions share; nil places no bound beyond the policy's.
    public let memory: ReexecutionMemory?

    public init(policy: VerificationPolicy = VerificationPolicy(), datasets: DatasetResolver, source: (any ArtifactSource)? = nil,
                fileRoot: FileArtifactRoot? = nil, memory: ReexecutionMemory? = nil) {
        self.policy = policy
        self.datasets = datasets
        self.source = source
        self.fileRoot = fileRoot
        self.memory = memory
    }

    /// Why `bundle` cannot be re-executed here, or nil when it can.
    public func leafOnlyReason(_ bundle: ProofBundle, cost: ReexecutionCost) -> String? {
        if bundle.parameterCount > policy.maxReexecutedParameters {
            return "the model has \(bundle.parameterCount) parameters, above the re-execution cap \(policy.maxReexecutedParameters)"
        }
        if !cost.fitsOnePass {
            return "one example needs \(max(cost.backwardExampleBytes ?? .max, cost.forwardExampleBytes ?? 0)) bytes of activations, "
                + "above the pass budget \(policy.activationBudgetBytes)"
        }
        if let memory, cost.peakBytes > memory.capacityBytes {
            return "re-execution needs an estimated \(cost.peakBytes) bytes, above the \(memory.capacityBytes) bytes this verifier has"
        }
        return nil
    }

    /// Verifies `bundle` with the challenges derived from its commitment digest and `beacon`.
    public func verify(_ bundle: ProofBundle, beacon: ChallengeBeacon) throws(PoGOVerificationError) -> VerificationReport {
        guard policy.challengedSteps >= 1, policy.challengedLeaves >= 1, policy.maxBoundaryDistance >= 0 else {
            throw .invalidPolicy("challengedSteps and challengedLeaves must be at least 1, maxBoundaryDistance at least 0")
        }
        let start = ContinuousClock.now
        var run = VerificationRun(bundle: bundle, beacon: beacon, policy: policy)
        let cost = ReexecutionCost(bundle: bundle, policy: policy)
        if let reason = leafOnlyReason(bundle, cost: cost) {
            guard let trees = bundle.trees else { throw .treeFilesRequired(reason: reason) }
            run.leafOnlyReason = reason
            try run.executeLeafOnly(trees: trees, reader: ArtifactRangeReader(fileRoot: allowedFileRoot, source: source))
        } else {
            run.estimatedPeakBytes = cost.peakBytes
            let loader = ArtifactLoader(fileRoot: allowedFileRoot, maxFileBytes: policy.maxArtifactFileBytes, source: source)
            if let memory {
                try memory.withReservation(cost.peakBytes) { () throws(PoGOVerificationError) in
                    try run.execute(datasets: datasets, loader: loader)
                }
            } else {
                try run.execute(datasets: datasets, loader: loader)
            }
        }
        run.timings.totalMs = Self.milliseconds(since: start)
        return run.report()
    }

    /// The root `file://` artifacts are read from: nil unless the policy allows them.
    private var allowedFileRoot: FileArtifactRoot? { policy.allowFileURIs ? fileRoot : nil }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }
}

/// The state of one verification: the checks recorded so far and what later phases need.
struct VerificationRun {
    let bundle: ProofBundle
    let beacon: ChallengeBeacon
    let policy: VerificationPolicy
    let challengeSeed: Digest
    let challengedSteps: [Int]
    let leafCount: Int
    var challengedLeaves: [Int: [Int]] = [:]
    var checks: [VerificationReport.Check] = []
    /// Set by leaf-only mode: the full-mode checks that did not run, and why.
    var checksNotRun: [VerificationReport.CheckName]? = nil
    var leafOnlyReason: String? = nil
    var estimatedPeakBytes: Int? = nil
    var timings = VerificationReport.Timings()

    init(bundle: ProofBundle, beacon: ChallengeBeacon, policy: VerificationPolicy) {
        self.bundle = bundle
        self.beacon = beacon
        self.policy = policy
        challengeSeed = ChallengeDerivation.challengeSeed(commitmentDigest: bundle.commitmentDigest, beacon: beacon.value)
        let n = bundle.steps.count
        // Both counts are within their populations, so the derivation cannot throw.
        challengedSteps = (try? ChallengeDerivation.challengedSteps(
            challengeSeed: challengeSeed, stepCount: n, count: min(policy.challengedSteps, n))) ?? []
        leafCount = QuantizedGradient.leafCount(parameters: bundle.parameterCount)
        for t in challengedSteps {
            challengedLeaves[t] = (try? ChallengeDerivation.challengedLeaves(
                challengeSeed: challengeSeed, step: t, leafCount: leafCount, count: min(policy.challengedLeaves, leafCount))) ?? []
        }
    }

    mutating func record(_ check: VerificationReport.Check) {
        checks.append(check)
    }

    /// Runs the phases in order; a phase whose inputs failed structurally is not run.
    mutating func execute(datasets: DatasetResolver, loader: ArtifactLoader) throws(PoGOVerificationError) {
        var clock = ContinuousClock.now
        guard let path = datasets.path(for: bundle.datasetDigest) else { throw .datasetUnknown(digest: bundle.datasetDigest.hex) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .datasetUnreadable(path: path, reason: "cannot read file")
        }
        guard let workload = checkDataset([UInt8](data)), let theta0 = try checkTheta0(loader: loader, layout: workload.layout) else {
            timings.structureMs = PoGOVerifier.milliseconds(since: clock)
            return
        }
        timings.structureMs = PoGOVerifier.milliseconds(since: clock)

        // Re-executions start in the background as soon as their inputs exist: theta_0's
        // losses now, each challenged step when the replay passes it, theta_N's at the end.
        let jobs = BackgroundJobs<Recomputation>()
        let batches = ProgressEvaluation.Batches(bundle: bundle, challengeSeed: challengeSeed, exampleCount: workload.exampleCount)
        let initial = batches.jobs(workload: workload, theta: theta0)
        jobs.submit { .loss(.publicInitial, initial.public()) }
        jobs.submit { .loss(.secretInitial, initial.secret()) }
        let bundle = bundle
        clock = ContinuousClock.now
        let replayed: ReplayState?
        do {
            replayed = try replayAll(theta0: theta0, loader: loader) { t, theta in
                jobs.submit { .step(t, StepRecomputation.run(t, bundle: bundle, workload: workload, theta: theta)) }
            }
        } catch {
            _ = jobs.wait()
            throw error
        }
        timings.replayMs = PoGOVerifier.milliseconds(since: clock)
        guard let replay = replayed else {
            _ = jobs.wait()
            return
        }
        let final = batches.jobs(workload: workload, theta: replay.thetaN)
        jobs.submit { .loss(.publicFinal, final.public()) }
        jobs.submit { .loss(.secretFinal, final.secret()) }
        recordRecomputations(jobs.wait(), replay: replay)
    }

    func report() -> VerificationReport {
        let failed = checks.filter { !$0.passed }.map(\.label)
        return VerificationReport(
            verdict: failed.isEmpty && !checks.isEmpty ? .positive : .negative, mode: checksNotRun == nil ? .full : .leafOnly,
            bundleDigest: bundle.digest.hex, commitmentDigest: bundle.commitmentDigest.hex, runKey: bundle.runKey.hex,
            beacon: beacon.value.hex, beaconSource: beacon.source, challengeSeed: challengeSeed.hex,
            stepsChecked: challengedSteps,
            leavesChecked: challengedSteps.map { .init(step: $0, leaves: challengedLeaves[$0] ?? []) },
            checks: checks, checksNotRun: checksNotRun, leafOnlyReason: leafOnlyReason, estimatedPeakBytes: estimatedPeakBytes,
            failedChecks: failed, timings: timings,
            policy: policy)
    }

    /// The relative error of a claimed value against a recomputed one.
    static func relativeError(claimed: Float, recomputed: Float) -> Float {
        abs(claimed - recomputed) / max(abs(recomputed), Float.leastNormalMagnitude)
    }
}
