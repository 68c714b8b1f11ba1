/// Why a Merkle proof or tree request was refused as malformed.
///
/// A well-formed proof that simply does not match is not an error: `verifyInclusion` returns
/// `false` for it.
public enum MerkleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is negative or not below the tree size.
    case indexOutOfRange(index: Int, size: Int)
    /// The proof has the wrong number of hashes for its index and tree size.
    case proofLengthMismatch(got: Int, want: Int)
    /// A hash (`field` is "leafHash", "root" or "proof[i]") is not 32 bytes long.
    case wrongHashSize(field: String, bytes: Int)

    public var description: String {
        switch self {
        case let .indexOutOfRange(index, size):
            return "leaf index \(index) is out of range for a tree of size \(size)"
        case let .proofLengthMismatch(got, want):
            return "got \(got) proof hashes, want \(want)"
        case let .wrongHashSize(field, bytes):
            return "\(field) has \(bytes) bytes, want \(SHA256.byteCount)"
        }
    }
}
