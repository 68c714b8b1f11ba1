/// The four evaluation losses the progress checks compare, each recomputed or why not.
///
/// Batches are drawn first (cheap); `jobs` gives the four forward passes as independent jobs
/// so they can run beside the challenged steps; `VerificationRun.checkProgress` then records
/// the checks in the order a sequential evaluation would.
struct ProgressEvaluation: Sendable {
    var publicInitial: Result<Float, any Error>
    var publicFinal: Result<Float, any Error>
    var secretInitial: Result<Float, any Error>
    var secretFinal: Result<Float, any Error>

    /// The jobs computing, in order, loss(theta_0) and loss(theta_N) on the public evaluation
    /// batch, then on the secret batch drawn from `challengeSeed`. A batch that cannot be drawn
    /// makes both of its jobs return that error.
    static func jobs(
        bundle: ProofBundle, challengeSeed: Digest, workload: PoGOWorkload, theta0: [Float], thetaN: [Float]
    ) -> [@Sendable () -> Result<Float, any Error>] {
        let n = workload.exampleCount, e = bundle.evaluationBatchSize
        let publicBatch = Result {
            try ChallengeDerivation.publicEvaluationBatch(
                datasetDigest: bundle.datasetDigest, blockSeed: bundle.blockSeed, batchSize: e, exampleCount: n)
        }
        let secretBatch = Result { try ChallengeDerivation.secretEvaluationBatch(challengeSeed: challengeSeed, batchSize: e, exampleCount: n) }
        let loss = { @Sendable (theta: [Float], batch: Result<[Int], any Error>) -> Result<Float, any Error> in
            Result { try workload.loss(parameters: theta, indices: try batch.get()) }
        }
        return [
            { loss(theta0, publicBatch) }, { loss(thetaN, publicBatch) },
            { loss(theta0, secretBatch) }, { loss(thetaN, secretBatch) },
        ]
    }
}

extension VerificationRun {
    /// "progress.publicInitialLoss" and "progress.publicFinalLoss": the claimed public-batch
    /// losses of theta_0 and theta_N match recomputation; "progress.secretImprovement": on the
    /// secret batch drawn from the challenge seed, loss(theta_N) <= loss(theta_0) * (1 - margin).
    ///
    /// The checks are recorded exactly as a sequential evaluation would: the first failing
    /// public computation ends the progress checks, the secret pair is all or nothing.
    mutating func checkProgress(_ losses: ProgressEvaluation) {
        do {
            record(lossCheck("progress.publicInitialLoss", claimed: bundle.initialEvaluationLoss,
                             recomputed: try losses.publicInitial.get()))
            record(lossCheck("progress.publicFinalLoss", claimed: bundle.finalEvaluationLoss,
                             recomputed: try losses.publicFinal.get()))
        } catch {
            record(.init(name: "progress.publicInitialLoss", passed: false, detail: "cannot evaluate: \(error)"))
            return
        }
        let name = "progress.secretImprovement"
        do {
            let initial = try losses.secretInitial.get()
            let final = try losses.secretFinal.get()
            let bound = initial * (1 - policy.progressMargin)
            var m = VerificationReport.Measurements()
            m.claimedLoss = initial
            m.recomputedLoss = final
            m.lossRelativeError = (initial - final) / max(abs(initial), Float.leastNormalMagnitude)
            let ok = final.isFinite && final <= bound
            record(.init(name: name, passed: ok, detail:
                "secret batch loss \(initial) -> \(final), relative improvement \(m.lossRelativeError!) (required \(policy.progressMargin))",
                measured: m))
        } catch {
            record(.init(name: name, passed: false, detail: "cannot evaluate: \(error)"))
        }
    }
}
