extension VerificationRun {
    /// Checks challenged step t from its re-execution (`StepRecomputation.run` at
    /// theta_{t-1}): "step.loss" (claimed loss within tolerance), "step.gradientOpening"
    /// (each challenged committed gradient leaf opens against gradientRoot with an inclusion
    /// proof), "step.gradient" (committed leaves against the quantized recomputed gradient)
    /// and "step.updateRule" (theta_{t-1}'s leaf updated with the opened gradient leaf, and for
    /// AdamW that leaf's replayed moments, is theta_t's leaf under weightsRoot, bit for bit).
    mutating func checkStep(_ t: Int, recomputed: Result<StepRecomputation, any Error>, replay: ReplayState) {
        guard let theta = replay.thetaBefore[t], let committed = replay.gradients[t] else { return }
        let step = bundle.steps[t - 1]
        let leaves = challengedLeaves[t] ?? []
        let recomputation: StepRecomputation
        switch recomputed {
        case let .success(value): recomputation = value
        case let .failure(error):
            record(.init(name: .stepLoss, step: t, passed: false, detail: "cannot recompute the step: \(error)"))
            return
        }
        record(lossCheck(.stepLoss, step: t, claimed: step.loss, recomputed: recomputation.loss))

        let opened = openGradientLeaves(t, committed: committed, leaves: leaves, root: step.gradientRoot)
        compareGradient(t, recomputed: recomputation.gradient, opened: opened, leaves: leaves)
        checkUpdateRule(t, theta: theta, opened: opened, leaves: leaves, replay: replay)
    }

    /// A loss check: passes when the relative error is within the policy's tolerance.
    func lossCheck(_ name: VerificationReport.CheckName, step: Int? = nil, claimed: Float, recomputed: Float) -> VerificationReport.Check {
        var m = VerificationReport.Measurements()
        m.claimedLoss = claimed
        m.recomputedLoss = recomputed
        let error = Self.relativeError(claimed: claimed, recomputed: recomputed)
        m.lossRelativeError = error.isFinite ? error : Float.greatestFiniteMagnitude
        let ok = recomputed.isFinite && error <= policy.lossRelativeTolerance
        return .init(name: name, step: step, passed: ok,
                     detail: "claimed \(claimed), recomputed \(recomputed), relative error \(error) (tolerance \(policy.lossRelativeTolerance))",
                     measured: m)
    }

    /// Opens each challenged leaf of the committed gradient with an inclusion proof against
    /// `root`; returns the leaves that open and parse, by index.
    private mutating func openGradientLeaves(_ t: Int, committed: QuantizedGradient, leaves: [Int], root: Digest) -> [Int: GradientLeaf] {
        let hashes = committed.leafHashes()
        var opened: [Int: GradientLeaf] = [:]
        var failures: [Int] = []
        for i in leaves {
            guard hashes.count == committed.leafCount,
                  let proof = try? Merkle.inclusionProof(index: i, leafCount: hashes.count, leafHash: { hashes[$0] }),
                  (try? Merkle.verifyInclusion(leafHash: proof.leafHash, index: i, size: hashes.count, proof: proof.proof, root: root)) == true,
                  let bytes = try? committed.leafBytes(i),
                  let leaf = try? GradientLeaf(bytes: bytes, parameterCount: QuantizedGradient.leafRange(i, parameters: committed.parameterCount).count)
            else {
                failures.append(i)
                continue
            }
            opened[i] = leaf
        }
        var m = VerificationReport.Measurements()
        m.leaves = leaves
        record(.init(name: .stepGradientOpening, step: t, passed: failures.isEmpty,
                     detail: failures.isEmpty ? "\(leaves.count) leaves open against gradientRoot"
                         : "leaves \(failures) do not open against gradientRoot \(root.hex)",
                     measured: m))
        return opened
    }

