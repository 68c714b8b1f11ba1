/// An ordered list of header fields with case-insensitive name lookup.
///
/// Names and values live in one byte array with offsets, so a parsed request's headers cost two
/// allocations in total rather than two per field; Strings are made only when a value is read.
public struct HTTPHeaders: Sendable, Sequence, Equatable, ExpressibleByDictionaryLiteral {
    struct Field: Sendable {
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    private(set) var storage: [UInt8]
    private(set) var fields: [Field]

    public init() {
        storage = []
        fields = []
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init()
        for (name, value) in elements { add(name: name, value: value) }
    }

    /// Headers over `storage`, whose fields the parser has already located and validated.
    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// The number of fields (a name given twice counts twice).
    public var count: Int { fields.count }

    /// Appends a field. Requires a token name and a value without CR, LF or NUL (response splitting).
    public mutating func add(name: String, value: String) {
        precondition(!name.isEmpty && name.utf8.allSatisfy(ByteClass.isTokenChar), "invalid header name \(name)")
        precondition(value.utf8.allSatisfy { $0 != ByteClass.cr && $0 != ByteClass.lf && $0 != 0 },
                     "header value for \(name) contains CR, LF or NUL")
        let nameStart = Int32(storage.count)
        storage.append(contentsOf: name.utf8)
        let nameEnd = Int32(storage.count)
        storage.append(contentsOf: value.utf8)
        fields.append(Field(nameStart: nameStart, nameEnd: nameEnd, valueStart: nameEnd, valueEnd: Int32(storage.count)))
    }

    /// Replaces every field called `name` with one field holding `value`.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field called `name` (case-insensitive).
    public mutating func remove(name: String) {
        let kept = fields.filter { !matches($0, name) }
        fields = kept
    }

    /// The first value of the field called `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        guard let f = fields.first(where: { matches($0, name) }) else { return nil }
        return value(of: f)
    }

    /// Every value of the fields called `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { matches($0, name) }.map(value(of:))
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { matches($0, name) }
    }

    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
        fields.lazy.map { (name: self.name(of: $0), value: self.value(of: $0)) }.makeIterator()
    }

    /// Equal when both hold the same names and values in the same order (names compared exactly).
    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { x, y in
            a.storage[Int(x.nameStart)..<Int(x.nameEnd)].elementsEqual(b.storage[Int(y.nameStart)..<Int(y.nameEnd)])
                && a.storage[Int(x.valueStart)..<Int(x.valueEnd)].elementsEqual(b.storage[Int(y.valueStart)..<Int(y.valueEnd)])
        }
    }

    /// Writes every field as `name: value\r\n` to `out`, except the framing fields the server
    /// sets itself (Content-Length, Transfer-Encoding, Connection, Date), so a handler cannot
    /// produce a response with two conflicting lengths.
    func write(to out: inout [UInt8]) {
        storage.withUnsafeBufferPointer { s in
            for f in fields {
                let name = UnsafeBufferPointer(rebasing: s[Int(f.nameStart)..<Int(f.nameEnd)])
                if Self.isServerOwned(name) { continue }
                out.append(contentsOf: name)
                out.append(ByteClass.colon)
                out.append(ByteClass.space)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[Int(f.valueStart)..<Int(f.valueEnd)]))
                out.append(ByteClass.cr)
                out.append(ByteClass.lf)
            }
        }
    }

    private static func isServerOwned(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 4: return ByteClass.equalsLowercase(name, "date")
        case 10: return ByteClass.equalsLowercase(name, "connection")
        case 14: return ByteClass.equalsLowercase(name, "content-length")
        case 17: return ByteClass.equalsLowercase(name, "transfer-encoding")
        default: return false
        }
    }

    private func matches(_ f: Field, _ name: String) -> Bool {
        let length = Int(f.nameEnd - f.nameStart)
        guard name.utf8.count == length else { return false }
        var i = Int(f.nameStart)
        for c in name.utf8 {
            if ByteClass.lower(storage[i]) != ByteClass.lower(c) { return false }
            i += 1
        }
        return true
    }

    private func name(of f: Field) -> String {
        String(decoding: storage[Int(f.nameStart)..<Int(f.nameEnd)], as: UTF8.self)
    }

    private func value(of f: Field) -> String {
        String(decoding: storage[Int(f.valueStart)..<Int(f.valueEnd)], as: UTF8.self)
    }
}
