/// A bundle's model bound to its data set: loss and gradient of a parameter vector on the
/// examples at given indices, whatever the architecture.
///
/// Both the verifier and the reference miner go through this type, so batches are built from
/// example indices in exactly one way: tabular rows for "mlp", windows of `context + 1`
/// bytes for "gpt".
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
    }

    private let bound: Bound
    /// Tensor names, shapes and offsets of the parameter vector.
    public let layout: ParameterLayout
    /// Number of examples batches are drawn from.
    public let exampleCount: Int

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
        }
    }

    /// The mean loss of `parameters` on the examples at `indices`.
    public func loss(parameters: [Float], indices: [Int]) throws -> Float {
        switch bound {
        case let .mlp(model, data): try model.loss(parameters: parameters, batch: data.batch(indices: indices))
        case let .gpt(model, data): try model.loss(parameters: parameters, batch: data.batch(indices: indices, T: model.config.context))
        }
    }

    /// The mean loss of `parameters` on the examples at `indices`, and its gradient.
    public func lossAndGradient(parameters: [Float], indices: [Int], gradient: inout [Float]) throws -> Float {
        switch bound {
        case let .mlp(model, data):
            try model.lossAndGradient(parameters: parameters, batch: data.batch(indices: indices), gradient: &gradient)
        case let .gpt(model, data):
            try model.lossAndGradient(
                parameters: parameters, batch: data.batch(indices: indices, T: model.config.context), gradient: &gradient)
        }
    }

    /// The seeded initial parameters of the model (for miners).
    public func initialParameters(seed: UInt64) -> [Float] {
        switch bound {
        case let .mlp(model, _): model.initialParameters(seed: seed)
        case let .gpt(model, _): model.initialParameters(seed: seed)
        }
    }
}
