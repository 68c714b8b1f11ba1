/// A run's update rule: its learning rate and optimizer applied to committed quantized
/// gradients, reproducible bit for bit.
///
/// SGD is `QuantizedUpdate`'s three roundings. AdamW, per parameter at step t with the
/// dequantized gradient, is a fixed sequence of separately rounded fp32 operations, none fused
/// (docs/protocol-parts/quantization.md, "AdamW"):
///
///     g = scale * code
///     m = beta1 * m + (1 - beta1) * g              (1 - beta1 rounded once per run)
///     v = beta2 * v + (1 - beta2) * (g * g)
///     mhat = m / bc1;  vhat = v / bc2              (`AdamW.biasCorrections(step:)`)
///     u = mhat / (sqrt(vhat) + eps)
///     theta = theta * (1 - lr * wd) - lr * u       (1 - lr * wd rounded once per run)
///
/// Swift emits no floating-point contraction, so each line compiles to separate operations;
/// the tests compare with numpy float32 bit for bit.
public struct UpdateRule: Sendable, Hashable {
    public let learningRate: Float
    public let optimizer: Optimizer

    public init(learningRate: Float, optimizer: Optimizer = .sgd) {
        self.learningRate = learningRate
        self.optimizer = optimizer
    }

    /// Zero state for `count` parameters.
    public func initialState(count: Int) -> OptimizerState {
        OptimizerState(optimizer: optimizer, count: count)
    }

    /// Applies step t (1-based) to the whole vector.
    public func apply(_ gradient: QuantizedGradient, step t: Int, to theta: inout [Float], state: inout OptimizerState) throws {
        switch optimizer {
        case .sgd:
            try QuantizedUpdate.apply(gradient, learningRate: learningRate, to: &theta)
        case let .adamw(adam):
            try check(theta.count, gradient.parameterCount, state)
            adamKernel(adam, step: t, &theta, &state, scales: gradient.scales, codes: gradient.packedCodes)
        }
    }

    /// Applies step t to one leaf (its parameters and their moments), as opened from a proof.
    public func apply(_ leaf: GradientLeaf, step t: Int, to thetaLeaf: inout [Float], state: inout OptimizerState) throws {
        switch optimizer {
        case .sgd:
            try QuantizedUpdate.apply(leaf, learningRate: learningRate, to: &thetaLeaf)
        case let .adamw(adam):
            try check(thetaLeaf.count, leaf.parameterCount, state)
            adamKernel(adam, step: t, &thetaLeaf, &state, scales: leaf.scales, codes: leaf.packedCodes)
        }
    }

    /// Applies step t to the whole vector and returns the commitment to the result (as
    /// `QuantizedUpdate.applyAndCommit`: a non-finite result throws `CommitmentError.nonFinite`
    /// after the update).
    public func applyAndCommit(_ gradient: QuantizedGradient, step t: Int, to theta: inout [Float],
                               state: inout OptimizerState) throws -> ParameterCommitment {
        switch optimizer {
        case .sgd:
            return try QuantizedUpdate.applyAndCommit(gradient, learningRate: learningRate, to: &theta)
        case .adamw:
            try apply(gradient, step: t, to: &theta, state: &state)
            return try ParameterCommitment(parameters: theta)
        }
    }

    private func check(_ thetaCount: Int, _ gradientCount: Int, _ state: OptimizerState) throws {
        try QuantizedUpdate.checkLearningRate(learningRate)
        guard thetaCount == gradientCount else {
            throw QuantizationError.parameterCountMismatch(got: thetaCount, want: gradientCount)
        }
        guard state.m.count == thetaCount, state.v.count == thetaCount else {
            throw QuantizationError.parameterCountMismatch(got: state.m.count, want: thetaCount)
        }
    }

    /// AdamW over `theta` (a run of parameters starting a block) with `scales` and `codes`
    /// starting at that block.
    private func adamKernel(_ adam: AdamW, step t: Int, _ theta: inout [Float], _ state: inout OptimizerState,
                            scales: [Float], codes: [UInt8]) {
        let (bc1, bc2) = adam.biasCorrections(step: t)
        let (beta1, beta2, eps, lr) = (adam.beta1, adam.beta2, adam.eps, learningRate)
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2
        let lrWd = lr * adam.weightDecay
        let decay = 1 - lrWd
        for j in theta.indices {
            let byte = codes[j / 2]
            let code = j % 2 == 0 ? Int8(bitPattern: byte << 4) >> 4 : Int8(bitPattern: byte) >> 4
            let g = scales[j / QuantizedGradient.blockSize] * Float(code)
            let m1 = beta1 * state.m[j]
            let m2 = oneMinusBeta1 * g
            let m = m1 + m2
            let gg = g * g
            let v1 = beta2 * state.v[j]
            let v2 = oneMinusBeta2 * gg
            let v = v1 + v2
            let mhat = m / bc1
            let vhat = v / bc2
            let root = vhat.squareRoot()
            let denom = root + eps
            let u = mhat / denom
            let decayed = theta[j] * decay
            let s = lr * u
            theta[j] = decayed - s
            state.m[j] = m
            state.v[j] = v
        }
    }
}
