internal import Foundation
internal import JSONWriter

/// Prints one JSON object on standard output, keys sorted, slashes unescaped, so that
/// command output is stable and easy to read from scripts.
///
/// The bytes are those Foundation's `JSONSerialization` wrote with `.sortedKeys` and
/// `.withoutEscapingSlashes`, which the commands used before: keys in Foundation's order
/// (case-insensitive, runs of digits compared by value), strings escaped as
/// `JSONText.Escaping.signed`, a Double as its `description` less a trailing ".0".
enum JSONOutput {
    /// A value `encoded` cannot write: not a String, Bool, Int, finite Double, or an array or
    /// string-keyed dictionary of these.
    struct UnsupportedValue: Error, CustomStringConvertible {
        let value: String
        var description: String { "cannot write \(value) as JSON" }
    }

    static func print(_ object: [String: Any]) throws {
        FileHandle.standardOutput.write(Data(try encoded(object) + Array("\n".utf8)))
    }

    /// The compact JSON text of `object`.
    static func encoded(_ object: [String: Any]) throws(UnsupportedValue) -> [UInt8] {
        var out: [UInt8] = []
        try write(object, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout [UInt8]) throws(UnsupportedValue) {
        switch value {
        case let text as String: JSONText.appendString(text.utf8, to: &out, escaping: .signed)
        case let flag as Bool: out += Array((flag ? "true" : "false").utf8)
        case let n as Int: out += Array(String(n).utf8)
        case let d as Double:
            guard d.isFinite else { throw UnsupportedValue(value: "\(d)") }
            var text = d.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out += Array(text.utf8)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (i, key) in object.keys.sorted(by: precedes).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(key.utf8, to: &out, escaping: .signed)
                out.append(UInt8(ascii: ":"))
                try write(object[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            throw UnsupportedValue(value: "a value of type \(type(of: value))")
        }
    }

    /// Whether key `a` sorts before `b` in `JSONSerialization`'s `.sortedKeys` order.
    private static func precedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: NSLocale.system) == .orderedAscending
    }
}
