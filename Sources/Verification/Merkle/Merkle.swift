/// RFC 6962 / RFC 9162 Merkle trees over SHA-256: roots, inclusion proofs and their checks.
///
/// Tree hash of n leaves D[0..n) (RFC 6962 section 2.1): MTH({}) = SHA-256(),
/// MTH({d}) = SHA-256(0x00 || d), and for n > 1 with k the largest power of two below n,
/// MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
///
/// Roots and proofs are built by streaming over the leaves: memory is O(log n) hashes, never
/// an array of all leaf hashes, and leaves are hashed on all cores in aligned power-of-two
/// chunks whose roots are merged in order (see `MerkleTreeBuilder`). Leaves come from a
/// closure, so the same code serves memory-mapped checkpoints, in-memory vectors and leaves
/// computed on the fly.
public enum Merkle {
    /// The largest power of two strictly below `size`: where RFC 6962 splits a tree.
    ///
    /// Requires `size >= 2`.
    public static func splitPoint(_ size: Int) -> Int {
        precondition(size >= 2, "Requires size >= 2")
        return 1 << (Int.bitWidth - 1 - (size - 1).leadingZeroBitCount)
    }

    /// The root over `leafCount` leaves whose data comes from `leafBytes`.
    ///
    /// `leafBytes(i, scratch)` returns leaf i's bytes: either memory that stays valid during
    /// the call or a prefix of `scratch`, a buffer of `maxLeafBytes` bytes owned by the calling
    /// thread. It is called from several threads at once, each index exactly once; an error
    /// it throws stops the computation and is rethrown. Requires `leafCount >= 0`.
    public static func root(
        leafCount: Int, maxLeafBytes: Int,
        leafBytes: (Int, UnsafeMutableRawBufferPointer) throws -> UnsafeRawBufferPointer
    ) throws -> Digest {
        precondition(leafCount >= 0, "Requires leafCount >= 0")
        let builder = MerkleTreeBuilder(scratchBytes: maxLeafBytes)
        return try withoutActuallyEscaping(leafBytes) { leafBytes in
            try builder.root(of: 0..<leafCount, leaves: LeafBytes(bytes: leafBytes)).digest
        }
    }

    /// The root over `leafCount` leaves whose leaf hashes (already domain-separated, i.e.
    /// SHA-256(0x00 || data)) come from `leafHash`, called from several threads at once.
    public static func root(leafCount: Int, leafHash: (Int) throws -> Digest) throws -> Digest {
        precondition(leafCount >= 0, "Requires leafCount >= 0")
        let builder = MerkleTreeBuilder(scratchBytes: 0)
        return try withoutActuallyEscaping(leafHash) { leafHash in
            try builder.root(of: 0..<leafCount, leaves: LeafHashClosure { i, _, _ in Node(try leafHash(i)) }).digest
        }
    }

    /// Leaf `index`'s hash and its inclusion proof (sibling first, root-side last) in the tree
    /// over `leafCount` leaves from `leafBytes` (the same contract as `root`).
    ///
    /// Hashes every leaf once, in parallel. Requires `0 <= index < leafCount`, else throws.
    public static func inclusionProof(
        index: Int, leafCount: Int, maxLeafBytes: Int,
        leafBytes: (Int, UnsafeMutableRawBufferPointer) throws -> UnsafeRawBufferPointer
    ) throws -> (leafHash: Digest, proof: [Digest]) {
        guard index >= 0, index < leafCount else { throw MerkleError.indexOutOfRange(index: index, size: leafCount) }
        let builder = MerkleTreeBuilder(scratchBytes: maxLeafBytes)
        return try withoutActuallyEscaping(leafBytes) { leafBytes in
            try builder.inclusionProof(index: index, size: leafCount, leaves: LeafBytes(bytes: leafBytes))
        }
    }

    /// Leaf `index`'s hash and its inclusion proof in the tree over `leafCount` leaf hashes.
    ///
    /// Requires `0 <= index < leafCount`, else throws.
    public static func inclusionProof(
        index: Int, leafCount: Int, leafHash: (Int) throws -> Digest
    ) throws -> (leafHash: Digest, proof: [Digest]) {
        guard index >= 0, index < leafCount else { throw MerkleError.indexOutOfRange(index: index, size: leafCount) }
        let builder = MerkleTreeBuilder(scratchBytes: 0)
        return try withoutActuallyEscaping(leafHash) { leafHash in
            try builder.inclusionProof(index: index, size: leafCount, leaves: LeafHashClosure { i, _, _ in Node(try leafHash(i)) })
        }
    }
}
