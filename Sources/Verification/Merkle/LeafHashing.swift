/// Where `MerkleTreeBuilder` gets its leaf hashes.
///
/// The builder asks for leaves two at a time (`hashPair`) so a source of equal-length leaves
/// can hash both in one paired pass (`NodeHasher.hashLeaves`), and one at a time only for a
/// chunk's odd last leaf and for inclusion proofs.
protocol LeafHashing {
    /// Leaf i's hash. `scratch` is the calling thread's buffer of the builder's `scratchBytes`.
    func hash(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> Node
    /// Leaves i and i + 1. `scratch` holds two of the builder's `scratchBytes` buffers, one
    /// after the other.
    func hashPair(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> (Node, Node)
}

/// Leaf hashes computed by a closure, one leaf at a time (for leaves given as their hashes).
struct LeafHashClosure: LeafHashing {
    let body: (Int, NodeHasher, UnsafeMutableRawBufferPointer) throws -> Node

    func hash(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> Node {
        try body(i, hasher, scratch)
    }

    func hashPair(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> (Node, Node) {
        (try body(i, hasher, scratch), try body(i + 1, hasher, scratch))
    }
}

/// Leaves given by their bytes, hashed by the builder: two at a time in one paired pass.
///
/// `bytes(i, scratch)` returns leaf i's bytes, either memory valid during the call or a prefix
/// of `scratch`. `check(i, bytes)` runs right after leaf i is hashed, on bytes still in cache
/// (the finite-value check), and may throw to reject the leaf before its hash is used.
struct LeafBytes: LeafHashing {
    let bytes: (Int, UnsafeMutableRawBufferPointer) throws -> UnsafeRawBufferPointer
    var check: (Int, UnsafeRawBufferPointer) throws -> Void = { _, _ in }

    func hash(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> Node {
        let data = try bytes(i, scratch)
        let node = hasher.hashLeaf(data)
        try check(i, data)
        return node
    }

    func hashPair(_ i: Int, _ hasher: NodeHasher, _ scratch: UnsafeMutableRawBufferPointer) throws -> (Node, Node) {
        let half = scratch.count / 2
        let a = try bytes(i, UnsafeMutableRawBufferPointer(rebasing: scratch[0..<half]))
        let b = try bytes(i + 1, UnsafeMutableRawBufferPointer(rebasing: scratch[half...]))
        let nodes = hasher.hashLeaves(a, b)
        try check(i, a)
        try check(i + 1, b)
        return nodes
    }
}
