/// A JSON value to write: documents the service builds (e.g. the answer of an attestation
/// check) are assembled from these and encoded with `encoded()`. Parsed documents are
/// `JSONDocument`s, read through `JSONCursor`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its literal text (RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object's members in the order they are written; keys must be unique.
    case object([(key: String, value: JSONValue)])
    /// JSON text written as is, e.g. a predicate kept exactly as it was signed.
    case text([UInt8])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.text(a), .text(b)): return a == b
        default: return false
        }
    }
}
