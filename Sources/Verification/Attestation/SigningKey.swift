/// An Ed25519 private key (RFC 8032), immutable; signs with PureEdDSA.
///
/// The secret stays inside OpenSSL; it leaves only as PKCS#8 PEM text (`pkcs8PEM`),
/// for `KeyFile` to write. The type is deliberately not `Equatable`: compare `publicKey`.
public struct SigningKey: Sendable {
    /// Length in bytes of an Ed25519 seed ("secret key" in RFC 8032).
    public static let seedByteCount = 32

    /// The matching public key.
    public let publicKey: PublicKey

    let backend: EVPKey

    /// Builds the key from its 32-byte seed, e.g. an RFC 8032 test vector.
    public init(seed: [UInt8]) throws(KeyError) {
        guard seed.count == Self.seedByteCount else {
            throw .wrongSeedLength(got: seed.count, want: Self.seedByteCount)
        }
        self.init(backend: Ed25519Backend.privateKey(seed: seed))
    }

    init(backend: EVPKey) {
        self.backend = backend
        self.publicKey = PublicKey(backend: backend)
    }

    /// A fresh key from 32 bytes of OpenSSL's private random generator.
    public static func generate() -> SigningKey {
        var seed = Ed25519Backend.randomSeed()
        defer { for i in seed.indices { seed[i] = 0 } }
        return SigningKey(backend: Ed25519Backend.privateKey(seed: seed))
    }

    /// The key id of the public key (lower-case hex SHA-256 of its 32 raw bytes).
    public var keyID: String { publicKey.keyID }

    /// The 64-byte Ed25519 signature of exactly `message`.
    public func signature(for message: [UInt8]) -> [UInt8] {
        Ed25519Backend.sign(backend, message: message)
    }

    /// The unencrypted PKCS#8 PEM text ("-----BEGIN PRIVATE KEY-----") holding the secret.
    public var pkcs8PEM: [UInt8] { Ed25519Backend.privateKeyPEM(backend) }
}
