internal import Foundation
internal import JSONWriter
internal import Verification

/// `verifier merkle verify PROOF.json [--root HEX] [--leaf-file FILE]`: checks a proof printed
/// by `merkle prove`.
///
/// The proof must lead from its leaf hash to the trusted root (`--root`, else the root in the
/// document). With `--leaf-file`, the leaf hash must also be the hash of leaf `index` of that
/// checkpoint, whose leaf count must match. Prints {"valid":true} or {"valid":false,
/// "reason":...}; exit 0 valid, 1 invalid (including a malformed proof), 2 usage error.
enum MerkleVerifyCommand: Subcommand {
    static let name = "merkle verify"
    static let usage = "merkle verify PROOF.json [--root HEX] [--leaf-file FILE.safetensors]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--root", "--leaf-file"])
        guard args.positionals.count == 1 else { throw UsageError("merkle verify takes exactly one PROOF.json") }
        var trustedRoot: [UInt8]? = nil
        if let hex = args.value("--root") {
            guard let root = Digest(hex: hex) else { throw UsageError("--root must be 64 hex characters, got \"\(hex)\"") }
            trustedRoot = root.bytes
        }
        guard let data = FileManager.default.contents(atPath: args.positionals[0]) else {
            throw UsageError("cannot read \(args.positionals[0])")
        }
        if let reason = try check(data, trustedRoot: trustedRoot, leafFile: args.value("--leaf-file")) {
            // Escaped as JSONSerialization wrote it, which this command used before.
            print("{\"valid\":false,\"reason\":\(JSONText.quote(reason, escaping: .foundation))}")
            return 1
        }
        print("{\"valid\":true}")
        return 0
    }

    /// Why the proof is invalid, or nil when it is valid. Throws only for an unreadable
    /// `--leaf-file`.
    private static func check(_ data: Data, trustedRoot: [UInt8]?, leafFile: String?) throws -> String? {
        let document: MerkleProofDocument
        do { document = try MerkleProofDocument(json: data) } catch { return "\(error)" }
        guard let documentRoot = Hex.decode(document.root) else { return "root is not hex" }
        guard let leafHash = Hex.decode(document.leafHash) else { return "leafHash is not hex" }
        var proof: [[UInt8]] = []
        for (i, hex) in document.proof.enumerated() {
            guard let bytes = Hex.decode(hex) else { return "proof[\(i)] is not hex" }
            proof.append(bytes)
        }
        if let leafFile {
            let params: CanonicalParameters
            do { params = try CanonicalParameters(file: SafeTensorsFile(path: leafFile)) } catch {
                throw UsageError("--leaf-file \(leafFile): \(error)")
            }
            guard params.leafCount == document.leaves else {
                return "the checkpoint has \(params.leafCount) leaves, the proof says \(document.leaves)"
            }
            guard document.index >= 0, document.index < params.leafCount else {
                return "\(MerkleError.indexOutOfRange(index: document.index, size: document.leaves))"
            }
            let actual = try RFC6962Hasher().hashLeaf(params.leaf(document.index))
            guard actual.bytes == leafHash else { return "leaf \(document.index) of the checkpoint hashes to \(actual.hex), not leafHash" }
        }
        let root = trustedRoot ?? documentRoot
        do {
            let valid = try Merkle.verifyInclusion(leafHash: leafHash, index: document.index, size: document.leaves,
                                                   proof: proof, root: root)
            return valid ? nil : "the proof does not lead to root \(Hex.encode(root))"
        } catch {
            return "\(error)"
        }
    }
}
