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
        let root: JSONCursor
        do { root = try JSONCursor.parse(json) } catch { throw .invalidJSON }
        guard root.isObject else { throw .notAnObject }
        let type = try Self.string(Self.field("_type", in: root))
        guard type == Self.statementType else { throw .wrongStatementType(got: type) }
        let list = try Self.field("subject", in: root)
        guard let entries = try? list.elements() else { throw .wrongFieldType(field: list.path, want: "an array") }
        var subjects: [Subject] = []
        for entry in entries {
            guard entry.isObject else { throw .wrongFieldType(field: entry.path, want: "an object") }
            let members = try Self.field("digest", in: entry)
            let wrongDigest = StatementError.wrongFieldType(field: members.path, want: "an object of strings")
            guard let pairs = try? members.members() else { throw wrongDigest }
            var digest: [String: String] = [:]
            for (algorithm, value) in pairs {
                guard let text = try? value.string(maxBytes: .max) else { throw wrongDigest }
                digest[algorithm] = text
            }
            var name: String? = nil
            if let value = Self.optionalField("name", in: entry) { name = try Self.string(value) }
            subjects.append(Subject(name: name, digest: digest))
        }
        let predicateType = try Self.string(Self.field("predicateType", in: root))
        var predicate: [UInt8] = Array("{}".utf8)
        if let value = Self.optionalField("predicate", in: root) {
            guard value.isObject else { throw .predicateNotAnObject }
            predicate = value.encoded()
        }
        try self.init(subjects: subjects, predicateType: predicateType, predicateJSON: predicate)
    }

    /// The member `name` of `object` (an object), null included: callers refuse null as the
    /// wrong type.
    private static func field(_ name: String, in object: JSONCursor) throws(StatementError) -> JSONCursor {
        guard let value = optionalField(name, in: object) else { throw .missingField(object.path(ofMember: name)) }
        return value
    }

    /// The member `name` of `object` (an object, so the lookup cannot fail), null included, or
    /// nil when absent.
    private static func optionalField(_ name: String, in object: JSONCursor) -> JSONCursor? {
        (try? object.optionalMember(name, keepingNull: true)) ?? nil
    }

    /// The string `value`, else the error naming its field.
    private static func string(_ value: JSONCursor) throws(StatementError) -> String {
        do { return try value.string(maxBytes: .max) } catch { throw .wrongFieldType(field: value.path, want: "a string") }
    }
}

extension InTotoStatement {
    /// A DSSE envelope of this statement (payloadType `application/vnd.in-toto+json`) signed by `key`.
    public func signed(by key: SigningKey) -> DSSEEnvelope {
        DSSEEnvelope.sign(payload: jsonBytes(), payloadType: Self.payloadType, key: key)
    }
}
