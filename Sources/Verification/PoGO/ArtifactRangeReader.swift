#if canImport(Glibc)
internal import Glibc
#endif

/// Reads byte ranges of a bundle's artifacts, whatever their placement: inline bytes are
/// sliced, URIs go to the configured `ArtifactSource`, and without a source `file://` URIs
/// are read locally when the policy allows them.
///
/// Failing to obtain bytes is a `PoGOVerificationError` (the verifier could not complete);
/// a short answer means the artifact ends early, which the caller judges as the miner's fault.
struct ArtifactRangeReader: Sendable {
    let allowFileURIs: Bool
    let source: (any ArtifactSource)?

    /// The bytes `range` of `artifact` (fewer when it ends before `range.upperBound`).
    /// `name` labels errors. Requires a non-empty range.
    func read(_ artifact: ProofBundle.Artifact, range: Range<Int>, name: String) throws(PoGOVerificationError) -> [UInt8] {
        switch artifact {
        case let .inline(bytes):
            guard range.lowerBound < bytes.count else { return [] }
            return Array(bytes[range.lowerBound..<min(range.upperBound, bytes.count)])
        case let .uri(uri):
            let isFile = uri.hasPrefix("file://")
            if isFile, !allowFileURIs { throw .fileURIsNotAllowed(artifact: name, uri: uri) }
            if let source {
                do { return try source.read(uri, range: range) } catch {
                    switch error {
                    case .unsupportedScheme: throw .cannotFetch(artifact: name, uri: uri)
                    case let .failed(_, reason): throw .artifactUnreadable(artifact: name, reason: reason)
                    }
                }
            }
            guard isFile else { throw .cannotFetch(artifact: name, uri: uri) }
            return try Self.readLocal(path: String(uri.dropFirst("file://".count)), range: range, name: name)
        }
    }

    /// Reads `range` of a local file with pread, stopping early at end of file.
    private static func readLocal(path: String, range: Range<Int>, name: String) throws(PoGOVerificationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .artifactUnreadable(artifact: name, reason: "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: range.count)
        var filled = 0
        while filled < out.count {
            let n = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + filled, buf.count - filled, off_t(range.lowerBound + filled))
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .artifactUnreadable(artifact: name, reason: "cannot read \(path): errno \(errno)") }
            if n == 0 { break }
            filled += n
        }
        return Array(out[0..<filled])
    }
}
