/// A challenged step's re-execution at theta_{t-1} on batch t: its loss and fp32 gradient,
/// or why it could not be recomputed.
struct StepRecomputation: Sendable {
    let loss: Float
    let gradient: [Float]

    /// Re-executes step t of `bundle` at `theta` (theta_{t-1}).
    static func run(_ t: Int, bundle: ProofBundle, workload: PoGOWorkload, theta: [Float]) -> Result<StepRecomputation, any Error> {
        Result {
            let indices = try ChallengeDerivation.batchIndices(
                datasetDigest: bundle.datasetDigest, blockSeed: bundle.blockSeed, step: t,
                batchSize: bundle.batchSize, exampleCount: workload.exampleCount)
            var gradient: [Float] = []
            let loss = try workload.lossAndGradient(parameters: theta, indices: indices, gradient: &gradient)
            return StepRecomputation(loss: loss, gradient: gradient)
        }
    }
}
