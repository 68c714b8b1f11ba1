import Foundation
import TestSupport
import Verification

/// One Ed25519 case in the speccheck file format: message, public key and signature, all hex.
struct Ed25519Case: Codable, Sendable {
    let message: String
    let pub_key: String
    let signature: String
    var condition: String?

    init(message: [UInt8], publicKey: [UInt8], signature: [UInt8], condition: String) {
        self.message = Hex.encode(message)
        self.pub_key = Hex.encode(publicKey)
        self.signature = Hex.encode(signature)
        self.condition = condition
    }

    /// True when this code accepts the case: the key imports and the signature is valid under it.
    var acceptedBySwift: Bool {
        guard let key = try? PublicKey(rawBytes: Hex.decode(pub_key)!) else { return false }
        return key.isValidSignature(Hex.decode(signature)!, for: Hex.decode(message)!)
    }

    /// The cases of a JSON file (an array of objects with these members).
    static func load(_ path: String) throws -> [Ed25519Case] {
        try JSONDecoder().decode([Ed25519Case].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// libsodium's verdict on each case, from tools/ed25519_strict_reference.py (PyNaCl).
    static func libsodiumAccepts(_ cases: [Ed25519Case]) throws -> [Bool] {
        let path = try Scratch.directory("attest").appendingPathComponent("cases.json").path
        try JSONEncoder().encode(cases).write(to: URL(fileURLWithPath: path))
        let result = try Python.run("ed25519_strict_reference.py", ["verify", path])
        guard result.status == 0 else { throw ReferenceFailure(stderr: result.stderr) }
        return try JSONDecoder().decode([Bool].self, from: Data(result.stdout.utf8))
    }

    struct ReferenceFailure: Error {
        let stderr: String
    }
}
