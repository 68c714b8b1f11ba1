/// What consumes the committed 4-bit gradient at each step: plain SGD (pogo/1's original rule)
/// or AdamW with committed fp32 hyperparameters (docs/protocol-parts/quantization.md).
public enum Optimizer: Sendable, Hashable {
    /// theta_t = theta_{t-1} - lr * (scale * code) (`QuantizedUpdate`).
    case sgd
    /// AdamW on the dequantized gradient (`AdamW`).
    case adamw(AdamW)

    /// Parameter-sized fp32 vectors of state besides theta: 0 for SGD, 2 (m and v) for AdamW.
    public var stateVectors: Int {
        switch self {
        case .sgd: 0
        case .adamw: 2
        }
    }
}

/// AdamW's committed hyperparameters, each an fp32 value.
public struct AdamW: Sendable, Hashable {
    public var beta1: Float
    public var beta2: Float
    public var eps: Float
    public var weightDecay: Float

    public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    /// The first unusable value (its name and why), or nil: betas in [0, 1), eps positive and
    /// finite, weight decay non-negative and finite.
    public var invalid: (field: String, reason: String)? {
        if !(beta1 >= 0 && beta1 < 1) { return ("beta1", "must be in [0, 1), got \(beta1)") }
        if !(beta2 >= 0 && beta2 < 1) { return ("beta2", "must be in [0, 1), got \(beta2)") }
        if !(eps.isFinite && eps > 0) { return ("eps", "must be positive and finite, got \(eps)") }
        if !(weightDecay.isFinite && weightDecay >= 0) { return ("weightDecay", "must be non-negative and finite, got \(weightDecay)") }
        return nil
    }

    /// The bias corrections of step t (1-based): `bc1 = 1 - p1`, `bc2 = 1 - p2` where
    /// `p1 = beta1^t` and `p2 = beta2^t` are computed as t fp32 multiplications from 1
    /// (p = p * beta, each rounded), not by a power function (whose rounding differs
    /// between libraries).
    public func biasCorrections(step t: Int) -> (bc1: Float, bc2: Float) {
        precondition(t >= 1, "steps are 1-based, got \(t)")
        var p1: Float = 1, p2: Float = 1
        for _ in 0..<t {
            p1 = p1 * beta1
            p2 = p2 * beta2
        }
        return (1 - p1, 1 - p2)
    }
}

/// The moments of AdamW over some parameters (a whole vector or one leaf); empty for SGD.
public struct OptimizerState: Sendable, Hashable {
    /// First moment m, one per parameter.
    public var m: [Float]
    /// Second moment v, one per parameter.
    public var v: [Float]

    /// Zero moments for `count` parameters under `optimizer` (none for SGD).
    public init(optimizer: Optimizer, count: Int) {
        let n = optimizer.stateVectors > 0 ? count : 0
        m = [Float](repeating: 0, count: n)
        v = [Float](repeating: 0, count: n)
    }

    init(m: [Float], v: [Float]) {
        self.m = m
        self.v = v
    }

    /// The moments of parameters `range` (empty when there are none).
    public func slice(_ range: Range<Int>) -> OptimizerState {
        m.isEmpty ? self : OptimizerState(m: Array(m[range]), v: Array(v[range]))
    }
}
