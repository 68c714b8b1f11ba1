/// Reads single leaves of remote artifacts for leaf-only verification: safetensors headers
/// first, then the byte ranges of one leaf, and Merkle openings from tree files. Headers,
/// leaves and their openings are cached, since challenged steps share earlier gradient leaves.
struct LeafArtifacts {
    /// Why a leaf could not be used: the verifier could not obtain bytes (the job fails), or the
    /// miner's bytes are wrong (a failed check).
    enum Failure: Error {
        case unavailable(PoGOVerificationError)
        case invalid(String)
    }

    /// Where a gradient artifact's tensors sit in its file.
    struct GradientLayout {
        let scalesStart: Int
        let codesStart: Int
    }

    let bundle: ProofBundle
    let trees: ProofBundle.Trees
    let reader: ArtifactRangeReader
    let layout: ParameterLayout
    let leafCount: Int
    private(set) var theta0Ranges: [String: Range<Int>] = [:]
    private var gradientLayouts: [Int: GradientLayout] = [:]
    private var theta0Leaves: [Int: Result<[Float], Failure>] = [:]
    private var gradientLeaves: [Int: [Int: Result<GradientLeaf, Failure>]] = [:]

    init(bundle: ProofBundle, trees: ProofBundle.Trees, reader: ArtifactRangeReader, layout: ParameterLayout) {
        self.bundle = bundle
        self.trees = trees
        self.reader = reader
        self.layout = layout
        leafCount = QuantizedGradient.leafCount(parameters: bundle.parameterCount)
    }

    /// Reads theta_0's header; its tensors must be exactly the model's, F32 with its shapes.
    mutating func loadTheta0Header() throws(Failure) {
        let header = try readHeader(bundle.theta0Artifact, name: "theta0")
        let want = Set(layout.slots.map(\.name))
        if let extra = header.entries.first(where: { !want.contains($0.name) && !layout.ignored.contains($0.name) }) {
            throw .invalid("theta0 has a tensor the model does not have: \(extra.name)")
        }
        for slot in layout.slots {
            guard let e = header.entry(slot.name) else { throw .invalid("missing tensor \(slot.name)") }
            guard e.dtype == .f32, e.shape == slot.shape else {
                throw .invalid("tensor \(slot.name) is not F32 \(slot.shape)")
            }
            theta0Ranges[slot.name] = e.byteRange
        }
    }

    /// Reads step t's gradient header: format pogo/1/grad4 over P parameters, exactly
    /// `codes` U8 and `scales` F32 with their shapes.
    mutating func loadGradientHeader(step t: Int) throws(Failure) {
        let header = try readHeader(bundle.gradientArtifacts[t - 1], name: "gradient \(t)")
        let p = bundle.parameterCount
        guard header.metadata["format"] == GradientArtifact.format else { throw .invalid("step \(t): format is not \(GradientArtifact.format)") }
        guard header.metadata["parameters"] == String(p) else { throw .invalid("step \(t): __metadata__.parameters is not \(p)") }
        guard header.entries.map(\.name) == ["codes", "scales"],
              let codes = header.entry("codes"), codes.dtype == .u8, codes.shape == [QuantizedGradient.packedByteCount(parameters: p)],
              let scales = header.entry("scales"), scales.dtype == .f32, scales.shape == [QuantizedGradient.blockCount(parameters: p)]
        else { throw .invalid("step \(t): tensors must be codes U8 and scales F32 over \(p) parameters") }
        gradientLayouts[t] = GradientLayout(scalesStart: scales.byteRange.lowerBound, codesStart: codes.byteRange.lowerBound)
    }

    /// theta_0's leaf i, opened against theta0Root before it is returned.
    mutating func theta0Leaf(_ i: Int) throws(Failure) -> [Float] {
        if let cached = theta0Leaves[i] { return try cached.get() }
        let result = Result { () throws(Failure) -> [Float] in
            let range = QuantizedGradient.leafRange(i, parameters: bundle.parameterCount)
            var bytes: [UInt8] = []
            for slot in layout.slots {
                let lo = max(range.lowerBound, slot.offset), hi = min(range.upperBound, slot.offset + slot.count)
                guard lo < hi, let fileRange = theta0Ranges[slot.name] else { continue }
                let start = fileRange.lowerBound + 4 * (lo - slot.offset)
                bytes += try readExactly(bundle.theta0Artifact, start..<(start + 4 * (hi - lo)), name: "theta0")
            }
            try open(bytes, index: i, tree: trees.theta0, root: bundle.theta0Root, what: "theta0 leaf \(i)")
            let floats = Self.floats(bytes)
            if let bad = floats.firstIndex(where: { !$0.isFinite }) { throw .invalid("theta0 leaf \(i): parameter \(bad) is not finite") }
            return floats
        }
        theta0Leaves[i] = result
        return try result.get()
    }

