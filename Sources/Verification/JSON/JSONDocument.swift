internal import JSONWriter

/// The kind of a JSON value.
enum JSONKind: UInt64, Sendable {
    case null, `false`, `true`, number, string, array, object
}

/// A parsed JSON document in compact form: the source bytes and a tape of one 8-byte entry per
/// value (and per object key), so a document of n bytes costs at most about 4n bytes (the worst
/// case is an array of one-digit numbers, two bytes per value) where a tree of enums cost about
/// 30 (measured: 495 MiB for a 16 MiB array of zeros, a heap string per number).
///
/// An entry holds the value's kind in its top 3 bits. Numbers and strings store the offset of
/// their first byte in the source (the text is re-read on access; a string's bit 60 says
/// whether it has escapes); arrays and objects store the tape index just past their last
/// descendant, so a reader skips a subtree in one step. An object's children alternate key
/// (a string entry) and value. The tape is kept in chunks of `chunkSize` entries, so building
/// it never copies more than one chunk at a time.
final class JSONDocument: Sendable {
    /// Entries per tape chunk (64 KiB of entries).
    static let chunkSize = 1 << chunkShift
    static let chunkShift = 13
    static let escapedBit: UInt64 = 1 << 60
    static let payloadMask: UInt64 = (1 << 60) - 1

    /// The document's text, valid strict JSON.
    let bytes: [UInt8]
    private let chunks: [[UInt64]]

    init(bytes: [UInt8], chunks: [[UInt64]]) {
        self.bytes = bytes
        self.chunks = chunks
    }

    /// The root value.
    var root: JSONNode { JSONNode(document: self, index: 0) }

    /// Bytes held by the tape (its chunks' capacity), excluding the source text.
    var tapeBytes: Int { chunks.reduce(0) { $0 + $1.capacity } * MemoryLayout<UInt64>.stride }

    func entry(_ index: Int) -> UInt64 {
        chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)]
    }

    func kind(_ index: Int) -> JSONKind { JSONKind(rawValue: entry(index) >> 61)! }

    /// The tape index just past the value at `index` and its descendants.
    func next(_ index: Int) -> Int {
        let e = entry(index)
        switch JSONKind(rawValue: e >> 61)! {
        case .array, .object: return Int(e & Self.payloadMask)
        default: return index + 1
        }
    }

    /// Source offset of a number or string (a string's opening quote).
    func offset(_ index: Int) -> Int { Int(entry(index) & Self.payloadMask) }

    /// Whether the string at `index` contains escapes.
    func isEscaped(_ index: Int) -> Bool { entry(index) & Self.escapedBit != 0 }

    /// The source range of the string at `index`, quotes excluded.
    func stringRange(_ index: Int) -> Range<Int> { Self.stringRange(in: bytes, quoteAt: offset(index)) }

    /// The range of a validated string's text whose opening quote is at `offset`, quotes excluded.
    static func stringRange(in bytes: [UInt8], quoteAt offset: Int) -> Range<Int> {
        let start = offset + 1
        var end = start
        while bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
        return start..<end
    }

    /// The decoded string at `index`.
    func string(_ index: Int) -> String {
        let range = stringRange(index)
        guard isEscaped(index) else { return String(decoding: bytes[range], as: UTF8.self) }
        return String(decoding: Array(JSONUnescaper(bytes: bytes, range: range)), as: UTF8.self)
    }

    /// Whether the string at `index` decodes to exactly `key`'s UTF-8 bytes.
    func stringEquals(_ index: Int, _ key: some Collection<UInt8>) -> Bool {
        let range = stringRange(index)
        guard isEscaped(index) else { return bytes[range].elementsEqual(key) }
        return JSONUnescaper(bytes: bytes, range: range).elementsEqual(key)
    }

    /// Orders two validated strings of `bytes` (given by their text ranges and whether they
    /// have escapes) by their decoded bytes: negative, zero or positive.
    static func compareStrings(_ bytes: [UInt8], _ a: Range<Int>, _ aEscaped: Bool, _ b: Range<Int>, _ bEscaped: Bool) -> Int {
        if !aEscaped, !bEscaped { return compare(bytes[a], bytes[b]) }
        return compare(JSONUnescaper(bytes: bytes, range: a), JSONUnescaper(bytes: bytes, range: b))
    }

    private static func compare(_ a: some Sequence<UInt8>, _ b: some Sequence<UInt8>) -> Int {
        var ia = a.makeIterator(), ib = b.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }

    /// The literal text of the number at `index`, as written.
    func numberLiteral(_ index: Int) -> String {
        let start = offset(index)
        var end = start
        while end < bytes.count, Self.isNumberByte(bytes[end]) { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    /// Appends the compact JSON text of the value at `index` (members in document order, number
    /// literals as written, strings escaped as `JSONValue` writes them).
    func write(_ index: Int, into out: inout [UInt8]) {
        switch kind(index) {
        case .null: out += Array("null".utf8)
        case .false: out += Array("false".utf8)
        case .true: out += Array("true".utf8)
        case .number: out += Array(numberLiteral(index).utf8)
        case .string:
            let range = stringRange(index)
            if isEscaped(index) {
                JSONText.appendString(JSONUnescaper(bytes: bytes, range: range), to: &out, escaping: .minimal)
            } else {
                // Without escapes the text has no quote, backslash or control character.
                out.append(UInt8(ascii: "\""))
                out += bytes[range]
                out.append(UInt8(ascii: "\""))
            }
        case .array, .object:
            let isObject = kind(index) == .object
            out.append(UInt8(ascii: isObject ? "{" : "["))
            var child = index + 1
            let end = next(index)
            var first = true
            while child < end {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(child, into: &out)
                child = next(child)
                if isObject {
                    out.append(UInt8(ascii: ":"))
                    write(child, into: &out)
                    child = next(child)
                }
            }
            out.append(UInt8(ascii: isObject ? "}" : "]"))
        }
    }
}
