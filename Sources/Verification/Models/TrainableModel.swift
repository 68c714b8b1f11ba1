/// A model whose parameters are one canonical Float buffer and whose loss and gradient the
/// verifier recomputes on a batch.
public protocol TrainableModel: Sendable {
    /// The examples a loss is computed on.
    associatedtype Batch
    /// Names, shapes and offsets of the parameter tensors, in canonical order.
    var layout: ParameterLayout { get }
    /// The mean loss of `parameters` on `batch`.
    func loss(parameters: [Float], batch: Batch) throws -> Float
    /// The mean loss, with its gradient written into `gradient` (resized to `layout.count` and
    /// overwritten, never accumulated into).
    func lossAndGradient(parameters: [Float], batch: Batch, gradient: inout [Float]) throws -> Float
    /// Deterministic starting parameters for a miner, drawn from `seed`.
    func initialParameters(seed: UInt64) -> [Float]
}

extension TrainableModel {
    func checkParameterCount(_ parameters: [Float]) throws {
        guard parameters.count == layout.count else {
            throw ModelError.parameterCountMismatch(got: parameters.count, want: layout.count)
        }
    }
}

/// A decoder-only language model ("gpt", "gpt2") run by one `DecoderSpec`: its loss, gradient
/// and activation sizes are the spec's, on batches checked against the model's bounds.
protocol DecoderModel: TrainableModel where Batch == TextBatch {
    var spec: DecoderSpec { get }
    /// The longest window (tokens per row) a batch may have.
    var maxT: Int { get }
    /// Tokens must be below this.
    var vocabulary: Int { get }
}

extension DecoderModel {
    public func loss(parameters: [Float], batch: TextBatch) throws -> Float {
        var unused: [Float] = []
        return try run(parameters, batch, gradient: &unused, backward: false)
    }

    public func lossAndGradient(parameters: [Float], batch: TextBatch, gradient: inout [Float]) throws -> Float {
        try run(parameters, batch, gradient: &gradient, backward: true)
    }

    /// The mean loss, and with `backward` its gradient in `gradient`, activations from `arena`.
    func run(_ parameters: [Float], _ batch: TextBatch, gradient: inout [Float], backward: Bool,
             arena: FloatArena = FloatArena()) throws -> Float {
        try checkParameterCount(parameters)
        let B = try batch.validatedRows(maxT: maxT, vocabulary: vocabulary)
        return spec.run(parameters, batch, B: B, count: layout.count, gradient: &gradient, backward: backward, arena: arena)
    }

    /// Floats one pass allocates per example of `T` tokens (`DecoderSpec.activationFloats`).
    func activationFloats(T: Int, backward: Bool) -> Int { spec.activationFloats(T: T, backward: backward) }
}
