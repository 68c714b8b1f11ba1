import Foundation
import TestSupport
import Testing
@testable import Server

/// tools/range_server.py serving a temporary directory on a free loopback port, started with
/// the repository's .venv Python and stopped (by its process id) when released.
final class RangeServer: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let directory: String
    let port: Int
    private let process: Process

    /// With `tls`, the PEM of the server's self-signed certificate (trust it to connect).
    let certificate: String?

    var base: String { (certificate == nil ? "http" : "https") + "://127.0.0.1:\(port)" }

    /// Starts a server over a new temporary directory; `ignoreRange` makes it answer 200 always;
    /// `tls` serves https with a fresh self-signed certificate for 127.0.0.1.
    init(ignoreRange: Bool = false, tls: Bool = false, directory: String? = nil) throws {
        let python = try Python.interpreter()
        let dir = directory ?? NSTemporaryDirectory() + "/range-server-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        self.directory = dir
        certificate = tls ? NSTemporaryDirectory() + "/range-server-cert-" + UUID().uuidString + ".pem" : nil
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Repository.path("tools/range_server.py"), "--dir", dir] + (ignoreRange ? ["--ignore-range"] : [])
            + (certificate.map { ["--tls", $0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "range server did not report a port: \(text)")
        }
        port = p
    }

    deinit {
        // SIGKILL: the test runner's blocked-signal mask is inherited, so SIGTERM may stay pending.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if let certificate { try? FileManager.default.removeItem(atPath: certificate) }
    }

    /// Writes `bytes` as DIR/name and returns its URL.
    @discardableResult
    func put(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        return base + "/" + name
    }

    /// A configuration that allows exactly this server's address and port.
    func configuration(_ edit: (inout FetchConfiguration) -> Void = { _ in }) throws -> FetchConfiguration {
        var c = FetchConfiguration(allowlist: [try AllowlistEntry(parsing: "127.0.0.1:\(port)")])
        edit(&c)
        return c
    }

    static func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 251) } }
}
