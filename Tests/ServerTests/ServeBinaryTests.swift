import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `verifier serve` binary (.build/debug/verifier) on a free port.
final class ServeProcess {
    let process = Process()
    private let stderr = Pipe()
    private var seen = ""
    private(set) var port = 0

    init() throws {
        process.executableURL = URL(fileURLWithPath: Repository.binary)
        // A fresh data folder: the service creates its store and signing key there.
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)").path
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory, "--workers", "1"]
        process.standardError = stderr
        try process.run()
        let line = try waitForLine { $0.contains("event=listening") }
        port = Int(line.split(separator: " ").first { $0.hasPrefix("port=") }!.dropFirst(5))!
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Reads stderr until a line satisfies `matches`; returns that line.
    func waitForLine(_ matches: (String) -> Bool) throws -> String {
        while true {
            if let line = seen.split(separator: "\n").map(String.init).first(where: matches) { return line }
            let data = stderr.fileHandleForReading.availableData
            guard !data.isEmpty else { throw CocoaError(.fileReadUnknown) }
            seen += String(decoding: data, as: UTF8.self)
        }
    }
}

/// A blocking socket to the served port; one thread may send while another reads.
final class LineSocket: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit { close(fd) }

    func send(_ text: String) { _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

    /// Everything until the server closes the connection.
    func readToEnd() -> String {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            all.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: all, as: UTF8.self)
    }
}

struct ServeBinaryTests {
    @Test func missingDatasetFolderStopsStartWithAPlainMessage() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)").path
        let result = try Subprocess.run(Repository.binary, ["serve", "--port", "0", "--data-dir", data,
                                                            "--dataset-dir", "/nonexistent-datasets"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("dataset directory /nonexistent-datasets does not exist or is not a folder"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func answersHealthz() throws {
        let serve = try ServeProcess()
        let socket = try LineSocket(port: serve.port)
        socket.send("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let response = socket.readToEnd()
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("\r\n\r\n{\"status\":\"ok\"}"))
        #expect(try serve.waitForLine { $0.contains("event=request") }.contains("method=GET path=/healthz status=200 duration_ms="))
        kill(serve.process.processIdentifier, SIGTERM)
        serve.process.waitUntilExit()
        #expect(serve.process.terminationStatus == 0)
    }

    @Test func finishesInFlightRequestOnSigtermAndExitsZero() throws {
        let serve = try ServeProcess()
        let socket = try LineSocket(port: serve.port)
        // Half a request is in flight when the signal arrives; it completes afterwards.
        socket.send("GET /healthz HTTP/1.1\r\nHost: a\r\n")
        Thread.sleep(forTimeInterval: 0.2)
        kill(serve.process.processIdentifier, SIGTERM)
        _ = try serve.waitForLine { $0.contains("event=shutting_down") }
        socket.send("\r\n")
        let response = socket.readToEnd()
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.contains("Connection: close\r\n"))
        serve.process.waitUntilExit()
        #expect(serve.process.terminationReason == .exit)
        #expect(serve.process.terminationStatus == 0)
    }
}
