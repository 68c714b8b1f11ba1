import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// The `verifier` binary that `swift build` made.
    static let binary = path(".build/debug/verifier")
}

/// The real `verifier serve` binary on a free port with its own data folder.
final class ServiceProcess {
    let process = Process()
    let dataDirectory: String
    private let stderr = Pipe()
    private let seen = LockedText()
    private(set) var port = 0

    /// Starts the service; `environment` adds `VERIFIER_*` settings to the inherited ones.
    init(dataDirectory: String, environment: [String: String] = [:]) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = URL(fileURLWithPath: Repository.binary)
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory]
        process.currentDirectoryURL = Repository.root
        var env = ProcessInfo.processInfo.environment
        env["VERIFIER_WORKERS"] = env["VERIFIER_WORKERS"] ?? "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardError = stderr
        let handle = stderr.fileHandleForReading
        let seen = self.seen
        handle.readabilityHandler = { seen.append(String(decoding: $0.availableData, as: UTF8.self)) }
        try process.run()
        let line = try waitForLine(timeout: 30) { $0.contains("event=listening") }
        port = Int(line.split(separator: " ").first { $0.hasPrefix("port=") }!.dropFirst(5))!
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        stderr.fileHandleForReading.readabilityHandler = nil
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var log: String { seen.text }

    /// Waits until a stderr line satisfies `matches`; returns it.
    func waitForLine(timeout: Double, _ matches: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = seen.text.split(separator: "\n").map(String.init).first(where: matches) { return line }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ServiceTestError.timeout("no matching log line; log so far:\n\(seen.text)")
    }

    /// SIGKILL: the process gets no chance to clean up.
    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Text appended from a reader thread and read from the test.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ more: String) { lock.lock(); value += more; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return value }
}

enum ServiceTestError: Error {
    case timeout(String)
    case failed(String)
}

/// An HTTP exchange made with the curl command-line tool.
struct CurlResponse {
    let status: Int
    let headers: [String: String]
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum Curl {
    /// Runs curl with `arguments` (method, data, URL) and parses status, headers and body.
    static func run(_ arguments: [String]) throws -> CurlResponse {
        let headerFile = FileManager.default.temporaryDirectory.appendingPathComponent("h-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        let result = try Subprocess.run("/usr/bin/curl", ["-s", "-S", "--max-time", "60", "-D", headerFile] + arguments)
        guard result.status == 0 else { throw ServiceTestError.failed("curl \(arguments) exited \(result.status): \(result.stderr)") }
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var headers: [String: String] = [:]
        var code = 0
        for line in headerText.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") {
                code = Int(line.split(separator: " ")[1]) ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return CurlResponse(status: code, headers: headers, body: result.output)
    }

    static func get(_ url: String) throws -> CurlResponse { try run([url]) }

    static func post(_ url: String, file: String, contentType: String = "application/json") throws -> CurlResponse {
        try run(["-X", "POST", "-H", "Content-Type: \(contentType)", "--data-binary", "@" + file, url])
    }

    static func post(_ url: String, json: Any) throws -> CurlResponse {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("b-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        return try post(url, file: file)
    }

    /// Scrapes /metrics until it holds every line of `expected` (the job gauges are refreshed
    /// every 5 s, off the scrape); returns the last scrape, which the caller checks.
    static func metrics(_ service: ServiceProcess, containing expected: [String], timeout: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = try get(service.url + "/metrics").text
        while !expected.allSatisfy(text.contains), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            text = try get(service.url + "/metrics").text
        }
        return text
    }

    /// Polls the job until its status is final, or fails after `timeout` seconds.
    static func pollJob(_ service: ServiceProcess, id: String, timeout: Double = 60,
                        until done: (String) -> Bool = { ["verified", "rejected", "failed"].contains($0) }) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let response = try get(service.url + "/v1/pogo/bundles/" + id)
            if let status = response.json["status"] as? String, done(status) { return response.json }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ServiceTestError.timeout("job \(id) did not finish; log:\n\(service.log)")
    }
}

enum Tool {
    /// Mines a small MLP bundle with the reference miner (`verifier mine`); returns its path.
    static func mine(into directory: String, inline: Bool = true, steps: Int = 6, seed: Int = 1) throws -> String {
        var arguments = ["mine", "--arch", "mlp", "--hidden", "32", "--steps", String(steps), "--lr", "0.1", "--batch", "64",
                         "--eval-batch", "256", "--seed", String(seed), "--block-seed", String(repeating: "ab", count: 32),
                         "--out", directory]
        if inline { arguments.append("--inline") }
        let mined = try Subprocess.run(Repository.binary, arguments)
        guard mined.status == 0 else { throw ServiceTestError.failed("mine failed: \(mined.stderr)") }
        return directory + "/bundle.json"
    }

    /// Checks a DSSE envelope with the independent Python verifier (tools/dsse_verify.py);
    /// fails, not skips, when the venv is missing.
    static func pythonVerify(envelope: Any, publicKeyHex: String) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try JSONSerialization.data(withJSONObject: envelope).write(to: URL(fileURLWithPath: file))
        let result = try Python.run("dsse_verify.py", [
            "verify", file, "--public-key", publicKeyHex, "--payload-type", "application/vnd.in-toto+json",
        ])
        guard result.status == 0 else { throw ServiceTestError.failed("dsse_verify.py refused the envelope: \(result.stderr) \(result.stdout)") }
        return (try JSONSerialization.jsonObject(with: result.output)) as? [String: Any] ?? [:]
    }
}

/// The decoded in-toto statement inside a DSSE envelope object.
func statement(of envelope: Any) throws -> [String: Any] {
    guard let payload = (envelope as? [String: Any])?["payload"] as? String,
          let bytes = Data(base64Encoded: payload),
          let object = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
        throw ServiceTestError.failed("not an envelope with a JSON payload: \(envelope)")
    }
    return object
}

/// Hex of base64url text.
func hexOfBase64URL(_ text: String) -> String {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while standard.count % 4 != 0 { standard += "=" }
    return Data(base64Encoded: standard)!.map { String(format: "%02x", $0) }.joined()
}
