/// A cursor over a strictly parsed JSON document that remembers its path, so every error
/// names its field.
public struct JSONCursor: Sendable {
    let node: JSONNode
    private let parentPath: String
    private let step: String?
    private let index: Int?

    /// Dotted path of this value within the document, e.g. `steps[3].gradientRoot`.
    public var path: String {
        if let index { return "\(parentPath)[\(index)]" }
        guard let step else { return parentPath }
        return parentPath.isEmpty ? step : "\(parentPath).\(step)"
    }

    /// Parses `bytes` as a strict JSON document (see `StrictJSONParser`) of the given `shape`:
    /// a value of the wrong container kind or an unknown member is refused while parsing, at
    /// its first byte, so nothing after it is read or stored.
    public static func parse(_ bytes: [UInt8], shape: JSONShape = .any) throws(JSONFieldError) -> JSONCursor {
        JSONCursor(node: try StrictJSONParser().parse(bytes, shape: shape).root, parentPath: "", step: nil, index: nil)
    }

    init(node: JSONNode, parentPath: String, step: String?, index: Int?) {
        self.node = node
        self.parentPath = parentPath
        self.step = step
        self.index = index
    }

    func fail(_ reason: String, limit: Int? = nil) -> JSONFieldError {
        JSONFieldError(field: path, reason: reason, limit: limit)
    }

    private func requireObject() throws(JSONFieldError) {
        guard node.kind == .object else { throw fail("must be an object") }
    }

    /// The path of this object's member `key`, present or not.
    public func path(ofMember key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key` of this object; an error when absent or null.
    public func member(_ key: String) throws(JSONFieldError) -> JSONCursor {
        guard let c = try optionalMember(key) else {
            throw JSONFieldError(field: path(ofMember: key), reason: "is required")
        }
        return c
    }

    /// The member `key` of this object, or nil when absent or, unless `keepingNull` (for readers
    /// that refuse a null member as the wrong type rather than as missing), null.
    public func optionalMember(_ key: String, keepingNull: Bool = false) throws(JSONFieldError) -> JSONCursor? {
        try requireObject()
        guard let v = node[key], keepingNull || !v.isNull else { return nil }
        return JSONCursor(node: v, parentPath: path, step: key, index: nil)
    }

    /// Refuses members other than `allowed`, so typos do not pass silently.
    public func onlyMembers(_ allowed: Set<String>) throws(JSONFieldError) {
        try requireObject()
        for (key, _) in node.members where !allowed.contains(key) {
            throw JSONFieldError(field: path(ofMember: key), reason: "is not a known field")
        }
    }

    /// The members of this object in document order, each made as it is reached, so a reader
    /// that refuses a member stops there.
    public func members() throws(JSONFieldError) -> some Sequence<(key: String, value: JSONCursor)> {
        try requireObject()
        let base = path
        return node.members.lazy.map { (key: $0.key, value: JSONCursor(node: $0.value, parentPath: base, step: $0.key, index: nil)) }
    }

    /// The number of elements of this array.
    public func count() throws(JSONFieldError) -> Int {
        guard node.kind == .array else { throw fail("must be an array") }
        return node.count
    }

    /// The elements of this array in order, each made as it is reached, so a reader that
    /// refuses an element stops there.
    public func elements() throws(JSONFieldError) -> some Sequence<JSONCursor> {
        guard node.kind == .array else { throw fail("must be an array") }
        let base = path
        return node.elements.enumerated().lazy.map { JSONCursor(node: $0.element, parentPath: base, step: nil, index: $0.offset) }
    }

    /// The elements of this array, at most `maxCount`.
    public func array(maxCount: Int) throws(JSONFieldError) -> [JSONCursor] {
        let n = try count()
        guard n <= maxCount else { throw fail("has \(n) elements, more than the limit of \(maxCount)", limit: maxCount) }
        let base = path
        return node.elements.enumerated().map { JSONCursor(node: $0.element, parentPath: base, step: nil, index: $0.offset) }
    }

    /// A string of at most `maxBytes` UTF-8 bytes.
    public func string(maxBytes: Int) throws(JSONFieldError) -> String {
        guard let s = node.string else { throw fail("must be a string") }
        guard s.utf8.count <= maxBytes else { throw fail("is \(s.utf8.count) bytes, more than the limit of \(maxBytes)", limit: maxBytes) }
        return s
    }

    /// An integer in `range`, written without fraction or exponent.
    public func int(in range: ClosedRange<Int>) throws(JSONFieldError) -> Int {
        guard let literal = node.numberLiteral else { throw fail("must be an integer") }
        guard literal.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) }) else {
            throw fail("must be an integer written without fraction or exponent")
        }
        guard let i = Int(literal) else { throw fail("is out of range", limit: range.upperBound) }
        guard range.contains(i) else {
            throw fail("must be between \(range.lowerBound) and \(range.upperBound), got \(i)", limit: i > range.upperBound ? range.upperBound : range.lowerBound)
        }
        return i
    }

    /// A JSON `true` or `false`.
    public func bool() throws(JSONFieldError) -> Bool {
        switch node.kind {
        case .true: return true
        case .false: return false
        default: throw fail("must be true or false")
        }
    }

    /// A finite number: the literal correctly rounded to binary64.
    public func double() throws(JSONFieldError) -> Double {
        guard let literal = node.numberLiteral else { throw fail("must be a number") }
        guard let d = Double(literal), d.isFinite else { throw fail("must be a finite number") }
        return d
    }

    /// Whether this value is an object.
    public var isObject: Bool { node.kind == .object }

    /// This value as compact JSON text (members in document order, number literals as written).
    public func encoded() -> [UInt8] { node.encoded() }

    /// This value, which must be an object, as compact JSON text, e.g. to hand a nested
    /// document to its own parser.
    public func objectText() throws(JSONFieldError) -> [UInt8] {
        try requireObject()
        return node.encoded()
    }

    /// A 32-byte digest written as 64 hex characters.
    public func digest() throws(JSONFieldError) -> Digest {
        guard let s = node.string, let d = Digest(hex: s) else { throw fail("must be 64 hex characters (a SHA-256 digest)") }
        return d
    }
}