    /// "step.gradient": each opened leaf against the recomputed gradient (`GradientComparison`),
    /// in quanta of the committed scales, with the noise floor taken from quantize(recomputed).
    private mutating func compareGradient(_ t: Int, recomputed: [Float], opened: [Int: GradientLeaf], leaves: [Int]) {
        let name = VerificationReport.CheckName.stepGradient
        let quantized: QuantizedGradient
        do { quantized = try QuantizedGradient(quantizing: recomputed) } catch {
            record(.init(name: name, step: t, passed: false, detail: "recomputed gradient cannot be quantized: \(error)"))
            return
        }
        let floor = policy.noiseFloor * (quantized.scales.max() ?? 0)
        var m = VerificationReport.Measurements()
        m.leaves = leaves
        m.mismatchedCodeFraction = 0
        m.maxCodeDistance = 0
        m.maxBoundaryDistance = 0
        m.maxScaleRelativeError = 0
        m.comparedBlocks = 0
        m.noiseBlocks = 0
        var failing: [Int] = [], noiseViolations = 0, nonFinite = 0
        for i in leaves {
            let range = QuantizedGradient.leafRange(i, parameters: quantized.parameterCount)
            let blocks = (range.lowerBound / QuantizedGradient.blockSize)..<QuantizedGradient.blockCount(parameters: range.upperBound)
            guard let committedLeaf = opened[i], committedLeaf.parameterCount == range.count else { failing.append(i); continue }
            let c = GradientComparison(committed: committedLeaf, recomputed: recomputed[range],
                                       recomputedScales: quantized.scales[blocks], floor: floor)
            m.mismatchedCodeFraction = max(m.mismatchedCodeFraction!, c.mismatchFraction)
            m.maxCodeDistance = max(m.maxCodeDistance!, c.maxCodeDistance)
            m.maxBoundaryDistance = max(m.maxBoundaryDistance!, c.maxBoundaryDistance)
            m.maxScaleRelativeError = max(m.maxScaleRelativeError!, c.maxScaleRelativeError)
            m.comparedBlocks! += c.comparedBlocks
            m.noiseBlocks! += c.noiseBlocks
            noiseViolations += c.noiseViolations
            nonFinite += c.nonFiniteValues
            if !c.passes(policy) { failing.append(i) }
        }
        let detail = "mismatched code fraction \(m.mismatchedCodeFraction!) (max \(policy.maxCodeMismatchFraction)), "
            + "max code distance \(m.maxCodeDistance!) (max 1), "
            + "max boundary distance \(m.maxBoundaryDistance!) (max \(policy.maxBoundaryDistance)), "
            + "max scale relative error \(m.maxScaleRelativeError!) (max \(policy.scaleRelativeTolerance)), "
            + "\(m.noiseBlocks!) noise blocks (\(noiseViolations) above the floor)"
            + (nonFinite == 0 ? "" : ", \(nonFinite) values not finite in quanta of the committed scale")
            + (failing.isEmpty ? "" : "; failing leaves \(failing)")
        record(.init(name: name, step: t, passed: failing.isEmpty, detail: detail, measured: m))
    }

    private mutating func checkUpdateRule(_ t: Int, theta: [Float], opened: [Int: GradientLeaf], leaves: [Int], replay: ReplayState) {
        let hashes = replay.thetaAfterLeafHashes[t] ?? []
        let root = bundle.steps[t - 1].weightsRoot
        var failures: [Int] = []
        for i in leaves {
            let range = QuantizedGradient.leafRange(i, parameters: bundle.parameterCount)
            var leaf = Array(theta[range])
            var moments = replay.momentsBefore[t]?[i] ?? bundle.updateRule.initialState(count: 0)
            guard let gradientLeaf = opened[i], hashes.count == leafCount,
                  (try? bundle.updateRule.apply(gradientLeaf, step: t, to: &leaf, state: &moments)) != nil,
                  let bytes = try? CanonicalParameters(parameters: leaf).leaf(0),
                  // The proof comes from the replayed theta_t; a leaf-only verifier gets it from the miner.
                  let proof = try? Merkle.inclusionProof(index: i, leafCount: leafCount, leafHash: { hashes[$0] }),
                  (try? Merkle.verifyInclusion(leafHash: RFC6962Hasher().hashLeaf(bytes), index: i, size: leafCount,
                                               proof: proof.proof, root: root)) == true
            else {
                failures.append(i)
                continue
            }
        }
        var m = VerificationReport.Measurements()
        m.leaves = leaves
        record(.init(name: .stepUpdateRule, step: t, passed: failures.isEmpty,
                     detail: failures.isEmpty ? "\(leaves.count) updated leaves open against weightsRoot"
                         : "updated leaves \(failures) do not open against weightsRoot \(root.hex)",
                     measured: m))
    }
}
