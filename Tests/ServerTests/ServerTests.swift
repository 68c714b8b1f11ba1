import Testing
import Foundation

struct ServerTests {
    @Test func binaryPrintsUsageWithoutArguments() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [".build/debug/verifier", ".build/release/verifier"].map { root.appendingPathComponent($0).path }
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
    }
}
