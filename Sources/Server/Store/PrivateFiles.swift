#if canImport(Glibc)
internal import Glibc
#endif
internal import Foundation

/// Why a private file or folder could not be created.
struct PrivateFileError: Error, Equatable, CustomStringConvertible {
    let path: String
    let errno: Int32
    var description: String { "cannot create \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Creates the service's files and folders readable by their owner only: the data folder 0700,
/// the database 0600 (SQLite gives its -wal and -shm files the database's mode). Existing ones
/// are left as they are; the process umask can only narrow these modes.
enum PrivateFiles {
    /// Creates folder `path` with mode 0700 unless it exists (missing parents get the default
    /// mode, like `mkdir -p`).
    static func createFolder(_ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw PrivateFileError(path: path, errno: errno) }
    }

    /// Creates an empty file with mode 0600 unless something exists at `path` (O_EXCL: a file,
    /// or a symbolic link, already there is neither followed nor replaced). When it cannot
    /// (e.g. the folder is missing), whoever opens the path next reports why.
    static func createFileIfMissing(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }
}
