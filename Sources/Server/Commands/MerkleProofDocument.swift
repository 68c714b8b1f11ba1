internal import Foundation
internal import Verification

/// The JSON form of a checkpoint leaf's inclusion proof, as `merkle prove` prints it and
/// `merkle verify` reads it: {"root", "leaves", "index", "leafHash", "proof": [hex...]}.
struct MerkleProofDocument: Decodable {
    var root: String
    var leaves: Int
    var index: Int
    var leafHash: String
    var proof: [String]

    /// One line of JSON with the keys in the documented order.
    var json: String {
        let document = JSONValue.object([
            ("root", .string(root)), ("leaves", .number(String(leaves))), ("index", .number(String(index))),
            ("leafHash", .string(leafHash)), ("proof", .array(proof.map { .string($0) })),
        ])
        return String(decoding: document.encoded(), as: UTF8.self)
    }

    init(root: String, leaves: Int, index: Int, leafHash: String, proof: [String]) {
        self.root = root
        self.leaves = leaves
        self.index = index
        self.leafHash = leafHash
        self.proof = proof
    }

    /// Parses the JSON form; throws `Malformed` naming the offending field.
    init(json data: Data) throws {
        // The strict parser first (duplicate members, trailing bytes, lone surrogates are
        // refused as everywhere else); the decoder then only maps the accepted document.
        do { _ = try JSONCursor.parse(Array(data)) } catch { throw Malformed(reason: "\(error)") }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Malformed(reason: "\"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Malformed(reason: field.isEmpty ? "not a JSON object" : "\"\(field)\" has the wrong type")
        } catch {
            throw Malformed(reason: "\(error)")
        }
    }

    /// A proof document that cannot be read.
    struct Malformed: Error, CustomStringConvertible {
        let reason: String
        var description: String { "malformed proof: \(reason)" }
    }
}
