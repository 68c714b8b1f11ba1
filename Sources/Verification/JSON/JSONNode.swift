/// One value of a parsed `JSONDocument`: a cheap handle (the document and a tape index) whose
/// accessors decode on demand.
struct JSONNode: Sendable {
    let document: JSONDocument
    let index: Int

    var kind: JSONKind { document.kind(index) }

    /// The string, or nil when this is not a string.
    var string: String? { kind == .string ? document.string(index) : nil }

    /// The number's literal text as written, or nil when this is not a number.
    var numberLiteral: String? { kind == .number ? document.numberLiteral(index) : nil }

    var isNull: Bool { kind == .null }

    /// The elements of an array (nothing for any other kind), in order.
    var elements: Children { Children(document: document, start: index + 1, end: kind == .array ? document.next(index) : index + 1) }

    /// The number of elements of an array, or of members of an object; 0 for a scalar.
    var count: Int {
        var n = 0
        var child = index + 1
        let end = kind == .array || kind == .object ? document.next(index) : child
        while child < end {
            n += 1
            child = document.next(child)
            if kind == .object { child = document.next(child) }
        }
        return n
    }

    /// The members of an object (nothing for any other kind) in document order, keys decoded.
    var members: Members { Members(document: document, start: index + 1, end: kind == .object ? document.next(index) : index + 1) }

    /// The member `key` of an object, nil for a missing key or a non-object.
    subscript(key: String) -> JSONNode? {
        guard kind == .object else { return nil }
        var child = index + 1
        let end = document.next(index)
        while child < end {
            if document.stringEquals(child, key.utf8) { return JSONNode(document: document, index: child + 1) }
            child = document.next(child + 1)
        }
        return nil
    }

    /// Compact JSON text of this value: members in document order, number literals as written.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        document.write(index, into: &out)
        return out
    }

    /// The children of a container, each skipped over in one step.
    struct Children: Sequence, IteratorProtocol {
        let document: JSONDocument
        var start: Int
        let end: Int

        mutating func next() -> JSONNode? {
            guard start < end else { return nil }
            defer { start = document.next(start) }
            return JSONNode(document: document, index: start)
        }
    }

    /// The members of an object, each key decoded as it is reached.
    struct Members: Sequence, IteratorProtocol {
        let document: JSONDocument
        var start: Int
        let end: Int

        mutating func next() -> (key: String, value: JSONNode)? {
            guard start < end else { return nil }
            let key = start, value = start + 1
            start = document.next(value)
            return (document.string(key), JSONNode(document: document, index: value))
        }
    }
}
