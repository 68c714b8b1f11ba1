internal import Glibc

/// Reads and writes Ed25519 key files in PEM: PKCS#8 "PRIVATE KEY" and SubjectPublicKeyInfo "PUBLIC KEY".
///
/// A private key file is written atomically with mode 0600: the PEM goes to a fresh file
/// in the target directory (created O_EXCL with mode 0600), is synced, then linked or
/// renamed into place, so no reader ever sees a partial or world-readable key.
/// A private key file that group or others may access (mode & 0o077 != 0) is refused
/// when read, as OpenSSH does: a key others could read is no longer a secret.
public enum KeyFile {
    /// Bounds on what `read` accepts.
    public struct Limits: Sendable, Hashable {
        /// Maximum size in bytes of a key file. Default 16,384 (an Ed25519 PEM is about 120).
        public var maxBytes: Int

        public init(maxBytes: Int = 16_384) {
            self.maxBytes = maxBytes
        }
    }

    /// What a key file held.
    public enum Contents: Sendable {
        case privateKey(SigningKey)
        case publicKey(PublicKey)

        /// The public key, whichever kind of file it came from.
        public var publicKey: PublicKey {
            switch self {
            case let .privateKey(key): key.publicKey
            case let .publicKey(key): key
            }
        }
    }

    /// Writes `key` as PKCS#8 PEM to `path` with mode 0600.
    /// Without `overwrite`, an existing file at `path` is left alone and `alreadyExists` thrown.
    public static func writePrivateKey(_ key: SigningKey, to path: String, overwrite: Bool = false) throws(KeyFileError) {
        var pem = key.pkcs8PEM
        defer { for i in pem.indices { pem[i] = 0 } }
        try writeSecret(pem, to: path, overwrite: overwrite)
    }

    /// Writes the secret bytes `pem` to `path` atomically with mode 0600, as `writePrivateKey` describes.
    static func writeSecret(_ pem: [UInt8], to path: String, overwrite: Bool) throws(KeyFileError) {
        let temporary = try writeTemporary(pem, beside: path)
        do throws(KeyFileError) {
            if overwrite {
                try check(rename(temporary, path), "rename", path)
            } else {
                // link() fails with EEXIST instead of replacing, which rename() cannot do.
                if link(temporary, path) != 0 {
                    let code = errno
                    throw code == EEXIST ? KeyFileError.alreadyExists(path: path) : .io(call: "link", path: path, errno: code)
                }
                try check(unlink(temporary), "unlink", temporary)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        syncDirectory(of: path)
    }

    /// Reads a PEM key file: a PKCS#8 Ed25519 private key (mode must deny group and others)
    /// or a SubjectPublicKeyInfo Ed25519 public key, refused as `PublicKey.init(rawBytes:)`
    /// refuses its bytes. Only the first PEM block is read.
    public static func read(_ path: String, limits: Limits = Limits()) throws(KeyFileError) -> Contents {
        let (bytes, mode) = try readBytes(path, limit: limits.maxBytes)
        var text = bytes
        defer { for i in text.indices { text[i] = 0 } }
        switch pemLabel(text) {
        case "PRIVATE KEY":
            guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: mode & 0o7777) }
            guard let key = Ed25519Backend.readPrivateKeyPEM(text) else { throw .unreadablePEM(path: path) }
            guard Ed25519Backend.isEd25519(key) else { throw .notEd25519(path: path) }
            return .privateKey(SigningKey(backend: key))
        case "PUBLIC KEY":
            guard let key = Ed25519Backend.readPublicKeyPEM(text) else { throw .unreadablePEM(path: path) }
            guard Ed25519Backend.isEd25519(key) else { throw .notEd25519(path: path) }
            do throws(KeyError) {
                return .publicKey(try PublicKey(importing: key))
            } catch {
                throw .refusedPublicKey(path: path, error)
            }
        case let label?:
            throw .unsupportedPEMLabel(path: path, label: label)
        case nil:
            throw .notPEM(path: path)
        }
    }

    /// The label X of the first "-----BEGIN X-----" line, if any.
    static func pemLabel(_ text: [UInt8]) -> String? {
        let prefix = Array("-----BEGIN ".utf8)
        let suffix = Array("-----".utf8)
        for line in text.split(separator: UInt8(ascii: "\n")) {
            var line = Array(line)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.starts(with: prefix), line.count >= prefix.count + suffix.count,
                  Array(line.suffix(suffix.count)) == suffix else { continue }
            return String(decoding: line[prefix.count..<(line.count - suffix.count)], as: UTF8.self)
        }
        return nil
    }

    private static func writeTemporary(_ bytes: [UInt8], beside path: String) throws(KeyFileError) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = directory + "." + name + ".tmp-" + Hex.encode(Ed25519Backend.randomSeed().prefix(8))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(call: "open", path: temporary, errno: errno) }
        do throws(KeyFileError) {
            // The umask can only clear bits of 0600; fchmod states the intent regardless.
            try check(fchmod(fd, 0o600), "fchmod", temporary)
            try writeAll(fd, bytes, temporary)
            try check(fsync(fd), "fsync", temporary)
            try check(close(fd), "close", temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        return temporary
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(KeyFileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(call: "write", path: path, errno: errno)
            }
            offset += n
        }
    }

    static func readBytes(_ path: String, limit: Int) throws(KeyFileError) -> ([UInt8], UInt32) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        try check(fstat(fd, &info), "fstat", path)
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path) }
        guard Int(info.st_size) <= limit else { throw .tooLarge(path: path, bytes: Int(info.st_size), limit: limit) }
        // One byte more than the limit detects a file that grew after fstat.
        var buffer = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < buffer.count {
            let n = buffer[count...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(call: "read", path: path, errno: errno)
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw .tooLarge(path: path, bytes: count, limit: limit) }
        return (Array(buffer[..<count]), UInt32(info.st_mode))
    }

    private static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "."
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        // Best effort: the key is already in place; this only hardens it against a crash.
        fsync(fd)
        close(fd)
    }

    private static func check(_ status: Int32, _ call: String, _ path: String) throws(KeyFileError) {
        guard status == 0 else { throw .io(call: call, path: path, errno: errno) }
    }
}
