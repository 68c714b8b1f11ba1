public import Verification

/// The artifact source the service gives the PoGO verifier: `http(s)://` URLs through
/// `ArtifactFetcher`, whole or by range. (`file://` URIs never reach it: the verifier reads
/// them itself, below its `FileArtifactRoot`.)
///
/// A failure reaches the job (and whoever polls it) as `FetchError.description`, which names a
/// refused address's category only; `onFailure` receives the error itself, for the log.
///
/// Every fetch and range read goes through the one `fetcher`, so its pool of connections lasts
/// as long as the source; the fetcher is safe to use from many threads at once.
public struct URLArtifactSource: ArtifactSource {
    public let fetcher: ArtifactFetcher
    private let onFailure: @Sendable (_ uri: String, _ error: FetchError) -> Void

    public init(configuration: FetchConfiguration, onFailure: @escaping @Sendable (_ uri: String, _ error: FetchError) -> Void = { _, _ in }) {
        fetcher = ArtifactFetcher(configuration: configuration)
        self.onFailure = onFailure
    }

    public func fetch(_ uri: String, maxBytes: Int) throws(ArtifactSourceError) -> [UInt8] {
        try checkScheme(uri)
        do { return try fetcher.fetch(uri, maxBytes: maxBytes) } catch {
            onFailure(uri, error)
            throw .failed(uri: uri, reason: error.description)
        }
    }

    public func read(_ uri: String, range: Range<Int>) throws(ArtifactSourceError) -> [UInt8] {
        try checkScheme(uri)
        do { return try fetcher.fetch(uri, range: range) } catch {
            // 416: the range starts at or past the end, so the artifact is shorter than asked.
            if error == .httpStatus(416) { return [] }
            onFailure(uri, error)
            throw .failed(uri: uri, reason: error.description)
        }
    }

    private func checkScheme(_ uri: String) throws(ArtifactSourceError) {
        let lower = uri.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { throw .unsupportedScheme(uri: uri) }
    }
}
