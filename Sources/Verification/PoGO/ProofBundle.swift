internal import Foundation

/// A PoGO proof bundle (pogo/1): the commitments a miner makes to a training run.
///
/// `digest` is SHA-256 of the exact bytes submitted; `commitmentDigest` and `runKey` hash the
/// parsed values in a canonical form, so every encoding of one commitment shares them.
public struct ProofBundle: Sendable {
    /// The architecture and its configuration.
    public enum Model: Sendable, Hashable {
        case mlp(inputs: Int, hidden: [Int], classes: Int, activation: String)
        case gpt(layers: Int, channels: Int, heads: Int, context: Int)
        /// Hugging Face's GPT2LMHeadModel; the bundle's config is its config.json.
        case gpt2(GPT2.Config)
    }

    /// Where an artifact's bytes are: inline, or at a URI fetched by the verifier.
    public enum Artifact: Sendable, Hashable {
        case inline([UInt8])
        case uri(String)
    }

    /// One committed training step.
    public struct Step: Sendable, Hashable {
        /// Root of theta_t, the weights after the step.
        public let weightsRoot: Digest
        /// Root of the step's quantized gradient leaves.
        public let gradientRoot: Digest
        /// Claimed mean loss of theta_{t-1} on batch t.
        public let loss: Float
    }

    /// SHA-256 of the exact bytes submitted.
    public let digest: Digest
    /// SHA-256 of what fixes the training trajectory (`ProofBundle.runKey`): one commitment per run.
    public let runKey: Digest
    /// SHA-256 of the committed content in canonical form (`ProofBundle.commitmentDigest`): the
    /// same for every encoding of one commitment; the challenges derive from it.
    public let commitmentDigest: Digest
    public let model: Model
    public let datasetDigest: Digest
    /// Learning rate, the JSON number rounded to the nearest fp32.
    public let learningRate: Float
    /// The optimizer consuming the committed gradients (`optimizer` member; SGD when absent).
    public let optimizer: Optimizer
    public let batchSize: Int
    public let blockSeed: Digest
    public let parameterCount: Int
    public let theta0Root: Digest
    public let steps: [Step]
    public let evaluationBatchSize: Int
    /// Claimed mean loss of theta_0 on the public evaluation batch.
    public let initialEvaluationLoss: Float
    /// Claimed mean loss of theta_N on the public evaluation batch.
    public let finalEvaluationLoss: Float
    public let theta0Artifact: Artifact
    /// One gradient artifact per step, in step order.
    public let gradientArtifacts: [Artifact]
    /// Tree files (docs/protocol-parts/remote.md) for leaf-only verification, all or none:
    /// theta_0's, then one per step for theta_t and for g_t, in step order.
    public let trees: Trees?

    /// The run's update rule: learning rate and optimizer.
    public var updateRule: UpdateRule { UpdateRule(learningRate: learningRate, optimizer: optimizer) }

    /// The tree files of every committed root.
    public struct Trees: Sendable, Hashable {
        public let theta0: Artifact
        /// The tree of theta_t at index t - 1.
        public let weights: [Artifact]
        /// The tree of g_t at index t - 1.
        public let gradients: [Artifact]
    }
}
