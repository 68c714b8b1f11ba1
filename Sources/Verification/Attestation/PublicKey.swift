/// An Ed25519 public key (RFC 8032): 32 raw bytes, immutable.
///
/// Equality and hashing use the raw bytes. Checking a signature returns a `Bool`;
/// only malformed key material throws, when the key is built.
///
/// Acceptance follows libsodium's strict verification (`crypto_sign_verify_detached`): a key
/// must be the canonical encoding of a point that is not of small order, and a signature's R
/// likewise, with S < L; OpenSSL then checks that the bytes of [S]B - [h]A equal R. Without
/// these rules the identity point as a key, with R = identity and S = 0, fits every message.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// Length in bytes of a raw Ed25519 public key.
    public static let byteCount = 32

    /// The 32 raw public-key bytes (RFC 8032 section 5.1.5 encoding).
    public let rawBytes: [UInt8]

    let backend: EVPKey

    /// Imports 32 raw bytes; refuses a non-canonical encoding and every encoding of a small-order point.
    public init(rawBytes: [UInt8]) throws(KeyError) {
        guard rawBytes.count == Self.byteCount else {
            throw .wrongPublicKeyLength(got: rawBytes.count, want: Self.byteCount)
        }
        try Self.requireAcceptable(rawBytes)
        guard let key = Ed25519Backend.publicKey(raw: rawBytes) else { throw .rejectedByOpenSSL(operation: "import public key") }
        self.rawBytes = rawBytes
        self.backend = key
    }

    /// Imports the base64url text of the 32 raw bytes (padding optional; the standard alphabet is accepted too).
    public init(base64URL text: String) throws(KeyError) {
        guard let raw = Base64.decode(text) else { throw .invalidBase64(text) }
        try self.init(rawBytes: raw)
    }

    /// The public half of a private key: derived from the seed, so canonical and of order L.
    init(backend: EVPKey) {
        self.rawBytes = Ed25519Backend.rawPublicKey(backend)
        self.backend = backend
    }

    /// A public key OpenSSL read from elsewhere (a PEM file), refused as `init(rawBytes:)` would.
    init(importing backend: EVPKey) throws(KeyError) {
        let raw = Ed25519Backend.rawPublicKey(backend)
        try Self.requireAcceptable(raw)
        self.rawBytes = raw
        self.backend = backend
    }

    private static func requireAcceptable(_ raw: [UInt8]) throws(KeyError) {
        if let reason = Ed25519Encoding.nonCanonicalReason(raw[...]) {
            throw .nonCanonicalPublicKey(hex: Hex.encode(raw), reason: reason)
        }
        if let order = Ed25519Encoding.smallOrder(raw[...]) {
            throw .smallOrderPublicKey(hex: Hex.encode(raw), order: order)
        }
    }

    /// The key id: lower-case hex SHA-256 of the 32 raw public-key bytes (64 characters).
    public var keyID: String { SHA256.hash(rawBytes).hex }

    /// The key id securesystemslib gives this key by default (`SSlibKey.from_crypto`): lower-case
    /// hex SHA-256 of the canonical JSON `{"keytype":"ed25519","keyval":{"public":"<hex>"},"scheme":"ed25519"}`.
    public var securesystemslibKeyID: String {
        SHA256.hash(Array(#"{"keytype":"ed25519","keyval":{"public":""#.utf8) + Array(Hex.encode(rawBytes).utf8)
            + Array(#""},"scheme":"ed25519"}"#.utf8)).hex
    }

    /// The key ids a signature's hint may name this key by: `keyID`, then `securesystemslibKeyID`.
    public var hintKeyIDs: [String] { [keyID, securesystemslibKeyID] }

    /// The raw bytes as base64url without padding (43 characters).
    public var base64URL: String { Base64.encodeURLSafe(rawBytes) }

    /// The SubjectPublicKeyInfo PEM text ("-----BEGIN PUBLIC KEY-----").
    public var pem: String { String(decoding: Ed25519Backend.publicKeyPEM(backend), as: UTF8.self) }

    /// True when `signature` is a valid Ed25519 signature of exactly `message` under this key.
    /// A signature that is not 64 bytes long, whose R is not canonical or has small order, or
    /// whose S is not below L, is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Ed25519Backend.signatureByteCount,
              Ed25519Encoding.isAcceptablePoint(signature[..<32]),
              Ed25519Encoding.isCanonicalScalar(signature[32...]) else { return false }
        return Ed25519Backend.verify(backend, signature: signature, message: message)
    }

    public var description: String { "ed25519:\(keyID)" }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.rawBytes == rhs.rawBytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawBytes) }
}
