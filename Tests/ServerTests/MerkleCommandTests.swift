import Foundation
import TestSupport
import Testing
import Verification

/// `verifier merkle root|prove|verify`, run as the built binary.
struct MerkleCommandTests {
    struct Run {
        let status: Int32
        let stdout: String
    }

    static func verifier(_ arguments: [String]) throws -> Run {
        let result = try Subprocess.run(Repository.binary, arguments)
        return Run(status: result.status, stdout: result.stdout)
    }

    /// A checkpoint of 3 leaves whose middle leaf spans two tensors.
    static func checkpoint() throws -> (directory: URL, path: String) {
        let dir = try Scratch.directory("merkle-cli")
        let path = dir.appendingPathComponent("model.safetensors").path
        try SafeTensorsWriter.write([
            .init(name: "a", shape: [1500], floats: (0..<1500).map { Float($0) / 3 }),
            .init(name: "b", shape: [2, 400], floats: (0..<800).map { -Float($0) }),
        ], to: path)
        return (dir, path)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func rootProveAndVerifyRoundTrip() throws {
        let (dir, path) = try Self.checkpoint()
        let root = try Self.verifier(["merkle", "root", path])
        #expect(root.status == 0)
        let rootJSON = try Self.object(root.stdout)
        #expect(rootJSON["leaves"] as? Int == 3 && rootJSON["parameters"] as? Int == 2300)
        let expected = try ParameterCommitment(file: SafeTensorsFile(path: path))
        #expect(rootJSON["root"] as? String == expected.root.hex)

        for leaf in 0..<3 {
            let prove = try Self.verifier(["merkle", "prove", path, "--leaf", String(leaf)])
            #expect(prove.status == 0)
            let proof = try Self.object(prove.stdout)
            #expect(proof["root"] as? String == expected.root.hex)
            #expect(proof["index"] as? Int == leaf)
            let proofPath = dir.appendingPathComponent("proof\(leaf).json").path
            try Data(prove.stdout.utf8).write(to: URL(fileURLWithPath: proofPath))
            let verify = try Self.verifier(["merkle", "verify", proofPath, "--root", expected.root.hex, "--leaf-file", path])
            #expect(verify.status == 0, "leaf \(leaf): \(verify.stdout)")
        }
    }

    @Test func tamperedProofIsInvalid() throws {
        let (dir, path) = try Self.checkpoint()
        let prove = try Self.verifier(["merkle", "prove", path, "--leaf", "1"])
        var proof = try Self.object(prove.stdout)
        var hashes = try #require(proof["proof"] as? [String])
        hashes[0] = String(hashes[0].reversed())
        proof["proof"] = hashes
        let tampered = dir.appendingPathComponent("tampered.json").path
        try JSONSerialization.data(withJSONObject: proof).write(to: URL(fileURLWithPath: tampered))
        let verify = try Self.verifier(["merkle", "verify", tampered])
        #expect(verify.status == 1)
        #expect(try Self.object(verify.stdout)["valid"] as? Bool == false)

        // The right proof for another leaf of the same checkpoint is not a proof for this leaf.
        let other = try Self.verifier(["merkle", "prove", path, "--leaf", "2"])
        let otherPath = dir.appendingPathComponent("other.json").path
        var otherJSON = try Self.object(other.stdout)
        otherJSON["index"] = 1
        try JSONSerialization.data(withJSONObject: otherJSON).write(to: URL(fileURLWithPath: otherPath))
        #expect(try Self.verifier(["merkle", "verify", otherPath, "--leaf-file", path]).status == 1)
    }

    /// The exact bytes each command printed before its output went through `JSONText`.
    @Test func printsOutputsByteForByte() throws {
        let (dir, path) = try Self.checkpoint()
        let root = try ParameterCommitment(file: SafeTensorsFile(path: path)).root.hex
        #expect(try Self.verifier(["merkle", "root", path]).stdout == #"{"root":"\#(root)","leaves":3,"parameters":2300}"# + "\n")
        let prove = try Self.verifier(["merkle", "prove", path, "--leaf", "0"]).stdout
        let proof = try Self.object(prove)
        let leafHash = try #require(proof["leafHash"] as? String)
        let hashes = try #require(proof["proof"] as? [String])
        #expect(hashes.count == 2)
        #expect(prove == #"{"root":"\#(root)","leaves":3,"index":0,"leafHash":"\#(leafHash)","proof":["\#(hashes[0])","\#(hashes[1])"]}"# + "\n")
        let proofPath = dir.appendingPathComponent("p.json").path
        try Data(prove.utf8).write(to: URL(fileURLWithPath: proofPath))
        #expect(try Self.verifier(["merkle", "verify", proofPath]).stdout == #"{"valid":true}"# + "\n")
        let badPath = dir.appendingPathComponent("bad.json").path
        try Data(prove.replacingOccurrences(of: #""leaves":3"#, with: #""leaves":"3""#).utf8).write(to: URL(fileURLWithPath: badPath))
        #expect(try Self.verifier(["merkle", "verify", badPath]).stdout
            == #"{"valid":false,"reason":"malformed proof: \"leaves\" has the wrong type"}"# + "\n")
    }

    @Test func usageErrorsExitWithTwo() throws {
        let (dir, path) = try Self.checkpoint()
        #expect(try Self.verifier(["merkle", "root"]).status == 2)
        #expect(try Self.verifier(["merkle", "prove", path]).status == 2)
        #expect(try Self.verifier(["merkle", "prove", path, "--leaf", "3"]).status == 2)
        #expect(try Self.verifier(["merkle", "prove", path, "--leaf", "x"]).status == 2)
        #expect(try Self.verifier(["merkle", "verify"]).status == 2)
        #expect(try Self.verifier(["merkle", "verify", dir.appendingPathComponent("missing.json").path]).status == 2)
        let proofPath = dir.appendingPathComponent("p.json").path
        try Data(try Self.verifier(["merkle", "prove", path, "--leaf", "0"]).stdout.utf8).write(to: URL(fileURLWithPath: proofPath))
        #expect(try Self.verifier(["merkle", "verify", proofPath, "--root", "abc"]).status == 2)
    }
}
