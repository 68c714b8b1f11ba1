/// A bundle's model bound to its data set: loss and gradient of a parameter vector on the
/// examples at given indices, whatever the architecture.
///
/// Both the verifier and the reference miner go through this type, so batches are built from
/// example indices in exactly one way: tabular rows for "mlp", windows of `context + 1`
/// bytes for "gpt", windows of `n_positions + 1` tokens of an llm.c token file for "gpt2".
public struct PoGOWorkload: Sendable {
    /// Why a model and a data set do not fit together.
    public enum Mismatch: Error, Equatable, Sendable {
        case invalidModel(String)
        case datasetNotParsable(String)
        case shapeMismatch(String)
    }

    private enum Bound: Sendable {
        case mlp(MLP, TabularDataset)
        case gpt(GPT, TextDataset)
        case gpt2(GPT2, TokenDataset)
    }

    private let bound: Bound
    /// Tensor names, shapes and offsets of the parameter vector.
    public let layout: ParameterLayout
    /// Number of examples batches are drawn from.
    public let exampleCount: Int
    /// Largest activation memory, in bytes, of one pass; a batch whose activations need more is
    /// run in chunks of whole examples, so that a long context or a large batch cannot take
    /// the verifier's memory. Default `defaultActivationBudgetBytes`.
    public var activationBudgetBytes = PoGOWorkload.defaultActivationBudgetBytes

    /// 1.5 GiB: one example of a 12-layer, 768-channel, 12-head GPT at 1,024 tokens (GPT-2
    /// small's shape) needs 1.27 GB for a forward and backward pass, and fits.
    public static let defaultActivationBudgetBytes = 3 << 29

    /// Binds `model` to the data set file bytes `bytes`; a mismatch (a text file for an MLP,
    /// an MLP whose inputs or classes differ from the table) is thrown as `Mismatch`.
    public init(model: ProofBundle.Model, datasetBytes bytes: [UInt8]) throws(Mismatch) {
        switch model {
        case let .mlp(inputs, hidden, classes, activationName):
            guard let activation = MLP.Activation(rawValue: activationName) else {
                throw .invalidModel("unknown activation \(activationName)")
            }
            let mlp: MLP
            do { mlp = try MLP(MLP.Config(inputs: inputs, hidden: hidden, classes: classes, activation: activation)) } catch {
                throw .invalidModel(String(describing: error))
            }
            let table: TabularDataset
            do { table = try TabularDataset(bytes: bytes) } catch { throw .datasetNotParsable(String(describing: error)) }
            guard inputs == TabularDataset.featureCount, classes == TabularDataset.classes else {
                throw .shapeMismatch("mlp has \(inputs) inputs and \(classes) classes; the data set has "
                    + "\(TabularDataset.featureCount) features and \(TabularDataset.classes) classes")
            }
            bound = .mlp(mlp, table)
            layout = mlp.layout
            exampleCount = table.count
        case let .gpt(layers, channels, heads, context):
            let gpt: GPT
            do { gpt = try GPT(GPT.Config(layers: layers, channels: channels, heads: heads, context: context)) } catch {
                throw .invalidModel(String(describing: error))
            }
            let text: TextDataset
            do { text = try TextDataset(bytes: bytes) } catch { throw .datasetNotParsable(String(describing: error)) }
            guard text.exampleCount(T: context) >= 1 else {
                throw .shapeMismatch("text of \(text.bytes.count) bytes is too short for context \(context)")
            }
            bound = .gpt(gpt, text)
            layout = gpt.layout
            exampleCount = text.exampleCount(T: context)
        case let .gpt2(config):
            let gpt2: GPT2
            do { gpt2 = try GPT2(config) } catch { throw .invalidModel(String(describing: error)) }
            let tokens: TokenDataset
            do { tokens = try TokenDataset(bytes: bytes) } catch { throw .datasetNotParsable(String(describing: error)) }
            guard tokens.maxToken < config.vocabulary else {
                throw .shapeMismatch("the token file holds token \(tokens.maxToken), outside the vocabulary of \(config.vocabulary)")
            }
            guard tokens.exampleCount(T: config.positions) >= 1 else {
                throw .shapeMismatch("\(tokens.tokens.count) tokens are too few for n_positions \(config.positions)")
            }
            bound = .gpt2(gpt2, tokens)
            layout = gpt2.layout
            exampleCount = tokens.exampleCount(T: config.positions)
        }
    }

    /// Bytes of activations one pass allocates per example (forward only, or forward and backward).
    public func activationBytesPerExample(backward: Bool) -> Int {
        switch bound {
        case let .mlp(model, _): MemoryLayout<Float>.size * model.activationFloats(backward: backward)
        case let .gpt(model, _): MemoryLayout<Float>.size * model.activationFloats(T: model.config.context, backward: backward)
        case let .gpt2(model, _): MemoryLayout<Float>.size * model.activationFloats(T: model.config.positions, backward: backward)
        }
    }

