internal import CCrypto

/// An incremental SHA-256 hasher backed by OpenSSL's EVP interface.
///
/// A value owns one `EVP_MD_CTX`; it is not copyable so the context is freed exactly once.
public struct SHA256: ~Copyable {
    /// Length in bytes of a SHA-256 digest.
    public static let byteCount = 32

    private let context: OpaquePointer

    /// Creates a hasher ready to absorb bytes.
    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        // Not precondition: under -Ounchecked (release) its condition, and so the call, is skipped.
        if EVP_DigestInit_ex(ctx, EVP_sha256(), nil) != 1 { fatalError("EVP_DigestInit_ex(sha256) failed") }
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Absorbs `count` bytes starting at `bytes`.
    public mutating func update(_ bytes: UnsafeRawPointer, count: Int) {
        guard count > 0 else { return }
        if EVP_DigestUpdate(context, bytes, count) != 1 { fatalError("EVP_DigestUpdate failed") }
    }

    /// Absorbs the bytes of a buffer.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        update(base, count: buffer.count)
    }

    /// Absorbs the bytes of an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the 32-byte digest.
    public consuming func finalize() -> Digest {
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        if EVP_DigestFinal_ex(context, &out, &length) != 1 || length != 32 { fatalError("EVP_DigestFinal_ex failed") }
        return Digest(bytes: out)
    }

    /// Hashes `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Hashes the concatenation of several byte strings in one call.
    public static func hash(parts: [[UInt8]]) -> Digest {
        var hasher = SHA256()
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }
}

/// A 32-byte SHA-256 digest.
public struct Digest: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes. Requires `bytes.count == 32`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == SHA256.byteCount, "a SHA-256 digest has 32 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    /// Parses 64 hex characters; returns nil for anything else.
    public init?(hex: String) {
        guard let raw = Hex.decode(hex), raw.count == SHA256.byteCount else { return nil }
        self.bytes = raw
    }

    /// Lower-case hex, 64 characters.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
