import TestSupport
import Testing
import Foundation

struct ServerTests {
    @Test func binaryPrintsUsageWithoutArguments() throws {
        let candidates = [".build/debug/verifier", ".build/release/verifier"].map(Repository.path)
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        #expect(try Subprocess.run(binary, []).status == 2)
    }
}