    /// The same for `model` without a data set; nil for a configuration no model accepts.
    public static func activationBytesPerExample(model: ProofBundle.Model, backward: Bool) -> Int? {
        switch model {
        case let .mlp(inputs, hidden, classes, activationName):
            guard let activation = MLP.Activation(rawValue: activationName),
                  let mlp = try? MLP(MLP.Config(inputs: inputs, hidden: hidden, classes: classes, activation: activation)) else { return nil }
            return MemoryLayout<Float>.size * mlp.activationFloats(backward: backward)
        case let .gpt(layers, channels, heads, context):
            guard let gpt = try? GPT(GPT.Config(layers: layers, channels: channels, heads: heads, context: context)) else { return nil }
            return MemoryLayout<Float>.size * gpt.activationFloats(T: context, backward: backward)
        case let .gpt2(config):
            guard let gpt2 = try? GPT2(config) else { return nil }
            return MemoryLayout<Float>.size * gpt2.activationFloats(T: config.positions, backward: backward)
        }
    }

    /// Examples per pass within `activationBudgetBytes`; at least 1.
    public func examplesPerPass(backward: Bool) -> Int {
        max(1, activationBudgetBytes / max(1, activationBytesPerExample(backward: backward)))
    }

    /// The mean loss of `parameters` on the examples at `indices`. Above `examplesPerPass`
    /// examples, the passes run on consecutive chunks and the mean is their example-weighted
    /// mean, summed in binary64.
    public func loss(parameters: [Float], indices: [Int]) throws -> Float {
        let chunk = examplesPerPass(backward: false)
        let arena = FloatArena()
        guard indices.count > chunk else { return try passLoss(parameters, indices, arena) }
        var sum = 0.0
        for start in stride(from: 0, to: indices.count, by: chunk) {
            let part = Array(indices[start..<min(start + chunk, indices.count)])
            arena.rewind()
            sum += Double(try passLoss(parameters, part, arena)) * Double(part.count)
        }
        return Float(sum / Double(indices.count))
    }

    /// The mean loss of `parameters` on the examples at `indices`, and its gradient. Above
    /// `examplesPerPass` examples, chunk gradients are added in fp32, each times
    /// (its examples / all examples): the same mean up to rounding.
    public func lossAndGradient(parameters: [Float], indices: [Int], gradient: inout [Float]) throws -> Float {
        let chunk = examplesPerPass(backward: true)
        let arena = FloatArena()
        guard indices.count > chunk else { return try passLossAndGradient(parameters, indices, &gradient, arena) }
        gradient = [Float](repeating: 0, count: layout.count)
        var sum = 0.0
        var part: [Float] = []
        for start in stride(from: 0, to: indices.count, by: chunk) {
            let slice = Array(indices[start..<min(start + chunk, indices.count)])
            arena.rewind()
            sum += Double(try passLossAndGradient(parameters, slice, &part, arena)) * Double(slice.count)
            let weight = Float(slice.count) / Float(indices.count)
            for i in gradient.indices { gradient[i] += part[i] * weight }
        }
        return Float(sum / Double(indices.count))
    }

    /// One pass, its activations from `arena` (rewound by the caller between passes).
    private func passLoss(_ parameters: [Float], _ indices: [Int], _ arena: FloatArena) throws -> Float {
        var unused: [Float] = []
        return try passRun(parameters, indices, &unused, backward: false, arena)
    }

    private func passLossAndGradient(_ parameters: [Float], _ indices: [Int], _ gradient: inout [Float],
                                     _ arena: FloatArena) throws -> Float {
        try passRun(parameters, indices, &gradient, backward: true, arena)
    }

    private func passRun(_ parameters: [Float], _ indices: [Int], _ gradient: inout [Float], backward: Bool,
                         _ arena: FloatArena) throws -> Float {
        switch bound {
        case let .mlp(model, data):
            try model.run(parameters, data.batch(indices: indices), gradient: &gradient, backward: backward, arena: arena)
        case let .gpt(model, data):
            try model.run(parameters, data.batch(indices: indices, T: model.config.context), gradient: &gradient,
                          backward: backward, arena: arena)
        case let .gpt2(model, data):
            try model.run(parameters, data.batch(indices: indices, T: model.config.positions), gradient: &gradient,
                          backward: backward, arena: arena)
        }
    }

    /// The seeded initial parameters of the model (for miners).
    public func initialParameters(seed: UInt64) -> [Float] {
        switch bound {
        case let .mlp(model, _): model.initialParameters(seed: seed)
        case let .gpt(model, _): model.initialParameters(seed: seed)
        case let .gpt2(model, _): model.initialParameters(seed: seed)
        }
    }
}
