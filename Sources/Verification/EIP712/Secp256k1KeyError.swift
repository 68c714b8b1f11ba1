/// Why bytes or a key file are not an acceptable secp256k1 private key.
///
/// No case carries the secret scalar: at most its length, or the public points involved.
public enum Secp256k1KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongPrivateKeyLength(got: Int, want: Int)
    /// The scalar is 0: its public key is the point at infinity, and it signs nothing.
    case zeroPrivateKey
    /// The scalar is at least the group order n; OpenSSL would silently use it reduced mod n.
    case privateKeyNotBelowOrder
    /// The file's public point (uncompressed, hex) is not d·G for its scalar d (`derived`, hex).
    case publicKeyMismatch(inFile: String, derived: String)
    /// An EC key on another curve, or with explicit parameters.
    case notSecp256k1(curve: String)

    public var description: String {
        switch self {
        case let .wrongPrivateKeyLength(got, want): "secp256k1 private key has \(got) bytes, want \(want)"
        case .zeroPrivateKey: "secp256k1 private key is zero"
        case .privateKeyNotBelowOrder: "secp256k1 private key is not below the group order n"
        case let .publicKeyMismatch(inFile, derived):
            "the public key in the file (\(inFile)) is not the private key's (\(derived))"
        case let .notSecp256k1(curve): "EC key on \(curve), want secp256k1"
        }
    }
}
