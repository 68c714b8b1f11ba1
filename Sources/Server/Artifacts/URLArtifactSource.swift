internal import Foundation
public import Verification

/// The artifact source the service gives the PoGO verifier: `http(s)://` URLs (and `file://`
/// when the fetch configuration allows it) through `ArtifactFetcher`, whole or by range.
///
/// Inline artifacts never reach a source: the verifier slices them itself.
public struct URLArtifactSource: ArtifactSource {
    public let fetcher: ArtifactFetcher

    public init(configuration: FetchConfiguration) {
        fetcher = ArtifactFetcher(configuration: configuration)
    }

    public func fetch(_ uri: String, maxBytes: Int) throws(ArtifactSourceError) -> [UInt8] {
        try checkScheme(uri)
        var limited = fetcher.configuration
        limited.maxBytes = min(limited.maxBytes, maxBytes)
        do { return try ArtifactFetcher(configuration: limited).fetch(uri) } catch {
            throw .failed(uri: uri, reason: error.description)
        }
    }

    public func read(_ uri: String, range: Range<Int>) throws(ArtifactSourceError) -> [UInt8] {
        try checkScheme(uri)
        do { return try fetcher.fetch(uri, range: range) } catch {
            // 416: the range starts at or past the end, so the artifact is shorter than asked.
            if error == .httpStatus(416) { return [] }
            throw .failed(uri: uri, reason: error.description)
        }
    }

    private func checkScheme(_ uri: String) throws(ArtifactSourceError) {
        let lower = uri.lowercased()
        let served = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            || (fetcher.configuration.allowFileScheme && lower.hasPrefix("file://"))
        guard served else { throw .unsupportedScheme(uri: uri) }
    }
}
