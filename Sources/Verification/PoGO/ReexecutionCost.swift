internal import Foundation

/// The memory a full re-execution of a bundle holds at its peak, estimated before any work,
/// so that the verifier can refuse (verify leaf by leaf instead) what would not fit.
///
/// Measured with scripts/bench-pogo-memory (docs/protocol-parts/verification.md, "Memory"):
/// peak resident memory grows by about 21 bytes per parameter with 2 challenged steps (theta_0,
/// the running theta, theta_{t-1} and the recomputed gradient of each challenged step), plus
/// the activations of the passes running at once, plus a fixed part (process, data set, BLAS).
/// The estimate rounds each term up.
public struct ReexecutionCost: Sendable, Hashable {
    /// The fixed part: process, data set, BLAS buffers. 512 MiB (measured below 300 MB).
    public static let fixedBytes = 512 << 20

    /// Bytes per parameter: 8 (theta_0 and the running theta) plus 9 per challenged step
    /// (its theta_{t-1}, its recomputed gradient, its 4-bit gradient), plus 4 per vector of
    /// optimizer state the replay carries (AdamW's m and v: 8).
    public static func bytesPerParameter(challengedSteps k: Int, optimizer: Optimizer = .sgd) -> Int {
        8 + 9 * k + 4 * optimizer.stateVectors
    }

    /// Activation bytes of one example in a backward pass (a challenged step) and a forward
    /// pass (an evaluation loss); nil when no model has this configuration.
    public let backwardExampleBytes: Int?
    public let forwardExampleBytes: Int?
    /// The per-pass budget the passes are chunked to (`VerificationPolicy.activationBudgetBytes`).
    public let passBudgetBytes: Int
    /// The parameter-proportional state.
    public let parameterBytes: Int
    /// The largest pass: a challenged step on min(batch, chunk) examples or an evaluation loss
    /// on min(E, chunk) examples.
    public let passBytes: Int
    /// Passes that may run at once.
    public let concurrentPasses: Int

    /// The processors this process may use: how many re-execution passes run at once.
    public static let defaultConcurrentPasses = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(bundle: ProofBundle, policy: VerificationPolicy, concurrentPasses: Int = defaultConcurrentPasses) {
        let backward = PoGOWorkload.activationBytesPerExample(model: bundle.model, backward: true)
        let forward = PoGOWorkload.activationBytesPerExample(model: bundle.model, backward: false)
        backwardExampleBytes = backward
        forwardExampleBytes = forward
        passBudgetBytes = policy.activationBudgetBytes
        let k = min(policy.challengedSteps, bundle.steps.count)
        parameterBytes = Self.bytesPerParameter(challengedSteps: k, optimizer: bundle.optimizer).multipliedReportingOverflow(by: bundle.parameterCount).partialValue
        func pass(_ perExample: Int?, examples: Int) -> Int {
            guard let perExample, perExample > 0 else { return 0 }
            let chunk = max(1, policy.activationBudgetBytes / perExample)
            return perExample.multipliedReportingOverflow(by: min(examples, chunk)).partialValue
        }
        passBytes = max(pass(backward, examples: bundle.batchSize), pass(forward, examples: bundle.evaluationBatchSize))
        self.concurrentPasses = concurrentPasses
    }

    /// True when one example of each pass fits the per-pass budget (else no chunking helps).
    public var fitsOnePass: Bool {
        guard let backwardExampleBytes, let forwardExampleBytes else { return false }
        return backwardExampleBytes <= passBudgetBytes && forwardExampleBytes <= passBudgetBytes
    }

    /// The estimated peak: fixed part, parameter state and the concurrent passes.
    public var peakBytes: Int {
        let passes = concurrentPasses.multipliedReportingOverflow(by: passBytes)
        let sum = Self.fixedBytes.addingReportingOverflow(parameterBytes.addingReportingOverflow(passes.partialValue).partialValue)
        return passes.overflow || sum.overflow ? .max : sum.partialValue
    }
}
