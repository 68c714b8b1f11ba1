/// A byte-level text corpus for the GPT: any bytes; example i for context T is the window
/// of T + 1 bytes starting at offset i, with inputs bytes [i, i+T) and targets [i+1, i+T+1).
///
/// There are `bytes.count - T` examples (offsets 0 ..< count - T).
public struct TextDataset: Sendable {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// SHA-256 of the file bytes: the data set's identity in the protocol.
    public let digest: Digest

    /// Loads the file at `path`.
    public init(path: String, limits: DatasetLimits = .init()) throws {
        try self.init(bytes: readFile(path, limit: limits.maxBytes), limits: limits)
    }

    /// Wraps file bytes; refuses an empty file or one above `limits.maxBytes`.
    public init(bytes: [UInt8], limits: DatasetLimits = .init()) throws {
        guard bytes.count <= limits.maxBytes else { throw DatasetError.tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        guard !bytes.isEmpty else { throw DatasetError.empty }
        self.bytes = bytes
        digest = SHA256.hash(bytes)
    }

    /// Number of examples for context `T`: `bytes.count - T`, or 0 when the file is too short.
    public func exampleCount(T: Int) -> Int {
        max(bytes.count - T, 0)
    }

    /// The batch of the windows starting at `indices`, in that order, for context `T`.
    public func batch(indices: [Int], T: Int) throws -> TextBatch {
        guard T >= 1, T < bytes.count else { throw DatasetError.contextTooLong(T: T, fileBytes: bytes.count) }
        return try TextBatch(windows: bytes, starting: indices, T: T)
    }
}
