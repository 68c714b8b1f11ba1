/// Fetches artifacts named by URI, whole or by byte range: the seam through which the server
/// supplies remote artifacts (HTTP with its address policy and limits) to the verifier, which
/// itself knows nothing of networks.
///
/// Implementations decide which schemes they serve and refuse the rest with
/// `ArtifactSourceError.unsupportedScheme`. They must be safe to call from several threads.
public protocol ArtifactSource: Sendable {
    /// The whole artifact at `uri`; refuses one larger than `maxBytes` bytes.
    func fetch(_ uri: String, maxBytes: Int) throws(ArtifactSourceError) -> [UInt8]

    /// The bytes `range` of the artifact at `uri`. Requires a non-empty range. Returns fewer
    /// bytes (possibly none) only when the artifact ends before `range.upperBound`.
    func read(_ uri: String, range: Range<Int>) throws(ArtifactSourceError) -> [UInt8]
}

/// Why an artifact source could not deliver bytes.
public enum ArtifactSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The source does not serve this URI's scheme (or it is disabled by configuration).
    case unsupportedScheme(uri: String)
    /// The transfer failed; `reason` is the source's own error, rendered for whoever polls the
    /// job (so without details meant for the operator only, such as resolved addresses).
    case failed(uri: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupportedScheme(uri): "scheme of \(uri) is not served"
        case let .failed(uri, reason): "fetching \(uri) failed: \(reason)"
        }
    }
}
