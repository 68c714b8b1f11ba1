import Foundation
import TestSupport
import Testing

/// Issue 13: a 16 MiB JSON array sent to a JSON route cost 495 MiB of resident memory before it
/// was refused ("must be an object"), so six at once killed a 2 GiB pod. Measured on the real
/// binary: the peak resident memory (VmHWM, reset through /proc/PID/clear_refs) while four
/// such bodies are handled at once, four handler threads so all four parse together. (An
/// array where a route accepts any value is parsed whole: scripts/test.d/80-hostile-load.sh
/// measures that case on the release build.)
struct JSONMemoryServiceTests {
    static let bodyBytes = 16 << 20

    /// A body of `bodyBytes` bytes: `prefix`, then `0,0,...,0`, then `suffix`.
    static func body(_ prefix: String, _ suffix: String) -> [UInt8] {
        let pairs = (bodyBytes - prefix.utf8.count - suffix.utf8.count - 1) / 2
        return Array((prefix + String(repeating: "0,", count: pairs) + "0" + suffix).utf8)
    }

    /// Sends the four bodies at once; returns the statuses and the server's peak RSS growth.
    static func peakGrowth(_ service: ServiceProcess, _ requests: [(route: String, body: [UInt8])]) throws -> ([Int], Int) {
        let folder = try Scratch.directory("hostile-json").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try requests.enumerated().map { index, request in
            let path = folder + "/\(index).json"
            try Data(request.body).write(to: URL(fileURLWithPath: path))
            return path
        }
        let pid = service.process.processIdentifier
        let before = ProcStatus.field("VmRSS", pid: pid)
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)
        let statuses = LockedValues()
        let urls = requests.map { service.url + $0.route }
        DispatchQueue.concurrentPerform(iterations: requests.count) { index in
            let response = try? Curl.post(urls[index], file: files[index])
            statuses.set(index, response?.status ?? 0)
        }
        return (statuses.values(count: requests.count), ProcStatus.field("VmHWM", pid: pid) - before)
    }

    @Test func fourConcurrentSixteenMiBArraysStayUnderTheRSSBudget() throws {
        let service = try ServiceProcess(dataDirectory: try Scratch.directory("hostile-json").path + "/var",
                                         environment: ["VERIFIER_WORKERS": "0", "VERIFIER_HTTP_THREADS": "4"])
        let array = Self.body("[", "]")
        // Refused at the first byte: what remains is the bodies themselves.
        let (statuses, growth) = try Self.peakGrowth(service, [("/v1/pogo/bundles", array), ("/v1/pogo/bundles", array),
                                                               ("/v1/finalize", array), ("/v1/finalize", array)])
        #expect(statuses == [422, 422, 422, 422])
        // Budget: twice the bodies (measured: 64 MiB; before, 495 MiB per body).
        #expect(growth <= 4 * Self.bodyBytes * 2, "peak RSS grew by \(growth >> 20) MiB")
    }
}

/// Fields of /proc/PID/status.
enum ProcStatus {
    /// The field in bytes (the file gives kB); 0 when absent.
    static func field(_ name: String, pid: Int32) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}

/// Integers written from several threads by index.
final class LockedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int: Int] = [:]
    func set(_ index: Int, _ value: Int) { lock.lock(); storage[index] = value; lock.unlock() }
    func values(count: Int) -> [Int] { lock.lock(); defer { lock.unlock() }; return (0..<count).map { storage[$0] ?? 0 } }
}
