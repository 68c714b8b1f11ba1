/// The four evaluation losses the progress checks compare, each recomputed or why not.
struct ProgressEvaluation: Sendable {
    var publicInitial: Result<Float, any Error>
    var publicFinal: Result<Float, any Error>
    var secretInitial: Result<Float, any Error>
    var secretFinal: Result<Float, any Error>

    /// The public evaluation batch (from the block seed) and the secret one (from the
    /// challenge seed), drawn once; a batch that cannot be drawn carries the error.
    struct Batches: Sendable {
        let publicBatch: Result<[Int], any Error>
        let secretBatch: Result<[Int], any Error>

        init(bundle: ProofBundle, challengeSeed: Digest, exampleCount n: Int) {
            let e = bundle.evaluationBatchSize
            publicBatch = Result {
                try ChallengeDerivation.publicEvaluationBatch(
                    datasetDigest: bundle.datasetDigest, blockSeed: bundle.blockSeed, batchSize: e, exampleCount: n)
            }
            secretBatch = Result { try ChallengeDerivation.secretEvaluationBatch(challengeSeed: challengeSeed, batchSize: e, exampleCount: n) }
        }

        /// The loss of `theta` on the public batch and on the secret batch, as two jobs.
        func jobs(workload: PoGOWorkload, theta: [Float]) -> (public: @Sendable () -> Result<Float, any Error>,
                                                               secret: @Sendable () -> Result<Float, any Error>) {
            let (publicBatch, secretBatch) = (publicBatch, secretBatch)
            return ({ Result { try workload.loss(parameters: theta, indices: try publicBatch.get()) } },
                    { Result { try workload.loss(parameters: theta, indices: try secretBatch.get()) } })
        }
    }
}

extension VerificationRun {
    /// "progress.publicInitialLoss" and "progress.publicFinalLoss": the claimed public-batch
    /// losses of theta_0 and theta_N match recomputation; "progress.secretImprovement": on the
    /// secret batch drawn from the challenge seed, loss(theta_N) <= loss(theta_0) * (1 - margin).
    ///
    /// The losses are computed beforehand (in the background); the checks are recorded exactly
    /// as a sequential evaluation would: the first failing public computation ends the
    /// progress checks, the secret pair is all or nothing.
    mutating func checkProgress(_ losses: ProgressEvaluation) {
        do {
            record(lossCheck(.progressPublicInitialLoss, claimed: bundle.initialEvaluationLoss,
                             recomputed: try losses.publicInitial.get()))
            record(lossCheck(.progressPublicFinalLoss, claimed: bundle.finalEvaluationLoss,
                             recomputed: try losses.publicFinal.get()))
        } catch {
            record(.init(name: .progressPublicInitialLoss, passed: false, detail: "cannot evaluate: \(error)"))
            return
        }
        let name = VerificationReport.CheckName.progressSecretImprovement
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
