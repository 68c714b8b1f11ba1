/// A token file in llm.c's format (dev/data/data_common.py `write_datafile`, version 1): a
/// header of 256 little-endian int32 — magic 20240520, version 1, token count n, then 253
/// zeros — followed by n uint16 tokens, little-endian. Example i for context T is the window
/// of T + 1 tokens starting at token i: inputs tokens [i, i+T), targets [i+1, i+T+1).
///
/// There are `count - T` examples (offsets 0 ..< count - T).
public struct TokenDataset: Sendable {
    /// First int32 of the header.
    public static let magic: Int32 = 20_240_520
    /// The only version read: uint16 tokens (llm.c's version 2 holds uint32 LLaMA-3 tokens).
    public static let version: Int32 = 1
    /// Header size in int32 values.
    public static let headerInts = 256
    /// Header size in bytes.
    public static let headerBytes = 4 * headerInts

    /// The tokens, in file order.
    public let tokens: [UInt16]
    /// SHA-256 of the file bytes: the data set's identity in the protocol.
    public let digest: Digest
    /// The largest token in the file (0 for an empty token list).
    public let maxToken: Int

    /// True when `bytes` starts with the token file magic (it may still be malformed).
    public static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && int32(bytes, at: 0) == magic
    }

    /// Parses a token file; refuses a file above `limits.maxBytes`, a header that is not
    /// magic 20240520, version 1, a count matching the file size and zeros after it.
    public init(bytes: [UInt8], limits: DatasetLimits = .init()) throws {
        guard bytes.count <= limits.maxBytes else { throw DatasetError.tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        guard bytes.count >= Self.headerBytes else {
            throw DatasetError.tokenHeader(reason: "file has \(bytes.count) bytes, the header alone has \(Self.headerBytes)")
        }
        let magic = Self.int32(bytes, at: 0), version = Self.int32(bytes, at: 1), count = Self.int32(bytes, at: 2)
        guard magic == Self.magic else { throw DatasetError.tokenHeader(reason: "magic is \(magic), want \(Self.magic)") }
        guard version == Self.version else {
            throw DatasetError.tokenHeader(reason: "version is \(version), want \(Self.version) (uint16 tokens)")
        }
        let stored = (bytes.count - Self.headerBytes) / 2
        guard count >= 0, Int(count) == stored, (bytes.count - Self.headerBytes) % 2 == 0 else {
            throw DatasetError.tokenHeader(reason: "header counts \(count) tokens, the file holds \(bytes.count - Self.headerBytes) bytes of tokens")
        }
        if let nonZero = (3..<Self.headerInts).first(where: { Self.int32(bytes, at: $0) != 0 }) {
            throw DatasetError.tokenHeader(reason: "header int32 \(nonZero) is not 0")
        }
        guard count >= 1 else { throw DatasetError.empty }
        var tokens = [UInt16](repeating: 0, count: stored)
        var maxToken: UInt16 = 0
        for i in 0..<stored {
            let t = UInt16(bytes[Self.headerBytes + 2 * i]) | UInt16(bytes[Self.headerBytes + 2 * i + 1]) << 8
            tokens[i] = t
            maxToken = max(maxToken, t)
        }
        self.tokens = tokens
        self.maxToken = Int(maxToken)
        digest = SHA256.hash(bytes)
    }

    /// Number of examples for context `T`: `tokens.count - T`, or 0 when the file is too short.
    public func exampleCount(T: Int) -> Int {
        max(tokens.count - T, 0)
    }

    /// The batch of the windows starting at `indices`, in that order, for context `T`.
    public func batch(indices: [Int], T: Int) throws -> TextBatch {
        guard T >= 1, T < tokens.count else { throw DatasetError.contextTooLong(T: T, fileBytes: tokens.count) }
        return try TextBatch(windows: tokens, starting: indices, T: T)
    }

    /// The file bytes of `tokens` in this format.
    public static func encode(tokens: [UInt16]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: headerBytes)
        for (i, value) in [magic, version, Int32(tokens.count)].enumerated() {
            for k in 0..<4 { out[4 * i + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        }
        out.reserveCapacity(headerBytes + 2 * tokens.count)
        for t in tokens { out += [UInt8(t & 0xFF), UInt8(t >> 8)] }
        return out
    }

    private static func int32(_ bytes: [UInt8], at index: Int) -> Int32 {
        let o = 4 * index
        return Int32(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
    }
}
