internal import Foundation

/// Why a JSON document was refused: the dotted path of the offending field and what was wrong.
public struct JSONFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Path of the field, e.g. `steps[3].gradientRoot`; empty for the whole document.
    public let field: String
    /// What is wrong, e.g. "must be 64 hex characters".
    public let reason: String
    /// The limit that was exceeded, when the error is a limit.
    public let limit: Int?

    public init(field: String, reason: String, limit: Int? = nil) {
        self.field = field
        self.reason = reason
        self.limit = limit
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

/// A cursor over parsed JSON that remembers its path, so every error names its field.
public struct JSONCursor {
    let value: Any
    /// Dotted path of this value within the document.
    public let path: String

    /// Parses `bytes` as a JSON object document.
    public static func parse(_ bytes: [UInt8]) throws(JSONFieldError) -> JSONCursor {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes), options: []) } catch {
            throw JSONFieldError(field: "", reason: "body is not valid JSON")
        }
        return JSONCursor(value: object, path: "")
    }

    init(value: Any, path: String) {
        self.value = value
        self.path = path
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ reason: String, limit: Int? = nil) -> JSONFieldError {
        JSONFieldError(field: path, reason: reason, limit: limit)
    }

    /// The member `key` of this object; an error when absent.
    public func member(_ key: String) throws(JSONFieldError) -> JSONCursor {
        guard let dict = value as? [String: Any] else { throw fail("must be an object") }
        guard let v = dict[key], !(v is NSNull) else { throw JSONFieldError(field: child(key), reason: "is required") }
        return JSONCursor(value: v, path: child(key))
    }

    /// The member `key` of this object, or nil when absent or null.
    public func optionalMember(_ key: String) throws(JSONFieldError) -> JSONCursor? {
        guard let dict = value as? [String: Any] else { throw fail("must be an object") }
        guard let v = dict[key], !(v is NSNull) else { return nil }
        return JSONCursor(value: v, path: child(key))
    }

    /// Refuses members other than `allowed`, so typos do not pass silently.
    public func onlyMembers(_ allowed: Set<String>) throws(JSONFieldError) {
        guard let dict = value as? [String: Any] else { throw fail("must be an object") }
        for key in dict.keys.sorted() where !allowed.contains(key) {
            throw JSONFieldError(field: child(key), reason: "is not a known field")
        }
    }

    /// The elements of this array, at most `maxCount`.
    public func array(maxCount: Int) throws(JSONFieldError) -> [JSONCursor] {
        guard let a = value as? [Any] else { throw fail("must be an array") }
        guard a.count <= maxCount else { throw fail("has \(a.count) elements, more than the limit of \(maxCount)", limit: maxCount) }
        return a.enumerated().map { JSONCursor(value: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A string of at most `maxBytes` UTF-8 bytes.
    public func string(maxBytes: Int) throws(JSONFieldError) -> String {
        guard let s = value as? String else { throw fail("must be a string") }
        guard s.utf8.count <= maxBytes else { throw fail("is \(s.utf8.count) bytes, more than the limit of \(maxBytes)", limit: maxBytes) }
        return s
    }

    /// An integer in `range`.
    public func int(in range: ClosedRange<Int>) throws(JSONFieldError) -> Int {
        guard let n = value as? NSNumber, !isBool(n) else { throw fail("must be an integer") }
        let d = n.doubleValue
        guard d == d.rounded(), abs(d) < 9.0e15 else { throw fail("must be an integer") }
        let i = Int(d)
        guard range.contains(i) else {
            throw fail("must be between \(range.lowerBound) and \(range.upperBound), got \(i)", limit: i > range.upperBound ? range.upperBound : range.lowerBound)
        }
        return i
    }

    /// A finite number (JSON numbers are parsed as binary64).
    public func double() throws(JSONFieldError) -> Double {
        guard let n = value as? NSNumber, !isBool(n) else { throw fail("must be a number") }
        let d = n.doubleValue
        guard d.isFinite else { throw fail("must be finite") }
        return d
    }

    /// A 32-byte digest written as 64 hex characters.
    public func digest() throws(JSONFieldError) -> Digest {
        guard let s = value as? String, let d = Digest(hex: s) else { throw fail("must be 64 hex characters (a SHA-256 digest)") }
        return d
    }

    private func isBool(_ n: NSNumber) -> Bool {
        // swift-corelibs-foundation bridges JSON true/false to NSNumber of type "c".
        String(cString: n.objCType) == "c" && (value is Bool)
    }
}
