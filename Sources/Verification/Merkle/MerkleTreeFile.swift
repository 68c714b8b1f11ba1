/// The tree file of an RFC 6962 tree: every node hash, level by level, so that an inclusion
/// proof is a handful of 32-byte reads at computable offsets.
///
/// Layout (docs/protocol-parts/remote.md): level 0 is the L leaf hashes in leaf order; level
/// k + 1 holds SHA-256(0x01 || left || right) of consecutive pairs of level k, and a lone last
/// node of level k is promoted unchanged to level k + 1; the last level holds the root alone.
/// Levels are concatenated with no header, padding or separators: the file is 32 * (sum of
/// the level sizes) bytes. This bottom-up construction gives exactly the RFC 6962 root.
public enum MerkleTreeFile {
    /// Bytes per node hash.
    public static let hashBytes = SHA256.byteCount

    /// A node of the file: its level, its position within the level and its byte offset.
    public struct Node: Sendable, Hashable {
        public let level: Int
        public let position: Int
        public let offset: Int
    }

    /// The number of nodes on each level of a tree of `leafCount` leaves, leaves first.
    ///
    /// Requires `leafCount >= 1`: level sizes are L, ceil(L / 2), ... down to 1.
    public static func levelSizes(leafCount: Int) -> [Int] {
        precondition(leafCount >= 1, "Requires leafCount >= 1")
        var sizes = [leafCount]
        while sizes[sizes.count - 1] > 1 {
            sizes.append((sizes[sizes.count - 1] + 1) / 2)
        }
        return sizes
    }

    /// The size in bytes of the tree file of `leafCount` leaves.
    public static func byteCount(leafCount: Int) -> Int {
        levelSizes(leafCount: leafCount).reduce(0, +) * hashBytes
    }

    /// The tree file over `leafHashes` (already SHA-256(0x00 || data)). Requires at least one leaf.
    public static func encode(leafHashes: [Digest], hasher: some MerkleHasher = RFC6962Hasher()) -> [UInt8] {
        precondition(!leafHashes.isEmpty, "Requires at least one leaf")
        var out: [UInt8] = []
        out.reserveCapacity(byteCount(leafCount: leafHashes.count))
        var level = leafHashes
        while true {
            for node in level { out += node.bytes }
            if level.count == 1 { return out }
            var next: [Digest] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(hasher.hashChildren(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
    }

    /// The nodes whose hashes form the inclusion proof of leaf `index`, in RFC 6962 order
    /// (the leaf's sibling first, the root's child last), with their byte offsets in the file.
    ///
    /// Climbing from the leaf, a node at an odd position has its left neighbour as sibling,
    /// a node at an even position its right neighbour when one exists; a lone last node has
    /// no sibling on that level (it is promoted) and contributes nothing to the proof.
    /// Requires `0 <= index < leafCount`.
    public static func proofNodes(index: Int, leafCount: Int) -> [Node] {
        precondition(index >= 0 && index < leafCount, "Requires 0 <= index < leafCount")
        let sizes = levelSizes(leafCount: leafCount)
        var nodes: [Node] = []
        var levelStart = 0
        var position = index
        for (level, size) in sizes.enumerated() where size > 1 {
            let sibling = position ^ 1
            if sibling < size {
                nodes.append(Node(level: level, position: sibling, offset: (levelStart + sibling) * hashBytes))
            }
            levelStart += size
            position >>= 1
        }
        return nodes
    }

    /// The byte offset of the root, the file's last 32 bytes.
    public static func rootOffset(leafCount: Int) -> Int {
        byteCount(leafCount: leafCount) - hashBytes
    }
}
