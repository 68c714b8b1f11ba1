/// Reading and writing the secp256k1 signing key file: PKCS#8 PEM, mode 0600, like the Ed25519 key.
extension KeyFile {
    /// Writes `key` as PKCS#8 PEM to `path` with mode 0600, atomically.
    /// Without `overwrite`, an existing file at `path` is left alone and `alreadyExists` thrown.
    public static func writePrivateKey(_ key: Secp256k1SigningKey, to path: String, overwrite: Bool = false) throws(KeyFileError) {
        var pem = key.pkcs8PEM
        defer { for i in pem.indices { pem[i] = 0 } }
        try writeSecret(pem, to: path, overwrite: overwrite)
    }

    /// Reads a secp256k1 private key: a "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC 1, as
    /// `openssl ecparam -name secp256k1 -genkey` writes) PEM block, in a file whose mode denies
    /// group and others. Refuses a key of another algorithm or curve (explicit curve parameters
    /// included), a scalar of 0 or not below n (OpenSSL reads both), and a public point in the
    /// file that is not the scalar's (OpenSSL reads that too). A public point that is not on
    /// the curve is refused by OpenSSL's decoder (`unreadablePEM`).
    public static func readSecp256k1PrivateKey(_ path: String, limits: Limits = Limits()) throws(KeyFileError) -> Secp256k1SigningKey {
        let (bytes, mode) = try readBytes(path, limit: limits.maxBytes)
        var text = bytes
        defer { for i in text.indices { text[i] = 0 } }
        switch pemLabel(text) {
        case "PRIVATE KEY", "EC PRIVATE KEY":
            guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode & 0o7777) }
        case let label?:
            throw .unsupportedPEMLabel(path: path, label: label)
        case nil:
            throw .notPEM(path: path)
        }
        guard let decoded = Secp256k1Backend.decodePrivateKeyPEM(text) else { throw .unreadablePEM(path: path) }
        switch decoded {
        case let .otherAlgorithm(name):
            throw .notSecp256k1Key(path: path, algorithm: name)
        case let .otherCurve(curve):
            throw .refusedSecp256k1Key(path: path, .notSecp256k1(curve: curve))
        case .scalarTooLong:
            throw .refusedSecp256k1Key(path: path, .privateKeyNotBelowOrder)
        case .secp256k1(var scalar, let filePoint):
            defer { for i in scalar.indices { scalar[i] = 0 } }
            let key: Secp256k1SigningKey
            do throws(Secp256k1KeyError) {
                key = try Secp256k1SigningKey(privateKey: scalar)
            } catch {
                throw .refusedSecp256k1Key(path: path, error)
            }
            if let filePoint, filePoint != key.publicKey {
                throw .refusedSecp256k1Key(path: path, .publicKeyMismatch(inFile: Hex.encode(filePoint), derived: Hex.encode(key.publicKey)))
            }
            return key
        }
    }
}
