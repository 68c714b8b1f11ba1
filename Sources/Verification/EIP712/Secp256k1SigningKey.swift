/// A secp256k1 private key that signs 32-byte digests for Ethereum: deterministic ECDSA
/// (RFC 6979 with HMAC-SHA256), low-s, with the recovery byte v = 27 or 28.
///
/// Deterministic: one key and digest always give the same signature, the one libsecp256k1 and
/// eth-account give, so a documented example can be checked byte for byte and a failing random
/// generator cannot leak the key through a repeated nonce. The type is deliberately not
/// `Equatable`: compare `address`.
public struct Secp256k1SigningKey: Sendable {
    /// Length in bytes of a private key (a big-endian scalar).
    public static let byteCount = 32

    /// The uncompressed public key 0x04 || X || Y (65 bytes).
    public let publicKey: [UInt8]
    /// The Ethereum address of `publicKey`.
    public let address: EthereumAddress

    private let secret: Secret

    /// Builds the key from its 32-byte big-endian scalar d; refuses d = 0 and d >= n.
    public init(privateKey: [UInt8]) throws(Secp256k1KeyError) {
        guard privateKey.count == Self.byteCount else {
            throw .wrongPrivateKeyLength(got: privateKey.count, want: Self.byteCount)
        }
        guard privateKey.contains(where: { $0 != 0 }) else { throw .zeroPrivateKey }
        guard privateKey.lexicographicallyPrecedes(Secp256k1Backend.order) else { throw .privateKeyNotBelowOrder }
        self.init(validScalar: privateKey)
    }

    /// The key of a scalar already known to be 32 bytes in [1, n - 1].
    private init(validScalar privateKey: [UInt8]) {
        secret = Secret(privateKey)
        publicKey = Secp256k1Backend.publicKey(privateKey: privateKey)
        address = EthereumAddress(uncompressedPublicKey: publicKey)
    }

    /// A fresh key: a uniform scalar in [1, n - 1] from OpenSSL's private random generator.
    public static func generate() -> Secp256k1SigningKey {
        var scalar = Secp256k1Backend.randomScalar()
        defer { for i in scalar.indices { scalar[i] = 0 } }
        // randomScalar returns only 32-byte scalars in [1, n - 1].
        return Secp256k1SigningKey(validScalar: scalar)
    }

    /// The low-s signature of the 32-byte `digest` (no further hashing). Requires `digest.count == 32`.
    public func signature(forDigest digest: [UInt8]) -> EthereumSignature {
        let (r, s, parity) = Secp256k1Backend.sign(digest: digest, privateKey: secret.scalar)
        return EthereumSignature(rawBytes: r + s + [27 + parity])!
    }

    /// The unencrypted PKCS#8 PEM text ("-----BEGIN PRIVATE KEY-----") holding the secret.
    public var pkcs8PEM: [UInt8] { Secp256k1Backend.privateKeyPEM(privateKey: secret.scalar) }

    /// Holds the scalar and overwrites it when the last copy of the key goes.
    private final class Secret: @unchecked Sendable {
        private(set) var scalar: [UInt8]

        init(_ scalar: [UInt8]) { self.scalar = scalar }

        deinit { for i in scalar.indices { scalar[i] = 0 } }
    }
}
