#if canImport(Glibc)
internal import Glibc
#endif

/// Opens a bundle's artifacts as safetensors files: inline bytes always, `file://` URIs only
/// below `fileRoot` (none without one), other URIs through the `ArtifactSource` when one is
/// given, else refused as "cannot fetch".
///
/// Failing to obtain the bytes is a `PoGOVerificationError` (the verifier could not
/// complete); bytes that are obtained but are not a valid safetensors file are returned as
/// `.malformed` with a reason that quotes nothing from them (`ArtifactErrorText`), which the
/// structure check turns into a negative verdict.
public struct ArtifactLoader: Sendable {
    /// An opened artifact, or why its bytes are not a safetensors file.
    public enum Opened: Sendable {
        case file(SafeTensorsFile)
        case malformed(String)
    }

    /// The folder `file://` URIs are read from; nil refuses them.
    public var fileRoot: FileArtifactRoot?
    /// Largest file read through a `file://` URI, in bytes.
    public var maxFileBytes: Int
    /// Where other URIs are fetched (e.g. HTTP by the server); nil refuses them.
    public var source: (any ArtifactSource)?

    public init(fileRoot: FileArtifactRoot?, maxFileBytes: Int, source: (any ArtifactSource)? = nil) {
        self.fileRoot = fileRoot
        self.maxFileBytes = maxFileBytes
        self.source = source
    }

    /// Opens `artifact`; `name` (e.g. "theta0", "gradient 3") labels errors.
    public func open(_ artifact: ProofBundle.Artifact, name: String) throws(PoGOVerificationError) -> Opened {
        switch artifact {
        case let .inline(bytes):
            return Self.openInline(bytes)
        case let .uri(uri) where uri.hasPrefix("file://"):
            guard let fileRoot else { throw .fileURIsNotAllowed(artifact: name, uri: uri) }
            let fd: Int32
            do { fd = try fileRoot.open(uri) } catch { throw .artifactUnreadable(artifact: name, reason: error.description) }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw .artifactUnreadable(artifact: name, reason: "cannot stat \(uri): errno \(errno)") }
            guard Int(st.st_size) <= maxFileBytes else {
                throw .artifactUnreadable(artifact: name, reason: "\(uri) has \(st.st_size) bytes, limit \(maxFileBytes)")
            }
            // The descriptor's own /proc link: the very file checked above, not the path again.
            return try Self.parse(path: "/proc/self/fd/\(fd)", name: name)
        case let .uri(uri):
            guard let source else { throw .cannotFetch(artifact: name, uri: uri) }
            let bytes: [UInt8]
            do { bytes = try source.fetch(uri, maxBytes: maxFileBytes) } catch {
                switch error {
                case .unsupportedScheme: throw .cannotFetch(artifact: name, uri: uri)
                case let .failed(_, reason): throw .artifactUnreadable(artifact: name, reason: reason)
                }
            }
            return Self.openInline(bytes)
        }
    }

    /// Inline and fetched bytes are read from memory (`SafeTensorsFile(buffer:)`); only
    /// `file://` artifacts are mapped.
    private static func openInline(_ bytes: [UInt8]) -> Opened {
        do { return .file(try SafeTensorsFile(buffer: bytes)) } catch { return .malformed(ArtifactErrorText.of(error)) }
    }

    private static func parse(path: String, name: String) throws(PoGOVerificationError) -> Opened {
        do {
            return .file(try SafeTensorsFile(path: path))
        } catch let SafeTensorsError.cannotOpen(_, code) {
            throw .artifactUnreadable(artifact: name, reason: "cannot open it: errno \(code)")
        } catch {
            return .malformed(ArtifactErrorText.of(error))
        }
    }
}
