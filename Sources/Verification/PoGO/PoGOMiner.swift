/// A reference PoGO miner: trains with the pogo/1 quantized update rule and records every
/// commitment a bundle needs.
///
/// Each step computes the fp32 gradient of the mean loss at theta_{t-1} on batch t, quantizes
/// it, and applies the *quantized* gradient (theta_t = theta_{t-1} - lr * (scale * code)), so
/// any verifier rebuilds theta_t bit for bit.
public struct PoGOMiner: Sendable {
    /// The run's public settings, as they appear in the bundle.
    public struct Settings: Sendable, Hashable {
        public var model: ProofBundle.Model
        public var datasetDigest: Digest
        public var learningRate: Float
        public var batchSize: Int
        public var evaluationBatchSize: Int
        public var blockSeed: Digest
        /// The optimizer consuming the committed gradients. Default SGD.
        public var optimizer: Optimizer

        public init(model: ProofBundle.Model, datasetDigest: Digest, learningRate: Float, batchSize: Int,
                    evaluationBatchSize: Int, blockSeed: Digest, optimizer: Optimizer = .sgd) {
            self.model = model
            self.datasetDigest = datasetDigest
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.evaluationBatchSize = evaluationBatchSize
            self.blockSeed = blockSeed
            self.optimizer = optimizer
        }

        /// The learning rate and optimizer.
        public var updateRule: UpdateRule { UpdateRule(learningRate: learningRate, optimizer: optimizer) }
    }

    /// Changes the optimizer state before step t is applied: the honest miner leaves it alone;
    /// forgery tests reset or alter moments.
    public typealias StateChoice = (_ step: Int, _ state: inout OptimizerState) -> Void

    /// Chooses the fp32 gradient committed at `step` from theta_{t-1} and the honest gradient.
    /// The honest miner commits `honest`; experiments and forgery tests substitute others.
    public typealias GradientChoice = (_ step: Int, _ theta: [Float], _ honest: [Float]) throws -> [Float]

    public let settings: Settings
    public let workload: PoGOWorkload

    /// A miner over the data set file bytes `datasetBytes`; its digest must be `settings.datasetDigest`.
    public init(settings: Settings, datasetBytes: [UInt8]) throws {
        precondition(SHA256.hash(datasetBytes) == settings.datasetDigest, "data set bytes do not match the digest")
        self.settings = settings
        workload = try PoGOWorkload(model: settings.model, datasetBytes: datasetBytes)
    }

    /// The indices of training batch `step` (1-based).
    public func batch(_ step: Int) throws -> [Int] {
        try ChallengeDerivation.batchIndices(
            datasetDigest: settings.datasetDigest, blockSeed: settings.blockSeed, step: step,
            batchSize: settings.batchSize, exampleCount: workload.exampleCount)
    }

    /// Chooses the quantized gradient committed at `step` from theta_{t-1} and the honest fp32
    /// gradient: for forgeries that write scales and codes directly rather than quantize.
    public typealias CommitmentChoice = (_ step: Int, _ theta: [Float], _ honest: [Float]) throws -> QuantizedGradient

    /// Trains `steps` steps from `theta0`, committing `choose(t, theta, honest)` at each step.
    public func mine(theta0: [Float], steps: Int, choose: GradientChoice = { _, _, honest in honest }) throws -> MinedRun {
        try mine(theta0: theta0, steps: steps, commit: { t, theta, honest in
            try QuantizedGradient(quantizing: try choose(t, theta, honest))
        })
    }

    /// Trains `steps` steps from `theta0`, committing and applying `commit(t, theta, honest)` at
    /// each step, with the optimizer state as `alterState` leaves it.
    public func mine(theta0: [Float], steps: Int, commit: CommitmentChoice,
                     alterState: StateChoice = { _, _ in }) throws -> MinedRun {
        let rule = settings.updateRule
        var state = rule.initialState(count: theta0.count)
        var theta = theta0
        var gradient: [Float] = []
        var committed: [QuantizedGradient] = []
        var records: [MinedRun.Step] = []
        for t in stride(from: 1, through: steps, by: 1) {
            let loss = try workload.lossAndGradient(parameters: theta, indices: try batch(t), gradient: &gradient)
            let q = try commit(t, theta, gradient)
            alterState(t, &state)
            try rule.apply(q, step: t, to: &theta, state: &state)
            records.append(MinedRun.Step(
                weightsRoot: try ParameterCommitment(parameters: theta).root,
                gradientRoot: q.merkleRoot(), loss: loss))
            committed.append(q)
        }
        let evaluation = try ChallengeDerivation.publicEvaluationBatch(
            datasetDigest: settings.datasetDigest, blockSeed: settings.blockSeed,
            batchSize: settings.evaluationBatchSize, exampleCount: workload.exampleCount)
        return MinedRun(
            settings: settings, layout: workload.layout, theta0: theta0,
            theta0Root: try ParameterCommitment(parameters: theta0).root, gradients: committed, steps: records,
            initialEvaluationLoss: try workload.loss(parameters: theta0, indices: evaluation),
            finalEvaluationLoss: try workload.loss(parameters: theta, indices: evaluation))
    }
}
