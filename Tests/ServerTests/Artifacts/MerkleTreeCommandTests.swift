import Foundation
import TestSupport
import Testing

/// `verifier merkle tree` writes the same tree files as `verifier mine --trees`, for a
/// checkpoint and for a gradient artifact, and its last 32 bytes are the committed root.
@Suite struct MerkleTreeCommandTests {
    @Test func treeOfMinedFilesMatchesTheMinersTrees() throws {
        let dir = NSTemporaryDirectory() + "/merkle-tree-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mine = try MerkleCommandTests.verifier([
            "mine", "--arch", "mlp", "--hidden", "8", "--steps", "2", "--lr", "0.1", "--batch", "16", "--eval-batch", "64",
            "--block-seed", String(repeating: "01", count: 32), "--out", dir, "--trees",
            "--dataset", Repository.path("data/digits.csv"),
        ])
        #expect(mine.status == 0)
        let bundle = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/bundle.json"))) as! [String: Any]
        let steps = bundle["steps"] as! [[String: Any]]
        for (input, tree, root) in [("theta0.safetensors", "theta0.tree", bundle["theta0Root"] as! String),
                                    ("grad-0002.safetensors", "grad-0002.tree", steps[1]["gradientRoot"] as! String)] {
            let out = dir + "/check.tree"
            let run = try MerkleCommandTests.verifier(["merkle", "tree", dir + "/" + input, "--out", out])
            #expect(run.status == 0)
            #expect(run.stdout.contains("\"root\":\"\(root)\""), "\(input): \(run.stdout)")
            #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: dir + "/" + tree), "\(input)")
        }
    }
}
