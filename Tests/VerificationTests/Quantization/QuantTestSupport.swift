import Foundation
import Testing

/// Test helpers shared by the quantization and challenge suites: the repository root, the
/// venv's Python, temporary folders and little-endian float files.
enum QuantTestSupport {
    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `tools/<script>` with the venv's Python and returns its standard output.
    /// Records a failure (not a skip) when the venv is missing or the script fails.
    static func runPython(_ script: String, _ arguments: [String]) throws -> Data {
        let python = repositoryRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("missing \(python.path): run scripts/setup to create the Python venv")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [repositoryRoot.appendingPathComponent("tools/\(script)").path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("\(script) failed (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
            throw CocoaError(.executableLoad)
        }
        return stdout
    }

    /// A fresh empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quant-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads a file of little-endian fp32 values.
    static func readFloats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { i -> Float in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(bytes[i + k]) << UInt32(8 * k) }
            return Float(bitPattern: bits)
        }
    }

    /// Bit patterns, so that comparisons are exact and NaN-safe.
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
}
