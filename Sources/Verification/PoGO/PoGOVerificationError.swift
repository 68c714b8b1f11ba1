/// Why the verifier could not reach a verdict at all (the job failed), as opposed to a
/// negative verdict on the work (the bundle was rejected).
///
/// Anything the miner controls and gets wrong (a malformed artifact, a wrong root, a forged
/// gradient) is a failed check in a negative report, never one of these errors.
public enum PoGOVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No local data set file has this SHA-256.
    case datasetUnknown(digest: String)
    /// The data set file exists but could not be read.
    case datasetUnreadable(path: String, reason: String)
    /// The artifact's URI scheme is not fetched by this verifier (http(s) needs an `ArtifactSource`).
    case cannotFetch(artifact: String, uri: String)
    /// A `file://` URI while the policy does not allow local files.
    case fileURIsNotAllowed(artifact: String, uri: String)
    /// The artifact could not be read (missing file, I/O error, above the size limit).
    case artifactUnreadable(artifact: String, reason: String)
    /// The model cannot be re-executed here (`reason`: above the parameter cap, the pass
    /// budget or the memory) and the bundle has no tree files, so neither mode can run.
    case treeFilesRequired(reason: String)
    /// The policy itself is unusable (e.g. zero challenged steps).
    case invalidPolicy(String)
    /// A local resource (temporary file, memory) failed.
    case internalFailure(String)

    public var description: String {
        switch self {
        case let .datasetUnknown(digest): "no data set with sha256 \(digest) is known to this verifier"
        case let .datasetUnreadable(path, reason): "data set \(path) could not be read: \(reason)"
        case let .cannotFetch(artifact, uri): "cannot fetch \(artifact) from \(uri): scheme not supported"
        case let .fileURIsNotAllowed(artifact, uri): "\(artifact): file URIs are not allowed (\(uri))"
        case let .artifactUnreadable(artifact, reason): "\(artifact) could not be read: \(reason)"
        case let .treeFilesRequired(reason):
            "\(reason), and the bundle has no tree files for leaf-only verification"
        case let .invalidPolicy(reason): "invalid verification policy: \(reason)"
        case let .internalFailure(reason): "internal failure: \(reason)"
        }
    }
}
