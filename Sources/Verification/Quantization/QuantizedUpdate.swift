/// The pogo/1 update rule: SGD on the dequantized gradient, reproducible bit for bit.
///
/// Per parameter, three IEEE 754 binary32 operations, each rounded to nearest-even, in this
/// order and never fused: `d = scale * Float(code)`, `u = lr * d`, `theta' = theta - u`.
/// Swift does not contract separate multiplies and subtracts into a fused multiply-add
/// (it emits no `contract` fast-math flag), so the compiled loop keeps three roundings;
/// the reference tests compare against numpy float32 bit for bit.
public enum QuantizedUpdate {
    /// One parameter's update: theta - lr * (scale * code), three roundings.
    @inline(__always)
    public static func updated(_ theta: Float, scale: Float, code: Int, learningRate: Float) -> Float {
        let d = scale * Float(code)
        let u = learningRate * d
        return theta - u
    }

    /// Applies one step to the whole vector: theta[i] = theta[i] - lr * (scale * code).
    public static func apply(_ gradient: QuantizedGradient, learningRate: Float, to theta: inout [Float]) throws {
        try checkLearningRate(learningRate)
        guard theta.count == gradient.parameterCount else {
            throw QuantizationError.parameterCountMismatch(got: theta.count, want: gradient.parameterCount)
        }
        kernel(&theta, thetaRange: 0..<theta.count, scales: gradient.scales, packedCodes: gradient.packedCodes, learningRate: learningRate)
    }

    /// Applies one step to the parameters of leaf `index` only, inside the whole vector.
    public static func apply(leaf index: Int, of gradient: QuantizedGradient, learningRate: Float, to theta: inout [Float]) throws {
        try checkLearningRate(learningRate)
        guard theta.count == gradient.parameterCount else {
            throw QuantizationError.parameterCountMismatch(got: theta.count, want: gradient.parameterCount)
        }
        let leaf = try gradient.leaf(index)
        let range = QuantizedGradient.leafRange(index, parameters: gradient.parameterCount)
        kernel(&theta, thetaRange: range, scales: leaf.scales, packedCodes: leaf.packedCodes, learningRate: learningRate)
    }

    /// Applies one step to a single weight leaf (its m parameters) with the matching
    /// gradient leaf, as opened from two Merkle proofs.
    public static func apply(_ leaf: GradientLeaf, learningRate: Float, to thetaLeaf: inout [Float]) throws {
        try checkLearningRate(learningRate)
        guard thetaLeaf.count == leaf.parameterCount else {
            throw QuantizationError.parameterCountMismatch(got: thetaLeaf.count, want: leaf.parameterCount)
        }
        kernel(&thetaLeaf, thetaRange: 0..<thetaLeaf.count, scales: leaf.scales, packedCodes: leaf.packedCodes, learningRate: learningRate)
    }

    /// Rebuilds theta_steps from theta_0: for t = 1...steps, applies `gradient(t)`.
    /// `gradient` is called once per step, in order, so artifacts can be loaded one at a time.
    public static func replay(
        theta0: [Float], learningRate: Float, steps: Int, gradient: (Int) throws -> QuantizedGradient
    ) throws -> [Float] {
        guard steps >= 0 else { throw QuantizationError.negativeStepCount(steps) }
        var theta = theta0
        for t in stride(from: 1, through: steps, by: 1) {
            try apply(try gradient(t), learningRate: learningRate, to: &theta)
        }
        return theta
    }

    static func checkLearningRate(_ lr: Float) throws {
        guard lr.isFinite else { throw QuantizationError.invalidLearningRate(bitPattern: lr.bitPattern) }
    }

    /// Updates theta[thetaRange] with blocks whose first parameter is thetaRange.lowerBound;
    /// `scales` and `packedCodes` start at that block and byte.
    private static func kernel(
        _ theta: inout [Float], thetaRange: Range<Int>, scales: [Float], packedCodes: [UInt8], learningRate lr: Float
    ) {
        theta.withUnsafeMutableBufferPointer { th in
            scales.withUnsafeBufferPointer { s in
                packedCodes.withUnsafeBufferPointer { p in
                    guard !thetaRange.isEmpty, let thetaBase = th.baseAddress, let scaleBase = s.baseAddress,
                          let codeBase = p.baseAddress else { return }
                    updateBlocks(thetaBase + thetaRange.lowerBound, count: thetaRange.count, scales: scaleBase, codes: codeBase, learningRate: lr)
                }
            }
        }
    }

    /// Updates `count` parameters at `theta`, which start a block: `scales` and `codes` point at
    /// that block's scale and first code byte.
    ///
    /// Walks block by block and byte by byte (two parameters per byte) so the inner loop has
    /// no division and vectorizes; each parameter still gets exactly `updated`'s three
    /// roundings (Float(code) is exact, so converting from Int8 or Int is the same value).
    @inline(__always)
    static func updateBlocks(
        _ theta: UnsafeMutablePointer<Float>, count: Int, scales: UnsafePointer<Float>, codes: UnsafePointer<UInt8>,
        learningRate lr: Float
    ) {
        var start = 0, block = 0
        while start < count {
            let end = Swift.min(start + QuantizedGradient.blockSize, count)
            let scale = scales[block]
            let out = theta + start
            let bytes = codes + start / 2
            let pairs = (end - start) / 2
            for j in 0..<pairs {
                let byte = bytes[j]
                let low = Float(Int8(bitPattern: byte << 4) >> 4), high = Float(Int8(bitPattern: byte) >> 4)
                out[2 * j] = out[2 * j] - lr * (scale * low)
                out[2 * j + 1] = out[2 * j + 1] - lr * (scale * high)
            }
            if (end - start) % 2 == 1 {
                let code = QuantizedGradient.decodeNibble(bytes[pairs])
                out[2 * pairs] = updated(out[2 * pairs], scale: scale, code: code, learningRate: lr)
            }
            start = end
            block += 1
        }
    }
}