    /// Step t's gradient leaf i, opened against steps[t-1].gradientRoot before it is returned.
    /// Requires `loadGradientHeader(step: t)` to have succeeded.
    mutating func gradientLeaf(step t: Int, _ i: Int) throws(Failure) -> GradientLeaf {
        if let cached = gradientLeaves[t]?[i] { return try cached.get() }
        let result = Result { () throws(Failure) -> GradientLeaf in
            guard let g = gradientLayouts[t] else { throw .invalid("step \(t): gradient header not read") }
            let m = QuantizedGradient.leafRange(i, parameters: bundle.parameterCount).count
            let scaleStart = g.scalesStart + 4 * i * GradientLeaf.blocksPerLeaf
            let codeStart = g.codesStart + i * GradientLeaf.parametersPerLeaf / 2
            let artifact = bundle.gradientArtifacts[t - 1]
            let bytes = try readExactly(artifact, scaleStart..<(scaleStart + 4 * QuantizedGradient.blockCount(parameters: m)), name: "gradient \(t)")
                + readExactly(artifact, codeStart..<(codeStart + QuantizedGradient.packedByteCount(parameters: m)), name: "gradient \(t)")
            try open(bytes, index: i, tree: trees.gradients[t - 1], root: bundle.steps[t - 1].gradientRoot, what: "gradient \(t) leaf \(i)")
            do { return try GradientLeaf(bytes: bytes, parameterCount: m) } catch {
                throw .invalid("gradient \(t) leaf \(i) is malformed: \(ArtifactErrorText.of(error))")
            }
        }
        gradientLeaves[t, default: [:]][i] = result
        return try result.get()
    }

    /// Opens leaf `index` with data `bytes` against `root`, reading the proof from `tree`.
    func open(_ bytes: [UInt8], index: Int, tree: ProofBundle.Artifact, root: Digest, what: String) throws(Failure) {
        var proof: [Digest] = []
        for node in MerkleTreeFile.proofNodes(index: index, leafCount: leafCount) {
            let hash = try read(tree, node.offset..<(node.offset + MerkleTreeFile.hashBytes), name: "tree of \(what)")
            guard hash.count == MerkleTreeFile.hashBytes else { throw .invalid("tree file of \(what) ends before offset \(node.offset + 32)") }
            proof.append(Digest(bytes: hash))
        }
        let leafHash = RFC6962Hasher().hashLeaf(bytes)
        guard (try? Merkle.verifyInclusion(leafHash: leafHash, index: index, size: leafCount, proof: proof, root: root)) == true else {
            throw .invalid("\(what) does not open against root \(root.hex)")
        }
    }

    private func readHeader(_ artifact: ProofBundle.Artifact, name: String) throws(Failure) -> SafeTensorsHeader {
        let prefix = try read(artifact, 0..<8, name: name)
        do {
            let n = try SafeTensorsHeader.headerLength(prefix: prefix)
            let json = n == 0 ? [] : try readExactly(artifact, 8..<(8 + n), name: name)
            return try SafeTensorsHeader(json: json)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .invalid("\(name) header: \(ArtifactErrorText.of(error))")
        }
    }

    private func readExactly(_ artifact: ProofBundle.Artifact, _ range: Range<Int>, name: String) throws(Failure) -> [UInt8] {
        let bytes = try read(artifact, range, name: name)
        // The range may come from the artifact's own header: its bounds are not quoted.
        guard bytes.count == range.count else { throw .invalid("\(name) ends before the end of a range its header declares") }
        return bytes
    }

    private func read(_ artifact: ProofBundle.Artifact, _ range: Range<Int>, name: String) throws(Failure) -> [UInt8] {
        do { return try reader.read(artifact, range: range, name: name) } catch { throw .unavailable(error) }
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { k in
            Float(bitPattern: UInt32(bytes[k]) | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2]) << 16 | UInt32(bytes[k + 3]) << 24)
        }
    }
}
