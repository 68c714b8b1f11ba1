#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// Why a `file://` artifact URI was refused or could not be opened. The texts name the URI as
/// the submitter wrote it, never what it resolved to, so a refusal tells nothing about files
/// outside the root.
public enum FileArtifactError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `file:///absolute/path` (a host, a relative path, or a NUL byte).
    case notALocalPath(uri: String)
    /// A `..` component: refused whatever it would resolve to.
    case parentReference(uri: String)
    /// The path is not below the artifact root, or resolves (through a symbolic link) outside it.
    case outsideRoot(uri: String)
    /// The file below the root could not be opened.
    case cannotOpen(uri: String, errno: Int32)
    /// It is not a regular file.
    case notARegularFile(uri: String)
    /// The configured root is not a folder that can be resolved.
    case unusableRoot(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .notALocalPath(uri): "\(uri) is not a file:/// URI with an absolute path"
        case let .parentReference(uri): "\(uri) has a '..' component"
        case let .outsideRoot(uri): "\(uri) is not below the artifact root"
        case let .cannotOpen(uri, code): "\(uri) cannot be opened: errno \(code)"
        case let .notARegularFile(uri): "\(uri) is not a regular file"
        case let .unusableRoot(path, code): "artifact root \(path) is not a usable folder: errno \(code)"
        }
    }
}

/// The folder `file://` artifacts must lie in. A URI is refused unless its path, as written,
/// is below the root and has no `..` component; the file is then opened and the path it
/// actually resolved to (read back from the open descriptor, so a symbolic link swapped in
/// between gains nothing) must be below the root too. Nothing outside the root is ever opened
/// or stat'ed, so a refusal cannot tell whether such a file exists.
public struct FileArtifactRoot: Sendable, Hashable {
    /// The root as configured (made absolute by resolving it when it was relative), without a
    /// trailing slash.
    public let path: String
    /// The root with every symbolic link resolved.
    public let resolvedPath: String

    /// Requires an existing folder.
    public init(path: String) throws(FileArtifactError) {
        guard let resolved = realpath(path, nil) else { throw .unusableRoot(path: path, errno: errno) }
        defer { free(resolved) }
        var st = stat()
        guard stat(resolved, &st) == 0 else { throw .unusableRoot(path: path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .unusableRoot(path: path, errno: ENOTDIR) }
        self.resolvedPath = String(cString: resolved)
        self.path = path.hasPrefix("/") ? Self.normalized(path) : resolvedPath
    }

    /// Opens the file `uri` names, read-only; the caller closes the descriptor.
    public func open(_ uri: String) throws(FileArtifactError) -> Int32 {
        let prefix = "file://"
        guard uri.hasPrefix(prefix), let decoded = String(uri.dropFirst(prefix.count)).removingPercentEncoding,
              decoded.hasPrefix("/"), !decoded.utf8.contains(0) else { throw .notALocalPath(uri: uri) }
        let components = decoded.split(separator: "/")
        guard !components.contains("..") else { throw .parentReference(uri: uri) }
        let path = Self.normalized(decoded)
        guard Self.isBelow(path, path: self.path) || Self.isBelow(path, path: resolvedPath) else { throw .outsideRoot(uri: uri) }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw .cannotOpen(uri: uri, errno: errno) }
        guard let actual = Self.resolvedPath(of: fd), Self.isBelow(actual, path: resolvedPath) else {
            close(fd)
            throw .outsideRoot(uri: uri)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notARegularFile(uri: uri)
        }
        return fd
    }

    /// The path an open descriptor refers to, read from /proc/self/fd.
    private static func resolvedPath(of fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` with empty and `.` components dropped: `/a//b/./c/` is `/a/b/c`.
    private static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// Whether `candidate` lies strictly below the folder `path`.
    private static func isBelow(_ candidate: String, path: String) -> Bool {
        let folder = path == "/" ? "/" : path + "/"
        return candidate.hasPrefix(folder) && candidate.count > folder.count
    }
}
