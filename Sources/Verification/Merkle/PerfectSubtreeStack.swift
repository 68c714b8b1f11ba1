/// A compact range: the roots of the perfect subtrees covering leaves [0, n), largest first.
///
/// Appending a perfect subtree of 2^k leaves at a position that is a multiple of 2^k merges
/// it with equal-sized neighbours, so at most one subtree per bit of n remains (O(log n)
/// memory). Folding the remaining roots from the right gives exactly the RFC 6962 root,
/// because the RFC's split point k is the size of the largest perfect subtree on the left.
struct PerfectSubtreeStack {
    private var roots: [Node] = []
    private var sizes: [Int] = []
    /// Leaves covered so far.
    private(set) var count = 0

    init() {
        roots.reserveCapacity(64)
        sizes.reserveCapacity(64)
    }

    /// Appends the root of a perfect subtree of `size` leaves.
    ///
    /// Requires `size` a power of two dividing the current `count`, so the tree shape stays
    /// RFC 6962's.
    mutating func append(_ root: Node, size: Int, hasher: NodeHasher) {
        precondition(size > 0 && size & (size - 1) == 0 && count % size == 0, "Requires an aligned power-of-two subtree")
        var node = root
        var nodeSize = size
        while let last = sizes.last, last == nodeSize {
            node = hasher.hashChildren(roots.removeLast(), node)
            sizes.removeLast()
            nodeSize *= 2
        }
        roots.append(node)
        sizes.append(nodeSize)
        count += size
    }

    /// Appends every subtree of another stack that continues this one.
    mutating func append(contentsOf other: PerfectSubtreeStack, hasher: NodeHasher) {
        for (root, size) in zip(other.roots, other.sizes) { append(root, size: size, hasher: hasher) }
    }

    /// The root of the single perfect subtree, when `count` is a power of two.
    var perfectRoot: Node? { roots.count == 1 ? roots[0] : nil }

    /// The RFC 6962 root of the leaves covered, or nil when there are none.
    func root(hasher: NodeHasher) -> Node? {
        guard var acc = roots.last else { return nil }
        for node in roots.dropLast().reversed() { acc = hasher.hashChildren(node, acc) }
        return acc
    }
}
