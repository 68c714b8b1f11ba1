#if canImport(Glibc)
internal import Glibc
#endif

/// Reads byte ranges of a bundle's artifacts, whatever their placement: inline bytes are
/// sliced, `file://` URIs are read below `fileRoot` (refused without one), other URIs go to
/// the configured `ArtifactSource`.
///
/// Failing to obtain bytes is a `PoGOVerificationError` (the verifier could not complete);
/// a short answer means the artifact ends early, which the caller judges as the miner's fault.
struct ArtifactRangeReader: Sendable {
    let fileRoot: FileArtifactRoot?
    let source: (any ArtifactSource)?

    /// The bytes `range` of `artifact` (fewer when it ends before `range.upperBound`).
    /// `name` labels errors. Requires a non-empty range.
    func read(_ artifact: ProofBundle.Artifact, range: Range<Int>, name: String) throws(PoGOVerificationError) -> [UInt8] {
        switch artifact {
        case let .inline(bytes):
            guard range.lowerBound < bytes.count else { return [] }
            return Array(bytes[range.lowerBound..<min(range.upperBound, bytes.count)])
        case let .uri(uri) where uri.hasPrefix("file://"):
            guard let fileRoot else { throw .fileURIsNotAllowed(artifact: name, uri: uri) }
            let fd: Int32
            do { fd = try fileRoot.open(uri) } catch { throw .artifactUnreadable(artifact: name, reason: error.description) }
            defer { close(fd) }
            return try Self.read(fd, range: range, uri: uri, name: name)
        case let .uri(uri):
            guard let source else { throw .cannotFetch(artifact: name, uri: uri) }
            do { return try source.read(uri, range: range) } catch {
                switch error {
                case .unsupportedScheme: throw .cannotFetch(artifact: name, uri: uri)
                case let .failed(_, reason): throw .artifactUnreadable(artifact: name, reason: reason)
                }
            }
        }
    }

    /// Reads `range` of an open file with pread, stopping early at end of file.
    private static func read(_ fd: Int32, range: Range<Int>, uri: String, name: String) throws(PoGOVerificationError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: range.count)
        var filled = 0
        while filled < out.count {
            let n = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + filled, buf.count - filled, off_t(range.lowerBound + filled))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .artifactUnreadable(artifact: name, reason: "cannot read \(uri): errno \(errno)") }
            if n == 0 { break }
            filled += n
        }
        return Array(out[0..<filled])
    }
}
