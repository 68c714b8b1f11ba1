import Foundation
import TestSupport
import Testing
import Verification

/// Runs tools/eip712_reference.py (pycryptodome, eth-account) for the EIP-712 and Keccak tests.
enum EIP712Reference {
    static let script = "eip712_reference.py"

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// pycryptodome's Keccak-256 of each message, lower-case hex.
    static func keccak(_ messages: [[UInt8]]) throws -> [String] {
        let output = try run("keccak", messages.map { Hex.encode($0) }.joined(separator: "\n") + "\n")
        return output.split(separator: "\n").map(String.init)
    }

    /// eth-account's signature of each typed data (JSON text) with its private key:
    /// [{"address", "digest", "signature"}], in order.
    static func sign(_ items: [(typedData: String, privateKey: [UInt8])]) throws -> [[String: String]] {
        let request = "[" + items.map { "{\"privateKey\":\"\(Hex.encode($0.privateKey))\",\"typedData\":\($0.typedData)}" }
            .joined(separator: ",") + "]"
        let output = try run("sign", request)
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: String]] ?? []
    }

    /// Runs one subcommand on `input` (written to a file); its standard output, or a thrown failure.
    static func run(_ command: String, _ input: String) throws -> String {
        let directory = try Scratch.directory("attest")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input").path
        try Data(input.utf8).write(to: URL(fileURLWithPath: path))
        let result = try Python.run(script, [command, path])
        guard result.status == 0 else { throw Failed(description: "eip712_reference.py \(command): \(result.stderr) \(result.stdout)") }
        return result.stdout
    }
}
