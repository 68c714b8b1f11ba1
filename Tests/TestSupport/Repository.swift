import Foundation

/// The repository the tests run in, found once from this file's path.
public enum Repository {
    /// The repository's root folder (this file is Tests/TestSupport/Repository.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relativePath` below the root, e.g. "tools/miner.py".
    public static func path(_ relativePath: String) -> String {
        root.appendingPathComponent(relativePath).path
    }

    /// The absolute URL of `relativePath` below the root.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }
}
