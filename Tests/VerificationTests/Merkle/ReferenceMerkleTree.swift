import Verification

/// A slow, obviously correct RFC 6962 tree, straight from the recursive definitions in
/// RFC 6962 section 2.1 (MTH and PATH); it exists only to check the fast code against.
struct ReferenceMerkleTree {
    let leaves: [[UInt8]]
    private let hasher = RFC6962Hasher()

    /// MTH(D[lo:hi]).
    func root(_ lo: Int = 0, _ hi: Int? = nil) -> Digest {
        let hi = hi ?? leaves.count
        let n = hi - lo
        if n == 0 { return hasher.emptyRoot }
        if n == 1 { return hasher.hashLeaf(leaves[lo]) }
        var k = 1
        while k * 2 < n { k *= 2 }
        return hasher.hashChildren(root(lo, lo + k), root(lo + k, hi))
    }

    /// PATH(m, D[lo:hi]).
    func proof(_ m: Int, _ lo: Int = 0, _ hi: Int? = nil) -> [Digest] {
        let hi = hi ?? leaves.count
        let n = hi - lo
        if n <= 1 { return [] }
        var k = 1
        while k * 2 < n { k *= 2 }
        if m < k { return proof(m, lo, lo + k) + [root(lo + k, hi)] }
        return proof(m - k, lo + k, hi) + [root(lo, lo + k)]
    }

    func leafHash(_ i: Int) -> Digest { hasher.hashLeaf(leaves[i]) }
}

extension ReferenceMerkleTree {
    /// The largest leaf, for `Merkle`'s scratch buffer.
    var maxLeafBytes: Int { leaves.map(\.count).max() ?? 0 }

    /// A leaf closure for `Merkle.root(leafCount:maxLeafBytes:leafBytes:)` that copies each
    /// leaf into the scratch buffer.
    var leafBytes: (Int, UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        let leaves = leaves
        return { i, scratch in
            scratch.copyBytes(from: leaves[i])
            return UnsafeRawBufferPointer(rebasing: scratch[0..<leaves[i].count])
        }
    }
}
