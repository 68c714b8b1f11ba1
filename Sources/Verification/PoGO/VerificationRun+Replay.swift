/// What the replay keeps for the later phases: theta_{t-1}, the optimizer state of its
/// challenged leaves, the gradient and theta_t's leaf hashes for each challenged step t, and theta_N.
struct ReplayState {
    var thetaBefore: [Int: [Float]] = [:]
    /// For AdamW, the moments before step t of each challenged leaf of step t (empty for SGD).
    var momentsBefore: [Int: [Int: OptimizerState]] = [:]
    var gradients: [Int: QuantizedGradient] = [:]
    var thetaAfterLeafHashes: [Int: [Digest]] = [:]
    var thetaN: [Float] = []
}

extension VerificationRun {
    /// Replays the update rule from theta_0 over every gradient artifact, checking each step's
    /// gradientRoot ("replay.gradientRoots") and weightsRoot ("replay.weightsRoots"), after
    /// "structure.gradients" (every artifact decodes and covers P parameters).
    ///
    /// Memory stays bounded: one artifact is open at a time, and only theta_{t-1} of challenged
    /// steps and the running theta are kept. `reached(t, theta)` is called with theta_{t-1} of
    /// each challenged step t as soon as it is known. Returns nil when an artifact is malformed.
    mutating func replayAll(
        theta0: [Float], loader: ArtifactLoader, reached: (Int, [Float]) -> Void = { _, _ in }
    ) throws(PoGOVerificationError) -> ReplayState? {
        let challenged = Set(challengedSteps)
        var state = ReplayState()
        var theta = theta0
        let rule = bundle.updateRule
        var optimizerState = rule.initialState(count: theta0.count)
        var gradientFailures: [Int] = [], weightsFailures: [Int] = []
        // The first theta_t the update rule drove to NaN or an infinity (a huge committed scale
        // can): such a theta has no valid commitment, so its step fails replay.weightsRoots.
        var nonFinite: (step: Int, parameter: Int)?
        for (index, step) in bundle.steps.enumerated() {
            let t = index + 1
            guard let gradient = try loadGradient(t, loader: loader) else { return nil }
            if challenged.contains(t) {
                state.thetaBefore[t] = theta
                state.gradients[t] = gradient
                var moments: [Int: OptimizerState] = [:]
                for i in challengedLeaves[t] ?? [] {
                    moments[i] = optimizerState.slice(QuantizedGradient.leafRange(i, parameters: theta.count))
                }
                state.momentsBefore[t] = moments
                reached(t, theta)
            }
            if gradient.merkleRoot() != step.gradientRoot { gradientFailures.append(t) }
            // The learning rate is finite (parser) and the sizes match (checked on load), so
            // the update always happens; only a non-finite result fails the commitment.
            let weights: ParameterCommitment?
            do {
                weights = try rule.applyAndCommit(gradient, step: t, to: &theta, state: &optimizerState)
            } catch {
                if nonFinite == nil, case let .nonFinite(_, element, _)? = error as? CommitmentError { nonFinite = (t, element) }
                weights = nil
            }
            if challenged.contains(t) {
                state.thetaAfterLeafHashes[t] = (try? CanonicalParameters(parameters: theta).leafHashes()) ?? []
            }
            if weights?.root != step.weightsRoot { weightsFailures.append(t) }
        }
        record(.init(name: .structureGradients, passed: true, detail: "\(bundle.steps.count) artifacts of \(bundle.parameterCount) parameters"))
        record(Self.replayCheck(.replayGradientRoots, failures: gradientFailures, of: bundle.steps.count))
        var weightsCheck = Self.replayCheck(.replayWeightsRoots, failures: weightsFailures, of: bundle.steps.count)
        if let nonFinite {
            weightsCheck.detail += "; theta_\(nonFinite.step) has a non-finite parameter \(nonFinite.parameter) "
                + "(the update rule overflowed at step \(nonFinite.step))"
        }
        record(weightsCheck)
        state.thetaN = theta
        return state
    }

    /// Loads step t's artifact; a malformed one fails "structure.gradients" and returns nil.
    private mutating func loadGradient(_ t: Int, loader: ArtifactLoader) throws(PoGOVerificationError) -> QuantizedGradient? {
        let fail = { (detail: String) in
            VerificationReport.Check(name: .structureGradients, passed: false, detail: "step \(t): \(detail)",
                                     measured: { var m = VerificationReport.Measurements(); m.firstFailingStep = t; return m }())
        }
        switch try loader.open(bundle.gradientArtifacts[t - 1], name: "gradient \(t)") {
        case let .malformed(reason):
            record(fail("not a safetensors file: \(reason)"))
            return nil
        case let .file(file):
            let gradient: QuantizedGradient
            do { gradient = try GradientArtifact.decode(file) } catch {
                record(fail("not a pogo/1/grad4 artifact: \(ArtifactErrorText.of(error))"))
                return nil
            }
            guard gradient.parameterCount == bundle.parameterCount else {
                record(fail("covers \(gradient.parameterCount) parameters, the model has \(bundle.parameterCount)"))
                return nil
            }
            return gradient
        }
    }

    private static func replayCheck(_ name: VerificationReport.CheckName, failures: [Int], of n: Int) -> VerificationReport.Check {
        var m = VerificationReport.Measurements()
        m.failingSteps = failures.count
        m.firstFailingStep = failures.first
        let detail = failures.isEmpty
            ? "all \(n) steps match"
            : "\(failures.count) of \(n) steps differ, first at step \(failures[0])"
        return .init(name: name, passed: failures.isEmpty, detail: detail, measured: m)
    }
}
