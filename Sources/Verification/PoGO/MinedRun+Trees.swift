extension MinedRun {
    /// The tree files of a run, named as `bundleJSON` places them: theta0.tree, then
    /// weights-0001.tree ... (theta_t) and grad-0001.tree ... (g_t). Replays the update rule
    /// to obtain each theta_t.
    func treeFiles() -> [(name: String, bytes: [UInt8])] {
        var files = [(name: "theta0.tree", bytes: Self.weightTree(theta0))]
        var gradientTrees: [(name: String, bytes: [UInt8])] = []
        var theta = theta0
        let rule = settings.updateRule
        var state = rule.initialState(count: theta0.count)
        for (i, gradient) in gradients.enumerated() {
            // The miner produced these gradients for this vector, so the sizes match.
            try? rule.apply(gradient, step: i + 1, to: &theta, state: &state)
            files.append((Self.treeFileName("weights", step: i + 1), Self.weightTree(theta)))
            gradientTrees.append((Self.treeFileName("grad", step: i + 1), Self.gradientTree(gradient)))
        }
        return files + gradientTrees
    }

    /// The tree file of a parameter vector's commitment.
    public static func weightTree(_ parameters: [Float]) -> [UInt8] {
        let canonical = CanonicalParameters(parameters: parameters)
        let hasher = RFC6962Hasher()
        // Indices are below leafCount, so leaf(_:) cannot throw.
        let hashes = (0..<canonical.leafCount).map { hasher.hashLeaf((try? canonical.leaf($0)) ?? []) }
        return MerkleTreeFile.encode(leafHashes: hashes)
    }

    /// The tree file of a quantized gradient's commitment.
    public static func gradientTree(_ gradient: QuantizedGradient) -> [UInt8] {
        let hasher = RFC6962Hasher()
        let hashes = (0..<gradient.leafCount).map { hasher.hashLeaf((try? gradient.leafBytes($0)) ?? []) }
        return MerkleTreeFile.encode(leafHashes: hashes)
    }

    /// "weights-0001.tree" for ("weights", 1).
    static func treeFileName(_ prefix: String, step: Int) -> String {
        let digits = String(step)
        return prefix + "-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".tree"
    }
}
