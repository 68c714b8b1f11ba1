/// Why a JSON document was refused: the dotted path of the offending field and what was wrong.
public struct JSONFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Path of the field, e.g. `steps[3].gradientRoot`; empty for the whole document.
    public let field: String
    /// What is wrong, e.g. "must be 64 hex characters".
    public let reason: String
    /// The limit that was exceeded, when the error is a limit.
    public let limit: Int?
    /// Set when the document is not JSON at all (as opposed to JSON with a bad field).
    public let syntax: JSONSyntaxError?

    public init(field: String, reason: String, limit: Int? = nil, syntax: JSONSyntaxError? = nil) {
        self.field = field
        self.reason = reason
        self.limit = limit
        self.syntax = syntax
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

/// A cursor over strictly parsed JSON that remembers its path, so every error names its field.
public struct JSONCursor {
    let value: JSONValue
    /// Dotted path of this value within the document.
    public let path: String

    /// Parses `bytes` as a strict JSON document (see `StrictJSONParser`).
    public static func parse(_ bytes: [UInt8]) throws(JSONFieldError) -> JSONCursor {
        do {
            return JSONCursor(value: try StrictJSONParser().parse(bytes), path: "")
        } catch {
            throw JSONFieldError(field: "", reason: "body is not valid JSON: \(error)", syntax: error)
        }
    }

    init(value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ reason: String, limit: Int? = nil) -> JSONFieldError {
        JSONFieldError(field: path, reason: reason, limit: limit)
    }

    private func members() throws(JSONFieldError) -> [(key: String, value: JSONValue)] {
        guard case let .object(m) = value else { throw fail("must be an object") }
        return m
    }

    /// The member `key` of this object; an error when absent or null.
    public func member(_ key: String) throws(JSONFieldError) -> JSONCursor {
        guard let c = try optionalMember(key) else { throw JSONFieldError(field: child(key), reason: "is required") }
        return c
    }

    /// The member `key` of this object, or nil when absent or null.
    public func optionalMember(_ key: String) throws(JSONFieldError) -> JSONCursor? {
        guard let v = try members().first(where: { $0.key == key })?.value, v != .null else { return nil }
        return JSONCursor(value: v, path: child(key))
    }

    /// Refuses members other than `allowed`, so typos do not pass silently.
    public func onlyMembers(_ allowed: Set<String>) throws(JSONFieldError) {
        for (key, _) in try members() where !allowed.contains(key) {
            throw JSONFieldError(field: child(key), reason: "is not a known field")
        }
    }

    /// The elements of this array, at most `maxCount`.
    public func array(maxCount: Int) throws(JSONFieldError) -> [JSONCursor] {
        guard case let .array(a) = value else { throw fail("must be an array") }
        guard a.count <= maxCount else { throw fail("has \(a.count) elements, more than the limit of \(maxCount)", limit: maxCount) }
        return a.enumerated().map { JSONCursor(value: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A string of at most `maxBytes` UTF-8 bytes.
    public func string(maxBytes: Int) throws(JSONFieldError) -> String {
        guard case let .string(s) = value else { throw fail("must be a string") }
        guard s.utf8.count <= maxBytes else { throw fail("is \(s.utf8.count) bytes, more than the limit of \(maxBytes)", limit: maxBytes) }
        return s
    }

    /// An integer in `range`, written without fraction or exponent.
    public func int(in range: ClosedRange<Int>) throws(JSONFieldError) -> Int {
        guard case let .number(literal) = value else { throw fail("must be an integer") }
        guard literal.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) }) else {
            throw fail("must be an integer written without fraction or exponent")
        }
        guard let i = Int(literal) else { throw fail("is out of range", limit: range.upperBound) }
        guard range.contains(i) else {
            throw fail("must be between \(range.lowerBound) and \(range.upperBound), got \(i)", limit: i > range.upperBound ? range.upperBound : range.lowerBound)
        }
        return i
    }

    /// A finite number: the literal correctly rounded to binary64.
    public func double() throws(JSONFieldError) -> Double {
        guard case let .number(literal) = value else { throw fail("must be a number") }
        guard let d = Double(literal), d.isFinite else { throw fail("must be a finite number") }
        return d
    }

    /// This value, which must be an object, as compact JSON text (members in document order,
    /// number literals as written), e.g. to hand a nested document to its own parser.
    public func objectText() throws(JSONFieldError) -> [UInt8] {
        guard case .object = value else { throw fail("must be an object") }
        return value.encoded()
    }

    /// A 32-byte digest written as 64 hex characters.
    public func digest() throws(JSONFieldError) -> Digest {
        guard case let .string(s) = value, let d = Digest(hex: s) else { throw fail("must be 64 hex characters (a SHA-256 digest)") }
        return d
    }
}
