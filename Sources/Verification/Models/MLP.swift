/// A batch of tabular examples for the MLP.
public struct MLPBatch: Sendable, Hashable {
    /// (B, inputs) row-major features.
    public var features: [Float]
    /// (B) class labels, each in 0..<classes.
    public var labels: [Int32]

    public init(features: [Float], labels: [Int32]) {
        self.features = features
        self.labels = labels
    }
}

/// The "mlp" architecture: dense layers with tanh or ReLU between them and softmax
/// cross-entropy over class labels, averaged over the batch.
///
/// With widths `d = [inputs] + hidden + [classes]` and K = d.count - 1 layers, layer i has
/// "layers.{i}.weight" (d[i+1], d[i]) and "layers.{i}.bias" (d[i+1]);
/// `z_i = a_i · W_iᵀ + b_i`, `a_0 = x`, `a_{i+1} = act(z_i)` for i < K-1, logits = z_{K-1}.
/// The parameter buffer orders tensors by name byte-wise (so "layers.10" sorts before "layers.2").
public struct MLP: TrainableModel {
    /// The hidden-layer nonlinearity.
    public enum Activation: String, Sendable, Hashable, CaseIterable {
        case tanh, relu
    }

    /// Architecture hyperparameters.
    public struct Config: Sendable, Hashable {
        public var inputs: Int
        public var hidden: [Int]
        public var classes: Int
        public var activation: Activation

        public init(inputs: Int, hidden: [Int], classes: Int, activation: Activation) {
            self.inputs = inputs
            self.hidden = hidden
            self.classes = classes
            self.activation = activation
        }

        var widths: [Int] { [inputs] + hidden + [classes] }
    }

    public let config: Config
    public let layout: ParameterLayout

    /// Validates the config: every width at least 1, and at least 2 classes.
    public init(_ config: Config) throws {
        guard config.widths.allSatisfy({ $0 >= 1 }), config.classes >= 2 else {
            throw ModelError.invalidConfig("mlp widths \(config.widths) must be >= 1 with >= 2 classes")
        }
        self.config = config
        let w = config.widths
        var tensors: [(name: String, shape: [Int])] = []
        for i in 0..<w.count - 1 {
            tensors.append((name: "layers.\(i).weight", shape: [w[i + 1], w[i]]))
            tensors.append((name: "layers.\(i).bias", shape: [w[i + 1]]))
        }
        layout = ParameterLayout(tensors)
    }

    public func loss(parameters: [Float], batch: MLPBatch) throws -> Float {
        var unused: [Float] = []
        return try run(parameters, batch, gradient: &unused, backward: false)
    }

    public func lossAndGradient(parameters: [Float], batch: MLPBatch, gradient: inout [Float]) throws -> Float {
        try run(parameters, batch, gradient: &gradient, backward: true)
    }

    /// Xavier-uniform weights, `bound = sqrt(6 / (fan_in + fan_out))`, and zero biases,
    /// drawn in canonical tensor order from one `SplitMix64(seed:)` stream.
    public func initialParameters(seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var buffer = [Float](repeating: 0, count: layout.count)
        for slot in layout.slots where slot.name.hasSuffix(".weight") {
            Initializer.uniform(&buffer, slot, bound: (6.0 / Double(slot.shape[0] + slot.shape[1])).squareRoot(), &rng)
        }
        return buffer
    }

    private func validate(_ parameters: [Float], _ batch: MLPBatch) throws -> Int {
        try checkParameterCount(parameters)
        let B = batch.labels.count
        guard B > 0 else { throw ModelError.emptyBatch }
        guard batch.features.count == B * config.inputs else {
            throw ModelError.batchShapeMismatch(field: "features", got: batch.features.count, want: B * config.inputs)
        }
        if let bad = batch.labels.firstIndex(where: { $0 < 0 || Int($0) >= config.classes }) {
            throw ModelError.labelOutOfRange(index: bad, label: batch.labels[bad], classes: config.classes)
        }
        return B
    }

    func run(_ parameters: [Float], _ batch: MLPBatch, gradient: inout [Float], backward: Bool,
             arena: FloatArena = FloatArena()) throws -> Float {
        let B = try validate(parameters, batch)
        let w = config.widths
        let K = w.count - 1
        // acts[i]: a_i (B, w[i]); pre[i]: z_i (B, w[i+1]).
        let acts = w.map { arena.make(B * $0) }
        let pre = (0..<K).map { arena.make(B * w[$0 + 1]) }
        let probs = arena.make(B * config.classes), losses = arena.make(B)
        acts[0].update(from: batch.features, count: B * w[0])
        if backward { gradient = [Float](repeating: 0, count: layout.count) }
        return parameters.withUnsafeBufferPointer { pp in
            let p = pp.baseAddress!
            let weight = { (i: Int) in p + layout.offset("layers.\(i).weight") }
            let bias = { (i: Int) in p + layout.offset("layers.\(i).bias") }
            for i in 0..<K {
                matmulForward(out: pre[i], inp: acts[i], weight: weight(i), bias: bias(i), N: B, C: w[i], OC: w[i + 1])
                if i < K - 1 { activate(out: acts[i + 1], inp: pre[i], count: B * w[i + 1]) }
            }
            let mean = batch.labels.withUnsafeBufferPointer {
                crossEntropyForward(losses: losses, probs: probs, logits: pre[K - 1], targets: $0.baseAddress!, N: B, V: config.classes)
            }
            guard backward else { return mean }
            let dpre = (0..<K).map { arena.make(B * w[$0 + 1]) }
            let dacts = w.map { arena.make(B * $0) }
            batch.labels.withUnsafeBufferPointer {
                crossEntropyBackward(dlogits: dpre[K - 1], probs: probs, targets: $0.baseAddress!, N: B, V: config.classes, dloss: 1 / Float(B))
            }
            gradient.withUnsafeMutableBufferPointer { gp in
                let g = gp.baseAddress!
                for i in stride(from: K - 1, through: 0, by: -1) {
                    matmulBackward(dinp: i > 0 ? dacts[i] : nil, dweight: g + layout.offset("layers.\(i).weight"),
                                   dbias: g + layout.offset("layers.\(i).bias"), dout: dpre[i], inp: acts[i],
                                   weight: weight(i), N: B, C: w[i], OC: w[i + 1])
                    if i > 0 { activateBackward(dinp: dpre[i - 1], out: acts[i], dout: dacts[i], count: B * w[i]) }
                }
            }
            return mean
        }
    }

    /// Floats `run` allocates for each example: activations and pre-activations of every layer,
    /// probabilities and the loss, and with `backward` their gradients.
    func activationFloats(backward: Bool) -> Int {
        let w = config.widths
        let forward = w.reduce(0, +) + w.dropFirst().reduce(0, +) + config.classes + 1
        return forward + (backward ? w.reduce(0, +) + w.dropFirst().reduce(0, +) : 0)
    }

    private func activate(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        switch config.activation {
        case .tanh: tanhForward(out: out, inp: inp, count: count)
        case .relu: reluForward(out: out, inp: inp, count: count)
        }
    }

    private func activateBackward(dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>, dout: UnsafePointer<Float>, count: Int) {
        switch config.activation {
        case .tanh: tanhBackward(dinp: dinp, out: out, dout: dout, count: count)
        case .relu: reluBackward(dinp: dinp, out: out, dout: dout, count: count)
        }
    }
}
