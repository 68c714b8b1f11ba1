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
        case .invalidJSON: "statement is not strict JSON (RFC 8259, valid UTF-8, no repeated keys)"
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
    /// Parses a statement, e.g. a verified DSSE payload, with the strict parser (valid UTF-8,
    /// no duplicate keys anywhere, so no two readers can see different statements in the same
    /// signed bytes). "_type" must be exactly `statementType`; a missing "predicate" reads as
    /// `{}` (the spec treats unset as empty). `predicateJSON` of the result is the
    /// predicate as signed minus insignificant whitespace: members in document order, number
    /// literals exactly as written.
    public init(json: [UInt8]) throws(StatementError) {
        let root: JSONNode
        do {
            root = try StrictJSONParser().parse(json).root
        } catch {
            throw .invalidJSON
        }
        guard root.kind == .object else { throw .notAnObject }
        guard let type = try Self.field("_type", in: root).string else {
            throw .wrongFieldType(field: "_type", want: "a string")
        }
        guard type == Self.statementType else { throw .wrongStatementType(got: type) }
        let list = try Self.field("subject", in: root)
        guard list.kind == .array else { throw .wrongFieldType(field: "subject", want: "an array") }
        var subjects: [Subject] = []
        for (i, entry) in list.elements.enumerated() {
            guard entry.kind == .object else { throw .wrongFieldType(field: "subject[\(i)]", want: "an object") }
            let path = "subject[\(i)]."
            let members = try Self.field("digest", in: entry, path: path)
            guard members.kind == .object else { throw .wrongFieldType(field: path + "digest", want: "an object of strings") }
            var digest: [String: String] = [:]
            for (algorithm, value) in members.members {
                guard let text = value.string else { throw .wrongFieldType(field: path + "digest", want: "an object of strings") }
                digest[algorithm] = text
            }
            var name: String? = nil
            if let value = entry["name"] {
                guard let text = value.string else { throw .wrongFieldType(field: path + "name", want: "a string") }
                name = text
            }
            subjects.append(Subject(name: name, digest: digest))
        }
        guard let predicateType = try Self.field("predicateType", in: root).string else {
            throw .wrongFieldType(field: "predicateType", want: "a string")
        }
        var predicate: [UInt8] = Array("{}".utf8)
        if let value = root["predicate"] {
            guard value.kind == .object else { throw .predicateNotAnObject }
            predicate = value.encoded()
        }
        try self.init(subjects: subjects, predicateType: predicateType, predicateJSON: predicate)
    }

    /// The member `name` of `object` (null included: callers refuse it as the wrong type).
    private static func field(_ name: String, in object: JSONNode, path: String = "") throws(StatementError) -> JSONNode {
        guard let value = object[name] else { throw .missingField(path + name) }
        return value
    }
}

extension InTotoStatement {
    /// A DSSE envelope of this statement (payloadType `application/vnd.in-toto+json`) signed by `key`.
    public func signed(by key: SigningKey) -> DSSEEnvelope {
        DSSEEnvelope.sign(payload: jsonBytes(), payloadType: Self.payloadType, key: key)
    }
}
