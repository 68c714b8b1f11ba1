/// The commitment a bundle makes, independent of how its JSON was written.
///
/// Two digests over a canonical binary encoding of the parsed values (docs/protocol-parts/bundle.md,
/// "Commitment and run"):
///
///     runKey     = SHA-256(str("pogo/1/run") || str(protocol) || model || datasetDigest || f32(lr)
///                          || u64(batchSize) || blockSeed || u64(parameters) || theta0Root
///                          [|| str("adamw") || f32(beta1) || f32(beta2) || f32(eps) || f32(weightDecay)])
///     commitment = SHA-256(str("pogo/1/commitment") || runKey || u64(N)
///                          || for t = 1..N: weightsRoot_t || gradientRoot_t || f32(loss_t)
///                          || u64(evaluation.batchSize) || f32(initialLoss) || f32(finalLoss))
///
/// with `u64(n)` 8 bytes big-endian, `str(s)` = u64(UTF-8 length) || UTF-8 bytes, `f32(x)` the
/// binary32 bit pattern of the parsed fp32 value as 4 bytes big-endian (-0 written as +0), and
/// `model` = str("mlp") || u64(inputs) || u64(count of hidden) || u64(each width) || u64(classes)
/// || str(activation), or str("gpt") || u64(layers) || u64(channels) || u64(heads) || u64(context),
/// or str("gpt2") || u64(n_layer) || u64(n_embd) || u64(n_head) || u64(n_positions) || u64(vocab_size)
/// || u64(n_inner) || f32(layer_norm_epsilon). The optimizer suffix is written only for AdamW, so
/// SGD bundles keep the digests they had before optimizers existed.
///
/// Whitespace, member order, number spelling and artifact locations do not enter either digest:
/// the values the verifier uses do. The run key names what fixes the training trajectory, so a
/// run has one commitment; the challenges derive from the commitment digest.
extension ProofBundle {
    /// Label of the run key.
    public static let runLabel = "pogo/1/run"
    /// Label of the commitment digest.
    public static let commitmentLabel = "pogo/1/commitment"

    /// SHA-256 of the run's identity: protocol, model, data set, lr, batch size, block seed,
    /// parameter count, theta_0's root and, when not SGD, the optimizer.
    public static func runKey(model: Model, datasetDigest: Digest, learningRate: Float, batchSize: Int,
                              blockSeed: Digest, parameterCount: Int, theta0Root: Digest, optimizer: Optimizer = .sgd) -> Digest {
        var out = CanonicalBytes()
        out.append(string: runLabel)
        out.append(string: protocolVersion)
        out.append(model: model)
        out.append(datasetDigest)
        out.append(float: learningRate)
        out.append(int: batchSize)
        out.append(blockSeed)
        out.append(int: parameterCount)
        out.append(theta0Root)
        if case let .adamw(adam) = optimizer {
            out.append(string: "adamw")
            for value in [adam.beta1, adam.beta2, adam.eps, adam.weightDecay] { out.append(float: value) }
        }
        return SHA256.hash(out.bytes)
    }

    /// SHA-256 of the commitment: the run key, every step's roots and loss, and the evaluation claims.
    public static func commitmentDigest(runKey: Digest, steps: [Step], evaluationBatchSize: Int,
                                        initialEvaluationLoss: Float, finalEvaluationLoss: Float) -> Digest {
        var out = CanonicalBytes()
        out.append(string: commitmentLabel)
        out.append(runKey)
        out.append(int: steps.count)
        for step in steps {
            out.append(step.weightsRoot)
            out.append(step.gradientRoot)
            out.append(float: step.loss)
        }
        out.append(int: evaluationBatchSize)
        out.append(float: initialEvaluationLoss)
        out.append(float: finalEvaluationLoss)
        return SHA256.hash(out.bytes)
    }
}

/// The canonical binary encoding the commitment digests hash.
private struct CanonicalBytes {
    var bytes: [UInt8] = []

    mutating func append(_ digest: Digest) { bytes += digest.bytes }

    /// 8 bytes big-endian. Requires `value >= 0` (parsed counts and sizes are).
    mutating func append(int value: Int) {
        let v = UInt64(value)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// The UTF-8 length, then the bytes.
    mutating func append(string: String) {
        append(int: string.utf8.count)
        bytes += Array(string.utf8)
    }

    /// The binary32 bit pattern, big-endian; -0 as +0, so that the sign of a zero is not a second spelling.
    mutating func append(float value: Float) {
        let bits = (value == 0 ? Float(0) : value).bitPattern
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    mutating func append(model: ProofBundle.Model) {
        switch model {
        case let .mlp(inputs, hidden, classes, activation):
            append(string: "mlp")
            append(int: inputs)
            append(int: hidden.count)
            for width in hidden { append(int: width) }
            append(int: classes)
            append(string: activation)
        case let .gpt(layers, channels, heads, context):
            append(string: "gpt")
            append(int: layers)
            append(int: channels)
            append(int: heads)
            append(int: context)
        case let .gpt2(config):
            append(string: "gpt2")
            for n in [config.layers, config.channels, config.heads, config.positions, config.vocabulary, config.inner] { append(int: n) }
            append(float: config.layerNormEpsilon)
        }
    }
}
