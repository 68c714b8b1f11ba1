import Testing
import Verification

/// Known answers for RFC 6962 hashing over the standard Certificate Transparency leaf inputs.
///
/// Leaves, roots and proofs come from transparency-dev/merkle: `testonly/constants.go`
/// (`LeafInputs`, `RootHashes`, `NodeHashes`) and `proof/verify_test.go`
/// (`inclusionProofs`, whose `leaf` field is 1-based), the same vectors Certificate
/// Transparency's C++ and Go logs test against.
struct MerkleKnownAnswerTests {
    static let leafInputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                             "606162636465666768696a6b6c6d6e6f"].map { Hex.decode($0)! }

    /// Root for each tree size 0...8 over a prefix of `leafInputs`.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    /// Published inclusion proofs (0-based index, tree size, proof).
    static let proofs: [(index: Int, size: Int, proof: [String])] = [
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    static func root(prefix size: Int) throws -> Digest {
        let tree = ReferenceMerkleTree(leaves: Array(leafInputs.prefix(size)))
        return try Merkle.root(leafCount: size, maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
    }

    @Test func emptyTreeRootIsSHA256OfNothing() throws {
        #expect(RFC6962Hasher().emptyRoot.hex == Self.roots[0])
        #expect(try Self.root(prefix: 0).hex == Self.roots[0])
    }

    @Test(arguments: 1...8) func rootOfEachPrefixMatchesPublishedValue(size: Int) throws {
        #expect(try Self.root(prefix: size).hex == Self.roots[size])
        #expect(ReferenceMerkleTree(leaves: Array(Self.leafInputs.prefix(size))).root().hex == Self.roots[size])
    }

    @Test func rootFromLeafHashesMatchesRootFromBytes() throws {
        let hashes = Self.leafInputs.map { RFC6962Hasher().hashLeaf($0) }
        #expect(try Merkle.root(leafCount: 8) { hashes[$0] }.hex == Self.roots[8])
    }

    @Test func fastNodeHasherMatchesPlainHasher() throws {
        // Two leaves exercise both the leaf and the node path of the fast hasher.
        let leaves = Array(Self.leafInputs.prefix(2))
        let plain = RFC6962Hasher()
        let expected = plain.hashChildren(plain.hashLeaf(leaves[0]), plain.hashLeaf(leaves[1]))
        #expect(try Self.root(prefix: 2) == expected)
    }

    @Test func generatedProofsMatchPublishedProofs() throws {
        let tree = ReferenceMerkleTree(leaves: Self.leafInputs)
        for vector in Self.proofs {
            let (leafHash, proof) = try Merkle.inclusionProof(index: vector.index, leafCount: vector.size,
                                                              maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
            #expect(proof.map(\.hex) == vector.proof, "index \(vector.index) size \(vector.size)")
            #expect(try Merkle.verifyInclusion(leafHash: leafHash, index: vector.index, size: vector.size,
                                               proof: proof, root: Digest(hex: Self.roots[vector.size])!))
        }
    }

    @Test(arguments: 1...9) func everyProofVerifiesForTreesOfSizeOneToNine(size: Int) throws {
        // Size 9 repeats the first leaf input: the shape, not the data, is under test.
        let leaves = (0..<size).map { Self.leafInputs[$0 % 8] }
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
