import Foundation

/// Helpers shared by the attestation tests.
enum AttestationTestSupport {
    /// The permission bits of a file, from stat(2).
    static func mode(_ path: String) throws -> UInt32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return UInt32(info.st_mode) & 0o7777
    }
}
