import Foundation
import TestSupport
import Testing
import Verification

/// `verifier mine` and `verifier verify-bundle` run as processes: exit 0 positive, 1 negative,
/// 2 when verification cannot complete; the envelope when a key is given.
struct PoGOCommandTests {
    private func verifier(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let result = try Subprocess.run(Repository.binary, arguments)
        return (result.status, result.stdout)
    }

    @Test func minesAndVerifiesBundleWithExitCodes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pogo-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seed = String(repeating: "ab", count: 32)
        let mined = try verifier(["mine", "--arch", "mlp", "--hidden", "16", "--steps", "3", "--lr", "0.1", "--batch", "32",
                                  "--eval-batch", "64", "--seed", "1", "--block-seed", seed, "--out", dir])
        #expect(mined.status == 0)
        let bundle = dir + "/bundle.json"
        #expect(try verifier(["verify-bundle", bundle, "--beacon", seed]).status == 2, "file URIs need --artifact-root")
        #expect(try verifier(["verify-bundle", bundle, "--beacon", seed, "--artifact-root", dir + "/elsewhere"]).status == 2)
        let positive = try verifier(["verify-bundle", bundle, "--beacon", seed, "--artifact-root", dir])
        #expect(positive.status == 0)
        #expect(positive.stdout.contains("\"verdict\":\"positive\""))

        let keyPath = dir + "/key.pem"
        try KeyFile.writePrivateKey(try SigningKey(seed: [UInt8](repeating: 3, count: 32)), to: keyPath)
        let signed = try verifier(["verify-bundle", bundle, "--beacon", seed, "--artifact-root", dir, "--key", keyPath])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: Any])
        #expect(object["envelope"] is [String: Any] && object["report"] is [String: Any])

        // A lie about the final evaluation loss: a negative verdict, exit 1.
        var text = try String(contentsOfFile: bundle, encoding: .utf8)
        let range = try #require(text.range(of: "\"finalLoss\":"))
        text.insert(contentsOf: "9", at: range.upperBound)
        try text.write(toFile: bundle, atomically: true, encoding: .utf8)
        #expect(try verifier(["verify-bundle", bundle, "--beacon", seed, "--artifact-root", dir]).status == 1)
    }
}
