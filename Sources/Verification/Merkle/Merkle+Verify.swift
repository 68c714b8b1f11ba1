extension Merkle {
    /// The number of hashes in an inclusion proof for leaf `index` of a tree of `size` leaves.
    ///
    /// Requires `0 <= index < size`. The proof climbs `inner` levels inside the smallest
    /// perfect subtree holding both the leaf and the last leaf, then one hash per set bit
    /// above it (the "border" of RFC 9162's algorithm).
    public static func inclusionProofLength(index: Int, size: Int) -> Int {
        precondition(index >= 0 && index < size, "Requires 0 <= index < size")
        let inner = innerProofLength(index: index, size: size)
        return inner + (index >> inner).nonzeroBitCount
    }

    /// Computes the root implied by an inclusion proof for the leaf with hash `leafHash` at
    /// `index` in a tree of `size` leaves.
    ///
    /// Requires `0 <= index < size`, 32-byte hashes and exactly
    /// `inclusionProofLength(index:size:)` proof hashes, ordered from the leaf's sibling
    /// upward (RFC 6962 section 2.1.1 order); anything else throws. The result still has to
    /// be compared with a trusted root: see `verifyInclusion`.
    public static func rootFromInclusionProof(
        leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]],
        hasher: some MerkleHasher = RFC6962Hasher()
    ) throws(MerkleError) -> Digest {
        guard index >= 0, index < size else { throw .indexOutOfRange(index: index, size: size) }
        let inner = innerProofLength(index: index, size: size)
        let want = inner + (index >> inner).nonzeroBitCount
        guard proof.count == want else { throw .proofLengthMismatch(got: proof.count, want: want) }
        guard leafHash.count == SHA256.byteCount else { throw .wrongHashSize(field: "leafHash", bytes: leafHash.count) }
        for (i, hash) in proof.enumerated() where hash.count != SHA256.byteCount {
            throw .wrongHashSize(field: "proof[\(i)]", bytes: hash.count)
        }
        var seed = Digest(bytes: leafHash)
        for (i, bytes) in proof.enumerated() {
            let sibling = Digest(bytes: bytes)
            // Inside the inner subtree the index bit says which side we are on; above it the
            // path runs along the right border, so every sibling is on the left.
            if i < inner, (index >> i) & 1 == 0 {
                seed = hasher.hashChildren(seed, sibling)
            } else {
                seed = hasher.hashChildren(sibling, seed)
            }
        }
        return seed
    }

    /// Whether `proof` shows that the leaf hashing to `leafHash` sits at `index` in the tree
    /// of `size` leaves whose root is `root`.
    ///
    /// Requires the same as `rootFromInclusionProof` and a 32-byte `root`; malformed input
    /// throws, a well-formed proof for another tree returns `false`.
    public static func verifyInclusion(
        leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8],
        hasher: some MerkleHasher = RFC6962Hasher()
    ) throws(MerkleError) -> Bool {
        guard root.count == SHA256.byteCount else { throw .wrongHashSize(field: "root", bytes: root.count) }
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof, hasher: hasher)
        return computed.bytes == root
    }

    /// `verifyInclusion` for values already typed as digests.
    public static func verifyInclusion(
        leafHash: Digest, index: Int, size: Int, proof: [Digest], root: Digest,
        hasher: some MerkleHasher = RFC6962Hasher()
    ) throws(MerkleError) -> Bool {
        try verifyInclusion(leafHash: leafHash.bytes, index: index, size: size,
                            proof: proof.map(\.bytes), root: root.bytes, hasher: hasher)
    }

    /// Levels below the point where the paths to `index` and to the last leaf meet.
    private static func innerProofLength(index: Int, size: Int) -> Int {
        let diverging = UInt64(index) ^ UInt64(size - 1)
        return UInt64.bitWidth - diverging.leadingZeroBitCount
    }
}
