#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// Opens a bundle's artifacts as safetensors files: inline bytes always, `file://` URIs only
/// when allowed, any other scheme refused as "cannot fetch".
///
/// Failing to obtain the bytes is a `PoGOVerificationError` (the verifier could not
/// complete); bytes that are obtained but are not a valid safetensors file are returned as
/// `.malformed`, which the structure check turns into a negative verdict.
public struct ArtifactLoader: Sendable {
    /// An opened artifact, or why its bytes are not a safetensors file.
    public enum Opened: Sendable {
        case file(SafeTensorsFile)
        case malformed(String)
    }

    /// Whether `file://` URIs are read.
    public var allowFileURIs: Bool
    /// Largest file read through a `file://` URI, in bytes.
    public var maxFileBytes: Int

    public init(allowFileURIs: Bool, maxFileBytes: Int) {
        self.allowFileURIs = allowFileURIs
        self.maxFileBytes = maxFileBytes
    }

    /// Opens `artifact`; `name` (e.g. "theta0", "gradient 3") labels errors.
    public func open(_ artifact: ProofBundle.Artifact, name: String) throws(PoGOVerificationError) -> Opened {
        switch artifact {
        case let .inline(bytes):
            return try openInline(bytes, name: name)
        case let .uri(uri):
            let prefix = "file://"
            guard uri.hasPrefix(prefix) else { throw .cannotFetch(artifact: name, uri: uri) }
            guard allowFileURIs else { throw .fileURIsNotAllowed(artifact: name, uri: uri) }
            let path = String(uri.dropFirst(prefix.count)).removingPercentEncoding ?? ""
            guard path.hasPrefix("/") else { throw .artifactUnreadable(artifact: name, reason: "file URI \(uri) has no absolute path") }
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw .artifactUnreadable(artifact: name, reason: "cannot stat \(path): errno \(errno)")
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else { throw .artifactUnreadable(artifact: name, reason: "\(path) is not a regular file") }
            guard Int(st.st_size) <= maxFileBytes else {
                throw .artifactUnreadable(artifact: name, reason: "\(path) has \(st.st_size) bytes, limit \(maxFileBytes)")
            }
            return try Self.parse(path: path, name: name)
        }
    }

    /// Inline bytes go through an unlinked temporary file, so the same mapped reader serves
    /// both kinds of artifact.
    private func openInline(_ bytes: [UInt8], name: String) throws(PoGOVerificationError) -> Opened {
        var template = Array((NSTemporaryDirectory() + "/pogo-artifact-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .internalFailure("mkstemp failed: errno \(errno)") }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let written = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        close(fd)
        guard written else { throw .internalFailure("cannot write temporary artifact for \(name): errno \(errno)") }
        return try Self.parse(path: path, name: name)
    }

    private static func parse(path: String, name: String) throws(PoGOVerificationError) -> Opened {
        do {
            return .file(try SafeTensorsFile(path: path))
        } catch let SafeTensorsError.cannotOpen(path, code) {
            throw .artifactUnreadable(artifact: name, reason: "cannot open \(path): errno \(code)")
        } catch {
            return .malformed(String(describing: error))
        }
    }
}
