import Testing
import Verification

/// Every mutation of a valid inclusion proof must be refused, either as malformed (throws)
/// or as not matching (false), in the style of transparency-dev/merkle's
/// `corruptInclusionProof`.
struct MerkleMutationTests {
    struct Case {
        var leafHash: [UInt8]
        var index: Int
        var size: Int
        var proof: [[UInt8]]
        var root: [UInt8]

        var accepted: Bool {
            (try? Merkle.verifyInclusion(leafHash: leafHash, index: index, size: size, proof: proof, root: root)) ?? false
        }
    }

    /// A valid case for every index of every size 1...9.
    static func validCases() -> [Case] {
        var cases: [Case] = []
        for size in 1...9 {
            let tree = ReferenceMerkleTree(leaves: (0..<size).map { [UInt8($0), 0x5a] })
            let root = tree.root()
            for index in 0..<size {
                cases.append(Case(leafHash: tree.leafHash(index).bytes, index: index, size: size,
                                  proof: tree.proof(index).map(\.bytes), root: root.bytes))
            }
        }
        return cases
    }

    @Test func acceptsEveryUnmodifiedProof() {
        for c in Self.validCases() { #expect(c.accepted, "index \(c.index) size \(c.size)") }
    }

    @Test func rejectsProofWithAFlippedBitInAnyHash() {
        for c in Self.validCases() {
            for i in c.proof.indices {
                for bit in [0, 3, 7] {
                    var m = c
                    m.proof[i][i % 32] ^= UInt8(1 << bit)
                    #expect(!m.accepted, "index \(c.index) size \(c.size) proof[\(i)] bit \(bit)")
                }
            }
        }
    }

    @Test func rejectsTruncatedProofAndProofWithExtraHash() {
        for c in Self.validCases() {
            if !c.proof.isEmpty {
                var truncated = c
                truncated.proof.removeLast()
                #expect(!truncated.accepted)
                var headless = c
                headless.proof.removeFirst()
                #expect(!headless.accepted)
            }
            var trailing = c
            trailing.proof.append(c.root)
            #expect(!trailing.accepted)
            var preceding = c
            preceding.proof.insert(c.root, at: 0)
            #expect(!preceding.accepted)
            var garbage = c
            garbage.proof.append([])
            #expect(!garbage.accepted)
        }
    }

    @Test func rejectsNeighbouringIndex() {
        for c in Self.validCases() {
            for index in [c.index - 1, c.index + 1, c.index ^ 2] where index != c.index {
                var m = c
                m.index = index
                #expect(!m.accepted, "index \(c.index) -> \(index) size \(c.size)")
            }
        }
    }

    @Test func rejectsWrongSizeWheneverThePathShapeDiffers() {
        // RFC 6962 proofs do not bind the tree size on their own: (7, 9) and (7, 10) hash the
        // same siblings in the same order, which is why a signed tree head (here: the
        // commitment) carries the size next to the root. Every other wrong size must fail.
        var sameShape = 0
        for c in Self.validCases() {
            for size in [c.size - 1, c.size + 1, c.size * 2, c.size / 2] where size != c.size {
                var m = c
                m.size = size
                if Self.pathShape(index: c.index, size: size) == Self.pathShape(index: c.index, size: c.size) {
                    sameShape += 1
                } else {
                    #expect(!m.accepted, "index \(c.index) size \(c.size) -> \(size)")
                }
            }
        }
        #expect(sameShape < 60)
    }

    /// For each proof hash, whether it is hashed on the left; nil when the index is outside.
    static func pathShape(index: Int, size: Int) -> [Bool]? {
        guard index >= 0, index < size else { return nil }
        let inner = UInt64.bitWidth - (UInt64(index) ^ UInt64(size - 1)).leadingZeroBitCount
        let length = Merkle.inclusionProofLength(index: index, size: size)
        return (0..<length).map { i in i >= inner || (index >> i) & 1 == 1 }
    }

    @Test func rejectsSwappedRootAndLeaf() {
        for c in Self.validCases() where c.size > 1 {
            var m = c
            (m.root, m.leafHash) = (c.leafHash, c.root)
            #expect(!m.accepted)
            var other = c
            other.root = RFC6962Hasher().emptyRoot.bytes
            #expect(!other.accepted)
        }
    }

    @Test func reportsWrongProofLengthWithGotAndWant() {
        let c = Self.validCases().last!
        let padded = c.proof + [c.root, c.root]
        #expect(throws: MerkleError.proofLengthMismatch(got: padded.count, want: c.proof.count)) {
            try Merkle.rootFromInclusionProof(leafHash: c.leafHash, index: c.index, size: c.size, proof: padded)
        }
        #expect(MerkleError.proofLengthMismatch(got: 7, want: 5).description == "got 7 proof hashes, want 5")
    }

    @Test func refusesIndexOutOfRange() {
        let hash = RFC6962Hasher().emptyRoot.bytes
        for (index, size) in [(0, 0), (1, 1), (-1, 4), (4, 4)] {
            #expect(throws: MerkleError.indexOutOfRange(index: index, size: size)) {
                try Merkle.rootFromInclusionProof(leafHash: hash, index: index, size: size, proof: [])
            }
        }
    }

    @Test func refusesHashesThatAreNot32Bytes() {
        let c = Self.validCases()[5]
        var shortProof = c.proof
        shortProof[0] = Array(shortProof[0].prefix(31))
        #expect(throws: MerkleError.wrongHashSize(field: "proof[0]", bytes: 31)) {
            try Merkle.rootFromInclusionProof(leafHash: c.leafHash, index: c.index, size: c.size, proof: shortProof)
        }
        #expect(throws: MerkleError.wrongHashSize(field: "leafHash", bytes: 33)) {
            try Merkle.rootFromInclusionProof(leafHash: c.leafHash + [0], index: c.index, size: c.size, proof: c.proof)
        }
        #expect(throws: MerkleError.wrongHashSize(field: "root", bytes: 0)) {
            try Merkle.verifyInclusion(leafHash: c.leafHash, index: c.index, size: c.size, proof: c.proof, root: [])
        }
    }
}
