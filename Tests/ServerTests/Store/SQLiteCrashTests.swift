import Foundation
import TestSupport
import Testing
@testable import Server

/// Kills a process that is writing to the store with SIGKILL and checks that every submission it
/// acknowledged is still there and the file is intact.
///
/// The writer is this same test binary, re-run with a filter selecting `writerUntilKilled` and the
/// database path in `JOBSTORE_CRASH_WRITER_DB`; without that variable the writer is reported as
/// skipped.
struct SQLiteCrashTests {
    static let writerVariable = "JOBSTORE_CRASH_WRITER_DB"
    static let writerDatabase = ProcessInfo.processInfo.environment[writerVariable]

    @Test(.enabled(if: writerDatabase != nil, "the writer runs only as the child of everyAcknowledgedSubmissionSurvivesSIGKILLMidWrite"))
    func writerUntilKilled() throws {
        let path = try #require(Self.writerDatabase)
        let store = try SQLiteJobStore(path: path)
        var n = 0
        while true {
            let result = try store.submit(JobSubmission(bundle: testBundle(n)))
            // Acknowledge only after the commit returned, as the HTTP handler will.
            FileHandle.standardOutput.write(Data("ack \(result.job.id)\n".utf8))
            if let job = try store.claim(owner: "writer") {
                _ = try store.complete(id: job.id, owner: "writer", verdict: .verified, report: "{}", attestation: nil, eip712: nil)
            }
            n += 1
        }
    }

    @Test func everyAcknowledgedSubmissionSurvivesSIGKILLMidWrite() throws {
        let path = try Scratch.directory("jobstore").appendingPathComponent("crash.sqlite").path
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "SQLiteCrashTests/writerUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.writerVariable: path]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()

        // Read acknowledgements until two hundred commits are in, then kill without warning.
        var acknowledged: [String] = []
        var buffer = Data()
        let reader = output.fileHandleForReading
        while acknowledged.count < 200 {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            acknowledged = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                .filter { $0.hasPrefix("ack ") && $0.count == 68 }.map { String($0.dropFirst(4)) }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        try #require(acknowledged.count >= 200, "writer acknowledged only \(acknowledged.count) submissions")

        let store = try SQLiteJobStore(path: path)
        for id in acknowledged { #expect(try store.job(id: id) != nil, "acknowledged job \(id) lost") }
        let raw = try SQLiteConnection(path: path, busyTimeout: .seconds(1))
        #expect(try raw.query("PRAGMA integrity_check") { $0.column(0) } == [.text("ok")])
    }
}
