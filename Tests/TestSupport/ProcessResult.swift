import Foundation

/// What a finished process left: its exit status and everything it wrote.
public struct ProcessResult: Sendable {
    /// The exit status, or the number of the signal that ended the process (as `Process` reports it).
    public let status: Int32
    /// Standard output, byte for byte.
    public let output: Data
    /// Standard error, byte for byte.
    public let errorOutput: Data

    /// Standard output decoded as UTF-8.
    public var stdout: String { String(decoding: output, as: UTF8.self) }
    /// Standard error decoded as UTF-8.
    public var stderr: String { String(decoding: errorOutput, as: UTF8.self) }
}
