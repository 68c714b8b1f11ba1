extension VerificationRun {
    /// "progress.publicInitialLoss" and "progress.publicFinalLoss": the claimed public-batch
    /// losses of theta_0 and theta_N match recomputation; "progress.secretImprovement": on the
    /// secret batch drawn from the challenge seed, loss(theta_N) <= loss(theta_0) * (1 - margin).
    mutating func checkProgress(workload: PoGOWorkload, theta0: [Float], thetaN: [Float]) {
        let n = workload.exampleCount, e = bundle.evaluationBatchSize
        do {
            let publicBatch = try ChallengeDerivation.publicEvaluationBatch(
                datasetDigest: bundle.datasetDigest, blockSeed: bundle.blockSeed, batchSize: e, exampleCount: n)
            record(lossCheck("progress.publicInitialLoss", claimed: bundle.initialEvaluationLoss,
                             recomputed: try workload.loss(parameters: theta0, indices: publicBatch)))
            record(lossCheck("progress.publicFinalLoss", claimed: bundle.finalEvaluationLoss,
                             recomputed: try workload.loss(parameters: thetaN, indices: publicBatch)))
        } catch {
            record(.init(name: "progress.publicInitialLoss", passed: false, detail: "cannot evaluate: \(error)"))
            return
        }
        let name = "progress.secretImprovement"
        do {
            let secret = try ChallengeDerivation.secretEvaluationBatch(challengeSeed: challengeSeed, batchSize: e, exampleCount: n)
            let initial = try workload.loss(parameters: theta0, indices: secret)
            let final = try workload.loss(parameters: thetaN, indices: secret)
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
