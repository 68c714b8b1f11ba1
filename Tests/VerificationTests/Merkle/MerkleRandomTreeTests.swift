import Testing
import Verification

/// The streaming, parallel tree builder against the recursive reference on random trees.
struct MerkleRandomTreeTests {
    /// A deterministic generator (SplitMix64), so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    static func randomTree(size: Int, using rng: inout SplitMix) -> ReferenceMerkleTree {
        ReferenceMerkleTree(leaves: (0..<size).map { _ in
            (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        })
    }

    @Test func rootsMatchReferenceForEverySizeUpTo300() throws {
        var rng = SplitMix(state: 1)
        for size in 0...300 {
            let tree = Self.randomTree(size: size, using: &rng)
            let root = try Merkle.root(leafCount: size, maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
            #expect(root == tree.root(), "size \(size)")
        }
    }

    @Test func randomProofsMatchReferenceAndVerify() throws {
        var rng = SplitMix(state: 2)
        for _ in 0..<200 {
            let size = Int.random(in: 1...300, using: &rng)
            let tree = Self.randomTree(size: size, using: &rng)
            let index = Int.random(in: 0..<size, using: &rng)
            let (leafHash, proof) = try Merkle.inclusionProof(index: index, leafCount: size,
                                                              maxLeafBytes: tree.maxLeafBytes, leafBytes: tree.leafBytes)
            #expect(leafHash == tree.leafHash(index))
            #expect(proof == tree.proof(index), "index \(index) size \(size)")
            #expect(try Merkle.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, root: tree.root()))
        }
    }

    @Test func parallelChunkMergeEqualsReferenceAcrossChunkBoundaries() throws {
        // Leaf hashes keep the reference cheap enough for sizes spanning many 256-leaf chunks
        // and several windows, including sizes just around the chunk and window boundaries.
        let sizes = [255, 256, 257, 511, 512, 513, 1000, 4095, 4096, 4097, 8191, 9000, 20_000]
        for size in sizes {
            let hashes = (0..<size).map { RFC6962Hasher().hashLeaf([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
            let expected = Self.referenceRoot(hashes[...])
            #expect(try Merkle.root(leafCount: size) { hashes[$0] } == expected, "size \(size)")
        }
    }

    @Test func errorFromLeafClosureIsRethrown() {
        struct Boom: Error, Equatable { let index: Int }
        #expect(throws: Boom(index: 3000)) {
            try Merkle.root(leafCount: 5000) { i in
                if i == 3000 { throw Boom(index: i) }
                return RFC6962Hasher().emptyRoot
            }
        }
    }

    /// MTH over precomputed leaf hashes, recursively.
    static func referenceRoot(_ hashes: ArraySlice<Digest>) -> Digest {
        if hashes.count == 1 { return hashes.first! }
        let k = Merkle.splitPoint(hashes.count)
        let mid = hashes.startIndex + k
        return RFC6962Hasher().hashChildren(referenceRoot(hashes[..<mid]), referenceRoot(hashes[mid...]))
    }
}
