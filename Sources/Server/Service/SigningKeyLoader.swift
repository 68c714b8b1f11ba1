internal import Foundation
internal import Verification

/// Loads the service's Ed25519 signing key, generating it on first start.
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

    /// The private key in `path`; when no file exists there, a fresh key written with mode 0600
    /// (and `generated` true). Another process creating the file at the same moment wins, and
    /// its key is read back.
    static func loadOrGenerate(path: String) throws -> (key: SigningKey, generated: Bool) {
        if !FileManager.default.fileExists(atPath: path) {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let key = SigningKey.generate()
            do {
                try KeyFile.writePrivateKey(key, to: path)
                return (key, true)
            } catch KeyFileError.alreadyExists {
                // Lost the race to another starting replica: use its key.
            }
        }
        guard case let .privateKey(key) = try KeyFile.read(path) else { throw LoadError.notAPrivateKey(path: path) }
        return (key, false)
    }
}
