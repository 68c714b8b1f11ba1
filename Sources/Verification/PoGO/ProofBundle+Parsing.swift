internal import Foundation

extension ProofBundle {
    /// The protocol identifier a bundle must carry.
    public static let protocolVersion = "pogo/1"

    /// Parses and structurally validates a bundle. Errors name the field and, for limits, the limit.
    public init(bytes: [UInt8], limits: ProofBundleLimits = .init()) throws(JSONFieldError) {
        let root = try JSONCursor.parse(bytes, shape: Self.jsonShape)
        let version = try root.member("protocol").string(maxBytes: 32)
        guard version == Self.protocolVersion else {
            throw JSONFieldError(field: "protocol", reason: "must be \"\(Self.protocolVersion)\", got \"\(version)\"")
        }
        let model = try Self.parseModel(root.member("model"), limits: limits)
        let params = try root.member("parameters").int(in: 1...limits.maxParameters)
        let expected = model.parameterCount
        guard params == expected else {
            throw JSONFieldError(field: "parameters", reason: "is \(params) but the model configuration has \(expected) parameters")
        }
        let dataset = try root.member("dataset")
        let lrCursor = try root.member("lr")
        let lr = Float(try lrCursor.double())
        guard lr.isFinite, lr > 0 else { throw JSONFieldError(field: "lr", reason: "must be a positive finite fp32 value") }

        // null is not a spelling of SGD: absent is.
        if root.node["optimizer"]?.isNull == true { throw JSONFieldError(field: "optimizer", reason: "must be an object (omit it for SGD)") }
        let optimizer = try Self.parseOptimizer(root.optionalMember("optimizer"))
        let stepCursors = try root.member("steps").array(maxCount: limits.maxSteps)
        guard !stepCursors.isEmpty else { throw JSONFieldError(field: "steps", reason: "must have at least 1 step") }
        var steps: [Step] = []
        steps.reserveCapacity(stepCursors.count)
        for s in stepCursors {
            steps.append(Step(weightsRoot: try s.member("weightsRoot").digest(),
                              gradientRoot: try s.member("gradientRoot").digest(),
                              loss: try Self.finiteFloat(s.member("loss"))))
        }

        let eval = try root.member("evaluation")
        let artifacts = try root.member("artifacts")
        let theta0 = try Self.parseArtifact(artifacts.member("theta0"), limits: limits)
        let gradientCursors = try artifacts.member("gradients").array(maxCount: limits.maxSteps)
        guard gradientCursors.count == steps.count else {
            throw JSONFieldError(field: "artifacts.gradients", reason: "has \(gradientCursors.count) artifacts for \(steps.count) steps")
        }
        var gradients: [Artifact] = []
        for g in gradientCursors { gradients.append(try Self.parseArtifact(g, limits: limits)) }
        let trees = try Self.parseTrees(artifacts, steps: steps.count, limits: limits)

        self.digest = SHA256.hash(bytes)
        self.model = model
        self.datasetDigest = try dataset.member("sha256").digest()
        self.learningRate = lr
        self.optimizer = optimizer
        self.batchSize = try root.member("batchSize").int(in: 1...limits.maxBatchSize)
        self.blockSeed = try root.member("blockSeed").digest()
        self.parameterCount = params
        self.theta0Root = try root.member("theta0Root").digest()
        self.steps = steps
        self.evaluationBatchSize = try eval.member("batchSize").int(in: limits.minEvaluationBatchSize...limits.maxEvaluationBatchSize)
        self.initialEvaluationLoss = try Self.finiteFloat(eval.member("initialLoss"))
        self.finalEvaluationLoss = try Self.finiteFloat(eval.member("finalLoss"))
        self.theta0Artifact = theta0
        self.gradientArtifacts = gradients
        self.trees = trees
        self.runKey = Self.runKey(model: model, datasetDigest: datasetDigest, learningRate: lr, batchSize: batchSize,
                                  blockSeed: blockSeed, parameterCount: params, theta0Root: theta0Root,
                                  optimizer: optimizer)
        self.commitmentDigest = Self.commitmentDigest(
            runKey: runKey, steps: steps, evaluationBatchSize: evaluationBatchSize,
            initialEvaluationLoss: initialEvaluationLoss, finalEvaluationLoss: finalEvaluationLoss)
    }

    /// The containers and member names a bundle may have, refused while parsing otherwise (a
    /// model's configuration admits the members of every architecture; `parseModel` narrows them).
    static let jsonShape: JSONShape = {
        let artifact = JSONShape.object(["inline": .any, "uri": .any])
        return .object([
            "protocol": .any, "lr": .any, "batchSize": .any, "blockSeed": .any, "parameters": .any, "theta0Root": .any,
            "model": .object(["architecture": .any, "config": .object([
                "inputs": .any, "hidden": .array(.any), "classes": .any, "activation": .any,
                "layers": .any, "channels": .any, "heads": .any, "context": .any,
            ].merging(GPT2ConfigJSON.members.map { ($0, JSONShape.any) }) { a, _ in a })]),
            "optimizer": .object(["name": .any, "beta1": .any, "beta2": .any, "eps": .any, "weightDecay": .any]),
            "dataset": .object(["sha256": .any]),
            "steps": .array(.object(["weightsRoot": .any, "gradientRoot": .any, "loss": .any])),
            "evaluation": .object(["batchSize": .any, "initialLoss": .any, "finalLoss": .any]),
            "artifacts": .object(["theta0": artifact, "gradients": .array(artifact), "theta0Tree": artifact,
                                  "weightTrees": .array(artifact), "gradientTrees": .array(artifact)]),
        ])
    }()

