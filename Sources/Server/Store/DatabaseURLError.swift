/// Why the PostgreSQL URL could not be read from the environment or its file.
enum DatabaseURLError: Error, Equatable, CustomStringConvertible {
    /// Both `VERIFIER_DATABASE_URL` and `VERIFIER_DATABASE_URL_FILE` are set; which one wins would be a guess.
    case bothSet
    /// The file named by `VERIFIER_DATABASE_URL_FILE` could not be read.
    case unreadableFile(path: String)
    /// The file is larger than a URL can reasonably be.
    case fileTooLarge(path: String, bytes: Int, limit: Int)

    var description: String {
        switch self {
        case .bothSet: "set VERIFIER_DATABASE_URL or VERIFIER_DATABASE_URL_FILE, not both"
        case let .unreadableFile(path): "VERIFIER_DATABASE_URL_FILE: cannot read \(path)"
        case let .fileTooLarge(path, bytes, limit): "VERIFIER_DATABASE_URL_FILE: \(path) has \(bytes) bytes, limit \(limit)"
        }
    }
}
