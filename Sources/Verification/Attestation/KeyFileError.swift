internal import Glibc

/// Why a key file could not be written or read.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `errno` is its error number.
    case io(call: String, path: String, errno: Int32)
    /// Writing without `overwrite` found a file already there.
    case alreadyExists(path: String)
    /// A private key file that group or others may access; `mode` is its permission bits.
    case insecurePermissions(path: String, mode: UInt32)
    case notRegularFile(path: String)
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// No "-----BEGIN ...-----" line.
    case notPEM(path: String)
    /// A PEM block other than "PRIVATE KEY" or "PUBLIC KEY" (e.g. "ENCRYPTED PRIVATE KEY").
    case unsupportedPEMLabel(path: String, label: String)
    /// OpenSSL could not decode the PEM block.
    case unreadablePEM(path: String)
    /// A valid key of another algorithm.
    case notEd25519(path: String)
    /// An Ed25519 public key whose bytes `PublicKey.init(rawBytes:)` refuses (not canonical, or of small order).
    case refusedPublicKey(path: String, KeyError)
    /// A secp256k1 key file holding a key of another algorithm (`algorithm`, OpenSSL's name).
    case notSecp256k1Key(path: String, algorithm: String)
    /// A secp256k1 private key that `Secp256k1SigningKey` refuses (zero, not below n, another
    /// curve, or a public point that is not the scalar's).
    case refusedSecp256k1Key(path: String, Secp256k1KeyError)

    public var description: String {
        switch self {
        case let .io(call, path, code): "\(call)(\(path)) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .alreadyExists(path): "\(path) already exists"
        case let .insecurePermissions(path, mode):
            "\(path) has mode \(String(mode, radix: 8)); a private key file must not be accessible by group or others (chmod 600)"
        case let .notRegularFile(path): "\(path) is not a regular file"
        case let .tooLarge(path, bytes, limit): "\(path) has \(bytes) bytes, limit \(limit)"
        case let .notPEM(path): "\(path) holds no PEM block"
        case let .unsupportedPEMLabel(path, label): "\(path) holds a \"\(label)\" PEM block; want PRIVATE KEY or PUBLIC KEY"
        case let .unreadablePEM(path): "\(path): OpenSSL could not decode the PEM block"
        case let .notEd25519(path): "\(path) holds a key that is not Ed25519"
        case let .refusedPublicKey(path, error): "\(path): \(error)"
        case let .notSecp256k1Key(path, algorithm): "\(path) holds a \(algorithm) key, want secp256k1"
        case let .refusedSecp256k1Key(path, error): "\(path): \(error)"
        }
    }
}
