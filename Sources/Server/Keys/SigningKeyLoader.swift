internal import Foundation
internal import Verification

/// Loads the service's signing keys (Ed25519 and secp256k1), generating each on first start.
enum SigningKeyLoader {
    /// Why the key file could not serve as the signing key.
    enum LoadError: Error, CustomStringConvertible {
        case notAPrivateKey(path: String)

        var description: String {
            switch self {
            case .notAPrivateKey(let path): "\(path) holds a public key; the service needs a private key"
            }
        }
    }

    /// The Ed25519 private key in `path`; when no file exists there, a fresh key written with
    /// mode 0600 (and `generated` true). Another process creating the file at the same moment
    /// wins, and its key is read back.
    static func loadOrGenerate(path: String) throws -> (key: SigningKey, generated: Bool) {
        try loadOrGenerate(path: path, generate: SigningKey.generate, write: { try KeyFile.writePrivateKey($0, to: $1) }) { path in
            guard case let .privateKey(key) = try KeyFile.read(path) else { throw LoadError.notAPrivateKey(path: path) }
            return key
        }
    }

    /// The secp256k1 private key in `path`, generated and written the same way when missing.
    /// A key that is zero, not below n, on another curve, or whose file's public point is not
    /// its own is refused (`KeyFile.readSecp256k1PrivateKey`).
    static func loadOrGenerateSecp256k1(path: String) throws -> (key: Secp256k1SigningKey, generated: Bool) {
        try loadOrGenerate(path: path, generate: Secp256k1SigningKey.generate, write: { try KeyFile.writePrivateKey($0, to: $1) }) {
            try KeyFile.readSecp256k1PrivateKey($0)
        }
    }

    private static func loadOrGenerate<Key>(path: String, generate: () -> Key, write: (Key, String) throws -> Void,
                                            read: (String) throws -> Key) throws -> (key: Key, generated: Bool) {
        if !FileManager.default.fileExists(atPath: path) {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let key = generate()
            do {
                try write(key, path)
                return (key, true)
            } catch KeyFileError.alreadyExists {
                // Lost the race to another starting replica: use its key.
            }
        }
        return (try read(path), false)
    }
}
