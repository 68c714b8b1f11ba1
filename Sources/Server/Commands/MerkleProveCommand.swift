internal import Verification

/// `verifier merkle prove FILE --leaf I`: prints leaf I's inclusion proof in the checkpoint's
/// parameter commitment (the `MerkleProofDocument` JSON).
enum MerkleProveCommand: Subcommand {
    static let name = "merkle prove"
    static let usage = "merkle prove FILE.safetensors --leaf I"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--leaf"])
        guard args.positionals.count == 1 else { throw UsageError("merkle prove takes exactly one FILE") }
        guard let index = try args.int("--leaf") else { throw UsageError("--leaf I is required") }
        let params = try CanonicalParameters(file: SafeTensorsFile(path: args.positionals[0]))
        guard index >= 0, index < params.leafCount else {
            throw UsageError("--leaf \(index) is out of range: the checkpoint has \(params.leafCount) leaves")
        }
        let (leafHash, proof) = try params.inclusionProof(leaf: index)
        // The proof determines the root, so the file is hashed once, not twice.
        let root = try Merkle.rootFromInclusionProof(leafHash: leafHash.bytes, index: index, size: params.leafCount,
                                                     proof: proof.map(\.bytes))
        let document = MerkleProofDocument(root: root.hex, leaves: params.leafCount, index: index,
                                           leafHash: leafHash.hex, proof: proof.map(\.hex))
        print(document.json)
        return 0
    }
}
