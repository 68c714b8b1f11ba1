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
