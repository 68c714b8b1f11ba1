/// The three hash operations that define a Merkle tree: the root of an empty tree, the hash
/// of a leaf, and the hash of an interior node from its two children.
///
/// The shape follows transparency-dev/merkle's `LogHasher`, so proof code is written once and
/// the domain separation lives in one place.
public protocol MerkleHasher: Sendable {
    /// The root of a tree with no leaves.
    var emptyRoot: Digest { get }
    /// The hash of one leaf's data.
    func hashLeaf(_ data: UnsafeRawBufferPointer) -> Digest
    /// The hash of an interior node whose children hash to `left` and `right`.
    func hashChildren(_ left: Digest, _ right: Digest) -> Digest
}

extension MerkleHasher {
    /// The hash of one leaf's data, given as an array.
    public func hashLeaf(_ data: [UInt8]) -> Digest {
        data.withUnsafeBytes { hashLeaf($0) }
    }
}

/// RFC 6962 / RFC 9162 tree hashing with SHA-256.
///
/// leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), empty tree =
/// SHA-256 of the empty string. The prefixes keep a leaf from ever being read as a node
/// (RFC 6962 section 2.1, "second preimage resistance").
public struct RFC6962Hasher: MerkleHasher {
    /// Byte prepended to a leaf's data before hashing.
    public static let leafPrefix: UInt8 = 0x00
    /// Byte prepended to the concatenated child hashes of an interior node.
    public static let nodePrefix: UInt8 = 0x01

    public init() {}

    public var emptyRoot: Digest { SHA256.hash([]) }

    public func hashLeaf(_ data: UnsafeRawBufferPointer) -> Digest {
        var hasher = SHA256()
        hasher.update([Self.leafPrefix])
        hasher.update(data)
        return hasher.finalize()
    }

    public func hashChildren(_ left: Digest, _ right: Digest) -> Digest {
        SHA256.hash(parts: [[Self.nodePrefix], left.bytes, right.bytes])
    }
}
