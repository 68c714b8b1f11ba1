import Foundation
import TestSupport
import Verification

/// A file of RFC 6962 known answers from Tests/Fixtures/merkle/ (its README says where they
/// come from): leaf inputs, the root of each prefix of them, and inclusion proofs.
struct MerkleVectors: Decodable {
    struct Root: Decodable {
        let treeSize: Int
        let root: String
    }

    /// A proof for the leaf at 0-based `leafIndex` in the tree of the first `treeSize` leaves.
    struct InclusionProof: Decodable {
        let leafIndex: Int
        let treeSize: Int
        let proof: [String]
    }

    /// Leaf inputs as hex.
    let leafInputs: [String]
    let roots: [Root]
    let inclusionProofs: [InclusionProof]

    enum VectorError: Error {
        case badHex(String)
        case noRoot(treeSize: Int)
    }

    /// Reads and decodes Tests/Fixtures/merkle/`name`.
    static func load(_ name: String) throws -> MerkleVectors {
        try JSONDecoder().decode(MerkleVectors.self, from: Data(contentsOf: Repository.url("Tests/Fixtures/merkle/" + name)))
    }

    /// The Certificate Transparency vectors (rfc6962.json).
    static func rfc6962() throws -> MerkleVectors { try load("rfc6962.json") }

    /// The leaf inputs as bytes.
    func leaves() throws -> [[UInt8]] {
        try leafInputs.map { hex in
            guard let bytes = Hex.decode(hex) else { throw VectorError.badHex(hex) }
            return bytes
        }
    }

    /// The published root (hex) of the tree of the first `treeSize` leaves.
    func root(treeSize: Int) throws -> String {
        guard let entry = roots.first(where: { $0.treeSize == treeSize }) else { throw VectorError.noRoot(treeSize: treeSize) }
        return entry.root
    }
}
