/// An Ed25519 public key (RFC 8032): 32 raw bytes, immutable.
///
/// Equality and hashing use the raw bytes. Checking a signature returns a `Bool`;
/// only malformed key material throws, when the key is built.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// Length in bytes of a raw Ed25519 public key.
    public static let byteCount = 32

    /// The 32 raw public-key bytes (RFC 8032 section 5.1.5 encoding).
    public let rawBytes: [UInt8]

    let backend: EVPKey

    /// Imports 32 raw bytes.
    public init(rawBytes: [UInt8]) throws(KeyError) {
        guard rawBytes.count == Self.byteCount else {
            throw .wrongPublicKeyLength(got: rawBytes.count, want: Self.byteCount)
        }
        guard let key = Ed25519Backend.publicKey(raw: rawBytes) else { throw .rejectedByOpenSSL(operation: "import public key") }
        self.rawBytes = rawBytes
        self.backend = key
    }

    /// Imports the base64url text of the 32 raw bytes (padding optional; the standard alphabet is accepted too).
    public init(base64URL text: String) throws(KeyError) {
        guard let raw = Base64.decode(text) else { throw .invalidBase64(text) }
        try self.init(rawBytes: raw)
    }

    init(backend: EVPKey) {
        self.rawBytes = Ed25519Backend.rawPublicKey(backend)
        self.backend = backend
    }

    /// The key id: lower-case hex SHA-256 of the 32 raw public-key bytes (64 characters).
    public var keyID: String { SHA256.hash(rawBytes).hex }

    /// The raw bytes as base64url without padding (43 characters).
    public var base64URL: String { Base64.encodeURLSafe(rawBytes) }

    /// The SubjectPublicKeyInfo PEM text ("-----BEGIN PUBLIC KEY-----").
    public var pem: String { String(decoding: Ed25519Backend.publicKeyPEM(backend), as: UTF8.self) }

    /// True when `signature` is a valid Ed25519 signature of exactly `message` under this key.
    /// A signature that is not 64 bytes long is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        Ed25519Backend.verify(backend, signature: signature, message: message)
    }

    public var description: String { "ed25519:\(keyID)" }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.rawBytes == rhs.rawBytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawBytes) }
}

/// Malformed key material.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongPublicKeyLength(got: Int, want: Int)
    case wrongSeedLength(got: Int, want: Int)
    case invalidBase64(String)
    case rejectedByOpenSSL(operation: String)

    public var description: String {
        switch self {
        case let .wrongPublicKeyLength(got, want): "public key has \(got) bytes, want \(want)"
        case let .wrongSeedLength(got, want): "private key seed has \(got) bytes, want \(want)"
        case let .invalidBase64(text): "not base64: \"\(text.prefix(80))\""
        case let .rejectedByOpenSSL(operation): "OpenSSL refused to \(operation)"
        }
    }
}