    /// The optional tree files: `theta0Tree`, `weightTrees` and `gradientTrees` all present
    /// (one tree per step in each list) or all absent.
    private static func parseTrees(_ artifacts: JSONCursor, steps: Int, limits: ProofBundleLimits) throws(JSONFieldError) -> Trees? {
        let theta0 = try artifacts.optionalMember("theta0Tree")
        let weights = try artifacts.optionalMember("weightTrees")
        let gradients = try artifacts.optionalMember("gradientTrees")
        guard let theta0, let weights, let gradients else {
            guard theta0 == nil, weights == nil, gradients == nil else {
                throw artifacts.fail("must have all of theta0Tree, weightTrees and gradientTrees, or none")
            }
            return nil
        }
        func list(_ cursor: JSONCursor, _ name: String) throws(JSONFieldError) -> [Artifact] {
            let items = try cursor.array(maxCount: limits.maxSteps)
            guard items.count == steps else {
                throw JSONFieldError(field: "artifacts.\(name)", reason: "has \(items.count) trees for \(steps) steps")
            }
            var out: [Artifact] = []
            for item in items { out.append(try parseArtifact(item, limits: limits)) }
            return out
        }
        return Trees(theta0: try parseArtifact(theta0, limits: limits), weights: try list(weights, "weightTrees"),
                     gradients: try list(gradients, "gradientTrees"))
    }

    private static func finiteFloat(_ c: JSONCursor) throws(JSONFieldError) -> Float {
        let f = Float(try c.double())
        guard f.isFinite else { throw c.fail("must be a finite fp32 value") }
        return f
    }

    private static func parseModel(_ c: JSONCursor, limits: ProofBundleLimits) throws(JSONFieldError) -> Model {
        let arch = try c.member("architecture").string(maxBytes: 16)
        let config = try c.member("config")
        switch arch {
        case "mlp":
            try config.onlyMembers(["inputs", "hidden", "classes", "activation"])
            let hidden = try config.member("hidden").array(maxCount: limits.maxHiddenLayers)
                .map { (h) throws(JSONFieldError) -> Int in try h.int(in: 1...limits.maxWidth) }
            let activation = try config.member("activation").string(maxBytes: 16)
            guard activation == "tanh" || activation == "relu" else {
                throw JSONFieldError(field: "model.config.activation", reason: "must be \"tanh\" or \"relu\", got \"\(activation)\"")
            }
            return .mlp(inputs: try config.member("inputs").int(in: 1...limits.maxWidth), hidden: hidden,
                        classes: try config.member("classes").int(in: 2...limits.maxWidth), activation: activation)
        case "gpt":
            try config.onlyMembers(["layers", "channels", "heads", "context"])
            let channels = try config.member("channels").int(in: 1...limits.maxGPTChannels)
            let heads = try config.member("heads").int(in: 1...channels)
            guard channels % heads == 0 else {
                throw JSONFieldError(field: "model.config.heads", reason: "must divide channels (\(channels)), got \(heads)")
            }
            return .gpt(layers: try config.member("layers").int(in: 1...limits.maxGPTLayers), channels: channels,
                        heads: heads, context: try config.member("context").int(in: 1...limits.maxGPTContext))
        case "gpt2":
            return .gpt2(try GPT2ConfigJSON.parse(config, limits: limits))
        default:
            throw JSONFieldError(field: "model.architecture", reason: "must be \"mlp\", \"gpt\" or \"gpt2\", got \"\(arch)\"")
        }
    }

    /// The optional `optimizer` member: absent or `{"name": "sgd"}` for SGD, or
    /// `{"name": "adamw", "beta1", "beta2", "eps", "weightDecay"}` with every value given.
    private static func parseOptimizer(_ c: JSONCursor?) throws(JSONFieldError) -> Optimizer {
        guard let c else { return .sgd }
        let name = try c.member("name").string(maxBytes: 16)
        switch name {
        case "sgd":
            try c.onlyMembers(["name"])
            return .sgd
        case "adamw":
            let adam = AdamW(beta1: Float(try c.member("beta1").double()), beta2: Float(try c.member("beta2").double()),
                             eps: Float(try c.member("eps").double()), weightDecay: Float(try c.member("weightDecay").double()))
            if let (field, reason) = adam.invalid { throw JSONFieldError(field: "optimizer.\(field)", reason: reason) }
            return .adamw(adam)
        default:
            throw JSONFieldError(field: "optimizer.name", reason: "must be \"sgd\" or \"adamw\", got \"\(name)\"")
        }
    }

    private static func parseArtifact(_ c: JSONCursor, limits: ProofBundleLimits) throws(JSONFieldError) -> Artifact {
        if let inline = try c.optionalMember("inline") {
            guard try c.optionalMember("uri") == nil else { throw c.fail("must have exactly one of inline or uri") }
            let maxEncoded = (limits.maxInlineArtifactBytes + 2) / 3 * 4
            let text = try inline.string(maxBytes: maxEncoded)
            guard let data = Data(base64Encoded: text) else { throw inline.fail("must be standard base64 with padding") }
            return .inline([UInt8](data))
        }
        guard let uri = try c.optionalMember("uri") else { throw c.fail("must have exactly one of inline or uri") }
        return .uri(try uri.string(maxBytes: limits.maxURIBytes))
    }
}

extension ProofBundle.Model {
    /// Number of fp32 parameters the architecture has (the canonical vector's length).
    public var parameterCount: Int {
        switch self {
        case let .mlp(inputs, hidden, classes, _):
            var total = 0
            var width = inputs
            for h in hidden + [classes] {
                total += width * h + h
                width = h
            }
            return total
        case let .gpt(layers, c, _, context):
            let perLayer = 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (4 * c * c + 4 * c) + (4 * c * c + c)
            return 256 * c + context * c + layers * perLayer + 2 * c
        case let .gpt2(config):
            return config.parameterCount
        }
    }
}
