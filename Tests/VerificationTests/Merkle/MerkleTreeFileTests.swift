import Testing
@testable import Verification

/// The tree file's bottom-up levels give the RFC 6962 root, and its proof nodes are exactly
/// the RFC 6962 inclusion proof, checked against the streaming Merkle code.
@Suite struct MerkleTreeFileTests {
    static func leafHashes(_ n: Int) -> [Digest] {
        (0..<n).map { RFC6962Hasher().hashLeaf(Array("leaf \($0)".utf8)) }
    }

    static func hashes(of file: [UInt8], at nodes: [MerkleTreeFile.Node]) -> [Digest] {
        nodes.map { Digest(bytes: Array(file[$0.offset..<($0.offset + 32)])) }
    }

    @Test func lastNodeIsTheRFC6962RootForSizes1To300() throws {
        for n in 1...300 {
            let leaves = Self.leafHashes(n)
            let file = MerkleTreeFile.encode(leafHashes: leaves)
            #expect(file.count == MerkleTreeFile.byteCount(leafCount: n))
            let root = try Merkle.root(leafCount: n) { leaves[$0] }
            #expect(Array(file[MerkleTreeFile.rootOffset(leafCount: n)...]) == root.bytes, "size \(n)")
            #expect(Array(file[0..<(32 * n)]) == leaves.flatMap(\.bytes), "level 0 is the leaf hashes")
        }
    }

    @Test func proofNodesAreTheRFC6962InclusionProof() throws {
        for n in 1...300 {
            let leaves = Self.leafHashes(n)
            let file = MerkleTreeFile.encode(leafHashes: leaves)
            let root = try Merkle.root(leafCount: n) { leaves[$0] }
            // Every index for small trees; first, last, middle and a stride for larger ones.
            let indices = n <= 40 ? Array(0..<n) : Array(Set([0, n - 1, n / 2] + Array(stride(from: 1, to: n, by: 37)))).sorted()
            for i in indices {
                let proof = Self.hashes(of: file, at: MerkleTreeFile.proofNodes(index: i, leafCount: n))
                let want = try Merkle.inclusionProof(index: i, leafCount: n) { leaves[$0] }
                #expect(proof == want.proof, "size \(n) index \(i)")
                #expect(try Merkle.verifyInclusion(leafHash: leaves[i], index: i, size: n, proof: proof, root: root))
            }
        }
    }

    @Test func levelSizesHalveRoundingUp() {
        #expect(MerkleTreeFile.levelSizes(leafCount: 1) == [1])
        #expect(MerkleTreeFile.levelSizes(leafCount: 5) == [5, 3, 2, 1])
        #expect(MerkleTreeFile.byteCount(leafCount: 5) == 11 * 32)
        // Leaf 4 of 5 is promoted twice: its proof is the one root-side sibling at level 2.
        #expect(MerkleTreeFile.proofNodes(index: 4, leafCount: 5) == [.init(level: 2, position: 0, offset: (5 + 3) * 32)])
    }

    @Test func workedExampleOfThreeLeaves() {
        // The three-leaf example of docs/protocol-parts/remote.md: leaves "a", "b", "c".
        let leaves = ["a", "b", "c"].map { RFC6962Hasher().hashLeaf(Array($0.utf8)) }
        let file = MerkleTreeFile.encode(leafHashes: leaves)
        #expect(file.count == 6 * 32)
        let root = Digest(bytes: Array(file[(5 * 32)...]))
        #expect(root == (try? Merkle.root(leafCount: 3) { leaves[$0] }))
        #expect(MerkleTreeFile.proofNodes(index: 2, leafCount: 3).map(\.offset) == [3 * 32])
        // Known answers computed with Python's hashlib (docs/protocol-parts/remote.md).
        let want = ["022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c",
                    "57eb35615d47f34ec714cacdf5fd74608a5e8e102724e80b24b287c0c27b6a31",
                    "597fcb31282d34654c200d3418fca5705c648ebf326ec73d8ddef11841f876d8",
                    "b137985ff484fb600db93107c77b0365c80d78f5b429ded0fd97361d077999eb",
                    "597fcb31282d34654c200d3418fca5705c648ebf326ec73d8ddef11841f876d8",
                    "36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1"]
        #expect((0..<6).map { Hex.encode(Array(file[(32 * $0)..<(32 * $0 + 32)])) } == want)
    }
}
