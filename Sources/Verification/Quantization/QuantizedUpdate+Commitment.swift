/// The replay's inner step: the update rule and the commitment to its result in one pass.
extension QuantizedUpdate {
    /// Applies one step to the whole vector, like `apply`, and returns the commitment to the
    /// updated vector, like `ParameterCommitment(parameters:)`.
    ///
    /// Each 4 KiB weight leaf is updated and then hashed while it is in cache, on all cores
    /// (leaves are disjoint, so every leaf is updated by exactly one thread). The vector ends
    /// exactly as `apply` leaves it whether or not the commitment succeeds: a NaN or infinity
    /// in the result throws `CommitmentError.nonFinite` for the first one in canonical order,
    /// but only after every leaf has been updated. Invalid learning rates and size mismatches
    /// throw before anything changes.
    public static func applyAndCommit(_ gradient: QuantizedGradient, learningRate: Float, to theta: inout [Float]) throws -> ParameterCommitment {
        try checkLearningRate(learningRate)
        guard theta.count == gradient.parameterCount else {
            throw QuantizationError.parameterCountMismatch(got: theta.count, want: gradient.parameterCount)
        }
        let leafCount = QuantizedGradient.leafCount(parameters: theta.count)
        let parameterCount = theta.count
        // One slot per leaf, each written only by the thread that hashes that leaf.
        let firstBad = UnsafeMutableBufferPointer<Int>.allocate(capacity: leafCount)
        firstBad.initialize(repeating: -1)
        defer { firstBad.deallocate() }
        var builder = MerkleTreeBuilder(scratchBytes: 0)
        builder.chunkLeaves = 64
        let root = theta.withUnsafeMutableBufferPointer { th in
            gradient.scales.withUnsafeBufferPointer { s in
                gradient.packedCodes.withUnsafeBufferPointer { p in
                    let (thetaBase, scaleBase, codeBase) = (th.baseAddress!, s.baseAddress!, p.baseAddress!)
                    // Each leaf is updated just before it is hashed, and checked just after.
                    let leaves = LeafBytes(bytes: { i, _ in
                        let range = QuantizedGradient.leafRange(i, parameters: parameterCount)
                        let leaf = thetaBase + range.lowerBound
                        updateBlocks(leaf, count: range.count, scales: scaleBase + range.lowerBound / QuantizedGradient.blockSize,
                                     codes: codeBase + range.lowerBound / 2, learningRate: learningRate)
                        return UnsafeRawBufferPointer(start: leaf, count: range.count * MemoryLayout<Float>.size)
                    }) { i, bytes in
                        if let bad = CanonicalLayout.firstNonFinite(bytes) {
                            firstBad[i] = QuantizedGradient.leafRange(i, parameters: parameterCount).lowerBound + bad.index
                        }
                    }
                    return updateAndHash(leafCount: leafCount, builder: builder, leaves: leaves)
                }
            }
        }
        if let parameter = firstBad.first(where: { $0 >= 0 }) {
            throw CommitmentError.nonFinite(tensor: CanonicalLayout.vectorName, element: parameter, bits: theta[parameter].bitPattern)
        }
        return ParameterCommitment(root: root, leafCount: leafCount, parameterCount: parameterCount)
    }

    /// The root over `leafCount` leaves from `leaves`, whose closures never throw.
    private static func updateAndHash(leafCount: Int, builder: MerkleTreeBuilder, leaves: LeafBytes) -> Digest {
        do {
            return try builder.root(of: 0..<leafCount, leaves: leaves).digest
        } catch {
            // The leaf closures cannot throw; the builder's signature allows it for others.
            preconditionFailure("leaf hashing threw \(error)")
        }
    }
}
