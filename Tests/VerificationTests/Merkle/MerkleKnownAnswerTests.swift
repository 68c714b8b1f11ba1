import Testing
import Verification

/// Known answers for RFC 6962 hashing over the standard Certificate Transparency leaf inputs,
/// read from Tests/Fixtures/merkle/rfc6962.json (whose README names their source).
struct MerkleKnownAnswerTests {
    static func root(prefix size: Int, of leafInputs: [[UInt8]]) throws -> Digest {
        let tree = ReferenceMerkleTree(leaves: Array(leafInputs.prefix(size)))
        return try Merkle.root(leafCount: size, maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
    }

    @Test func vectorFileHoldsEightLeavesNineRootsAndFourProofs() throws {
        let vectors = try MerkleVectors.rfc6962()
        #expect(try vectors.leaves().count == 8)
        #expect(vectors.roots.map(\.treeSize) == Array(0...8))
        #expect(vectors.inclusionProofs.map { [$0.leafIndex, $0.treeSize, $0.proof.count] } == [[0, 8, 3], [5, 8, 3], [2, 3, 1], [1, 5, 3]])
    }

    @Test func emptyTreeRootIsSHA256OfNothing() throws {
        let vectors = try MerkleVectors.rfc6962()
        #expect(RFC6962Hasher().emptyRoot.hex == (try vectors.root(treeSize: 0)))
        #expect(try Self.root(prefix: 0, of: vectors.leaves()).hex == (try vectors.root(treeSize: 0)))
    }

    @Test(arguments: 1...8) func rootOfEachPrefixMatchesPublishedValue(size: Int) throws {
        let vectors = try MerkleVectors.rfc6962()
        let leaves = try vectors.leaves()
        #expect(try Self.root(prefix: size, of: leaves).hex == (try vectors.root(treeSize: size)))
        #expect(ReferenceMerkleTree(leaves: Array(leaves.prefix(size))).root().hex == (try vectors.root(treeSize: size)))
    }

    @Test func rootFromLeafHashesMatchesRootFromBytes() throws {
        let vectors = try MerkleVectors.rfc6962()
        let hashes = try vectors.leaves().map { RFC6962Hasher().hashLeaf($0) }
        #expect(try Merkle.root(leafCount: 8) { hashes[$0] }.hex == (try vectors.root(treeSize: 8)))
    }

    @Test func fastNodeHasherMatchesPlainHasher() throws {
        // Two leaves exercise both the leaf and the node path of the fast hasher.
        let leaves = Array(try MerkleVectors.rfc6962().leaves().prefix(2))
        let plain = RFC6962Hasher()
        let expected = plain.hashChildren(plain.hashLeaf(leaves[0]), plain.hashLeaf(leaves[1]))
        #expect(try Self.root(prefix: 2, of: leaves) == expected)
    }

    @Test func generatedProofsMatchPublishedProofs() throws {
        let vectors = try MerkleVectors.rfc6962()
        let tree = ReferenceMerkleTree(leaves: try vectors.leaves())
        for vector in vectors.inclusionProofs {
            let (leafHash, proof) = try Merkle.inclusionProof(index: vector.leafIndex, leafCount: vector.treeSize,
                                                              maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
            #expect(proof.map(\.hex) == vector.proof, "index \(vector.leafIndex) size \(vector.treeSize)")
            #expect(try Merkle.verifyInclusion(leafHash: leafHash, index: vector.leafIndex, size: vector.treeSize,
                                               proof: proof, root: Digest(hex: vectors.root(treeSize: vector.treeSize))!))
        }
    }

    @Test(arguments: 1...9) func everyProofVerifiesForTreesOfSizeOneToNine(size: Int) throws {
        // Size 9 repeats the first leaf input: the shape, not the data, is under test.
        let leafInputs = try MerkleVectors.rfc6962().leaves()
        let leaves = (0..<size).map { leafInputs[$0 % 8] }
        let reference = ReferenceMerkleTree(leaves: leaves)
        let root = reference.root()
        for index in 0..<size {
            let (leafHash, proof) = try Merkle.inclusionProof(index: index, leafCount: size) { reference.leafHash($0) }
            #expect(leafHash == reference.leafHash(index))
            #expect(proof == reference.proof(index), "index \(index) size \(size)")
            #expect(proof.count == Merkle.inclusionProofLength(index: index, size: size))
            #expect(try Merkle.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, root: root))
        }
    }

    @Test func splitPointIsLargestPowerOfTwoBelowSize() {
        let expected: [Int: Int] = [2: 1, 3: 2, 4: 2, 5: 4, 8: 4, 9: 8, 1000: 512, 1 << 40: 1 << 39, (1 << 40) + 1: 1 << 40]
        for (size, k) in expected { #expect(Merkle.splitPoint(size) == k, "size \(size)") }
    }
}
