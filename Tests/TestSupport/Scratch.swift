import Foundation

/// Fresh folders for a test's files, under the system temporary directory.
public enum Scratch {
    /// Creates and returns a new empty folder named `<label>-<UUID>`.
    public static func directory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
