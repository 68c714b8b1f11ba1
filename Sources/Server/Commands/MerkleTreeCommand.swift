internal import Foundation
internal import Verification

/// `verifier merkle tree FILE --out TREEFILE`: writes the tree file (docs/protocol-parts/remote.md)
/// of a safetensors checkpoint's commitment, or of a gradient artifact's when FILE declares
/// format pogo/1/grad4, and prints {"tree": path, "root": hex, "leaves": n, "bytes": size}.
enum MerkleTreeCommand: Subcommand {
    static let name = "merkle tree"
    static let usage = "merkle tree FILE.safetensors --out TREEFILE"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--out"])
        guard args.positionals.count == 1 else { throw UsageError("merkle tree takes exactly one FILE") }
        guard let out = args.value("--out") else { throw UsageError("--out TREEFILE is required") }
        let file = try SafeTensorsFile(path: args.positionals[0])
        let hasher = RFC6962Hasher()
        let hashes: [Digest]
        if file.metadata["format"] == GradientArtifact.format {
            let gradient = try GradientArtifact.decode(file)
            hashes = try (0..<gradient.leafCount).map { hasher.hashLeaf(try gradient.leafBytes($0)) }
        } else {
            let canonical = try CanonicalParameters(file: file)
            hashes = try (0..<canonical.leafCount).map { hasher.hashLeaf(try canonical.leaf($0)) }
        }
        guard !hashes.isEmpty else { throw UsageError("\(args.positionals[0]) has no parameters") }
        let tree = MerkleTreeFile.encode(leafHashes: hashes)
        try Data(tree).write(to: URL(fileURLWithPath: out))
        try JSONOutput.print(["tree": out, "root": Hex.encode(tree.suffix(32)), "leaves": hashes.count, "bytes": tree.count])
        return 0
    }
}
