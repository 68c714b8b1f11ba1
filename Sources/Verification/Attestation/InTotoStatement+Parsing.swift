internal import Foundation

/// Why bytes or values do not make an in-toto Statement v1.
public enum StatementError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidJSON
    case notAnObject
    case wrongStatementType(got: String)
    case missingField(String)
    case wrongFieldType(field: String, want: String)
    case noSubjects
    case emptyDigest(subject: Int)
    case invalidDigestValue(subject: Int, algorithm: String, value: String)
    case emptyPredicateType
    case predicateNotAnObject
    case predicateEncodingFailed(String)
    case predicateDecodingFailed(String)

    public var description: String {
        switch self {
        case .invalidJSON: "statement is not valid JSON"
        case .notAnObject: "statement is not a JSON object"
        case let .wrongStatementType(got): "statement _type is \"\(got)\", want \"\(InTotoStatement.statementType)\""
        case let .missingField(field): "statement lacks \"\(field)\""
        case let .wrongFieldType(field, want): "statement field \"\(field)\" is not \(want)"
        case .noSubjects: "statement has no subjects"
        case let .emptyDigest(subject): "subject[\(subject)] has no digest"
        case let .invalidDigestValue(subject, algorithm, value):
            "subject[\(subject)] digest \(algorithm) is not lower-case hex: \"\(value.prefix(80))\""
        case .emptyPredicateType: "statement predicateType is empty"
        case .predicateNotAnObject: "predicate is not a JSON object"
        case let .predicateEncodingFailed(reason): "predicate could not be encoded: \(reason)"
        case let .predicateDecodingFailed(reason): "predicate could not be decoded: \(reason)"
        }
    }
}

extension InTotoStatement {
    /// Parses a statement, e.g. a verified DSSE payload. "_type" must be exactly
    /// `statementType`; a missing "predicate" reads as `{}` (the spec treats unset as empty).
    /// `predicateJSON` of the result is the predicate re-encoded with sorted keys: equal in
    /// value to the signed bytes, not necessarily equal byte for byte (`1.0` becomes `1`).
    public init(json: [UInt8]) throws(StatementError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw .invalidJSON
        }
        guard let object = parsed as? [String: Any] else { throw .notAnObject }
        let type: String = try Self.field("_type", in: object, want: "a string")
        guard type == Self.statementType else { throw .wrongStatementType(got: type) }
        let list: [Any] = try Self.field("subject", in: object, want: "an array")
        var subjects: [Subject] = []
        for (i, entry) in list.enumerated() {
            guard let entry = entry as? [String: Any] else { throw .wrongFieldType(field: "subject[\(i)]", want: "an object") }
            let digest: [String: String] = try Self.field("digest", in: entry, want: "an object of strings", path: "subject[\(i)].")
            var name: String? = nil
            if entry["name"] != nil {
                name = try Self.field("name", in: entry, want: "a string", path: "subject[\(i)].") as String
            }
            subjects.append(Subject(name: name, digest: digest))
        }
        let predicateType: String = try Self.field("predicateType", in: object, want: "a string")
        var predicate: [String: Any] = [:]
        if object["predicate"] != nil {
            guard let value = object["predicate"] as? [String: Any] else { throw .predicateNotAnObject }
            predicate = value
        }
        let bytes: Data
        do {
            bytes = try JSONSerialization.data(withJSONObject: predicate, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw .predicateEncodingFailed(String(describing: error))
        }
        try self.init(subjects: subjects, predicateType: predicateType, predicateJSON: Array(bytes))
    }

    private static func field<T>(_ name: String, in object: [String: Any], want: String, path: String = "") throws(StatementError) -> T {
        guard let value = object[name] else { throw .missingField(path + name) }
        guard let typed = value as? T else { throw .wrongFieldType(field: path + name, want: want) }
        return typed
    }
}

extension InTotoStatement {
    /// A DSSE envelope of this statement (payloadType `application/vnd.in-toto+json`) signed by `key`.
    public func signed(by key: SigningKey) -> DSSEEnvelope {
        DSSEEnvelope.sign(payload: jsonBytes(), payloadType: Self.payloadType, key: key)
    }
}
