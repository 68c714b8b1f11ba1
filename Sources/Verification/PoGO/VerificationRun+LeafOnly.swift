extension VerificationRun {
    /// Leaf-only mode (docs/protocol-parts/remote.md): "leaf.theta0Header" and
    /// "leaf.gradientHeaders" (headers of theta_0 and of the gradients of steps 1..max challenged
    /// step fit the model), then for each challenged step t, over its challenged leaves:
    /// "leaf.theta0Opening" (theta_0's leaf opens against theta0Root), "leaf.gradientOpenings"
    /// (g_s's leaf opens against gradientRoot of step s, for s = 1..t), "leaf.previousWeights"
    /// (theta_{t-1}'s leaf rebuilt by the update rule opens against its root) and
    /// "leaf.updateRule" (theta_t's leaf rebuilt likewise opens against steps[t-1].weightsRoot).
    /// No loss, gradient or progress is recomputed.
    mutating func executeLeafOnly(trees: ProofBundle.Trees, reader: ArtifactRangeReader) throws(PoGOVerificationError) {
        checksNotRun = VerificationReport.CheckName.run(in: .full)
        var clock = ContinuousClock.now
        let layout: ParameterLayout
        do { layout = try Self.parameterLayout(bundle.model) } catch {
            record(.init(name: .leafTheta0Header, passed: false, detail: "invalid model: \(error)"))
            return
        }
        var artifacts = LeafArtifacts(bundle: bundle, trees: trees, reader: reader, layout: layout)
        guard try headerCheck(.leafTheta0Header, pass: "\(layout.slots.count) F32 tensors as the model declares", {
            (a: inout LeafArtifacts) throws(LeafArtifacts.Failure) in try a.loadTheta0Header()
        }, &artifacts) else { return }
        let last = challengedSteps.max() ?? 0
        guard try headerCheck(.leafGradientHeaders, pass: "\(last) gradient headers of format \(GradientArtifact.format)", {
            (a: inout LeafArtifacts) throws(LeafArtifacts.Failure) in
            for t in stride(from: 1, through: last, by: 1) { try a.loadGradientHeader(step: t) }
        }, &artifacts) else { return }
        timings.structureMs = PoGOVerifier.milliseconds(since: clock)

        clock = ContinuousClock.now
        for t in challengedSteps { try checkLeaves(t, artifacts: &artifacts) }
        timings.challengedStepsMs = PoGOVerifier.milliseconds(since: clock)
    }

    /// Runs a header phase and records it; returns whether it passed.
    private mutating func headerCheck(
        _ name: VerificationReport.CheckName, pass: String, _ body: (inout LeafArtifacts) throws(LeafArtifacts.Failure) -> Void, _ artifacts: inout LeafArtifacts
    ) throws(PoGOVerificationError) -> Bool {
        do {
            try body(&artifacts)
            record(.init(name: name, passed: true, detail: pass))
            return true
        } catch {
            switch error {
            case let .unavailable(e): throw e
            case let .invalid(reason): record(.init(name: name, passed: false, detail: reason))
            }
            return false
        }
    }

    /// The four leaf checks of challenged step t.
    private mutating func checkLeaves(_ t: Int, artifacts: inout LeafArtifacts) throws(PoGOVerificationError) {
        let leaves = challengedLeaves[t] ?? []
        let names: [VerificationReport.CheckName] = [.leafTheta0Opening, .leafGradientOpenings, .leafPreviousWeights, .leafUpdateRule]
        // failures[k] lists (leaf, reason) for check names[k]; a leaf failing one check fails
        // every later one, since the later ones need its values.
        var failures: [[(Int, String)]] = Array(repeating: [], count: names.count)
        for i in leaves {
            var stage = 0
            do {
                let theta0Leaf = try artifacts.theta0Leaf(i)
                stage = 1
                var gradients: [GradientLeaf] = []
                for s in 1...t { gradients.append(try artifacts.gradientLeaf(step: s, i)) }
                stage = 2
                // A leaf's moments depend only on its own gradient history, so they are rebuilt
                // from the same range reads as its weights.
                var theta = theta0Leaf
                var moments = bundle.updateRule.initialState(count: theta.count)
                for s in 1..<t { try Self.apply(gradients[s - 1], step: s, bundle.updateRule, &theta, &moments) }
                if t > 1 {
                    try artifacts.open(Self.leafBytes(theta), index: i, tree: artifacts.trees.weights[t - 2],
                                       root: bundle.steps[t - 2].weightsRoot, what: "rebuilt theta_\(t - 1) leaf \(i)")
                }
                stage = 3
                try Self.apply(gradients[t - 1], step: t, bundle.updateRule, &theta, &moments)
                try artifacts.open(Self.leafBytes(theta), index: i, tree: artifacts.trees.weights[t - 1],
                                   root: bundle.steps[t - 1].weightsRoot, what: "rebuilt theta_\(t) leaf \(i)")
            } catch {
                switch error {
                case let .unavailable(e): throw e
                case let .invalid(reason):
                    for k in stage..<names.count { failures[k].append((i, k == stage ? reason : "needs a leaf that failed earlier")) }
                }
            }
        }
        var m = VerificationReport.Measurements()
        m.leaves = leaves
        for (k, name) in names.enumerated() {
            let failed = failures[k]
            record(.init(name: name, step: t, passed: failed.isEmpty,
                         detail: failed.isEmpty ? "\(leaves.count) leaves pass" : "leaves \(failed.map(\.0)) fail; first: \(failed[0].1)",
                         measured: m))
        }
    }

    private static func apply(_ leaf: GradientLeaf, step: Int, _ rule: UpdateRule, _ theta: inout [Float],
                              _ moments: inout OptimizerState) throws(LeafArtifacts.Failure) {
        do { try rule.apply(leaf, step: step, to: &theta, state: &moments) } catch { throw .invalid("update rule: \(error)") }
    }

    private static func leafBytes(_ theta: [Float]) -> [UInt8] {
        // A vector of at most 1024 parameters is exactly one leaf.
        (try? CanonicalParameters(parameters: theta).leaf(0)) ?? []
    }

    /// The model's tensor layout, without allocating its parameters.
    static func parameterLayout(_ model: ProofBundle.Model) throws -> ParameterLayout {
        switch model {
        case let .mlp(inputs, hidden, classes, activation):
            guard let a = MLP.Activation(rawValue: activation) else { throw ModelError.invalidConfig("unknown activation \(activation)") }
            return try MLP(MLP.Config(inputs: inputs, hidden: hidden, classes: classes, activation: a)).layout
        case let .gpt(layers, channels, heads, context):
            return try GPT(GPT.Config(layers: layers, channels: channels, heads: heads, context: context)).layout
        case let .gpt2(config):
            return try GPT2(config).layout
        }
    }
}
