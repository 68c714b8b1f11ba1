import Foundation
import Testing
@testable import Verification

/// The strict parser used for every untrusted JSON document (bundles, requests, envelopes,
/// safetensors headers).
struct StrictJSONTests {
    func parse(_ text: String, maxDepth: Int = 64) throws(JSONSyntaxError) -> JSONValue {
        JSONValue(try StrictJSONParser(maxDepth: maxDepth).parse(Array(text.utf8)).root)
    }

    func refuses(_ text: String) -> Bool {
        do { _ = try parse(text); return false } catch { return true }
    }

    @Test func parsesEveryValueKind() throws {
        let v = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}} "#)
        #expect(v == .object([("a", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("xé😀\n")])),
                              ("b", .object([]))]))
    }

    @Test func keepsNumberLiteralsSoDecimalsRoundExactly() throws {
        // Foundation's JSONSerialization on Linux returns 1.0000000000000004 for this literal.
        let v = try parse("[1.0000000000000002, 0.1]")
        guard case let .array(items) = v, case let .number(a) = items[0], case let .number(b) = items[1] else {
            Issue.record("not an array of numbers"); return
        }
        #expect(Double(a) == 1.0000000000000002)
        #expect(Double(a)!.bitPattern == 0x3FF0_0000_0000_0001)
        #expect(Double(b)! == 0.1)
    }

    @Test func refusesDuplicateKeys() {
        #expect(refuses(#"{"a": 1, "a": 2}"#))
        #expect(refuses(#"{"a": 1, "\u0061": 2}"#))
        #expect(refuses(#"{"x": {"é": 1, "\u00e9": 2}}"#))
        #expect(!refuses(#"{"a": 1, "\u0062": 2, "b\u0000": 3}"#))
    }

    /// Objects of more than 16 members are checked by sorting their keys, smaller ones pair by
    /// pair; both name the first duplicate a left-to-right reader meets.
    @Test(arguments: [3, 16, 17, 200])
    func namesTheFirstDuplicateInObjectsOfAnySize(_ members: Int) throws {
        var keys = (0..<members).map { "k\($0)" }
        keys.append("k1")
        keys.append("k0")
        let text = "{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + "}"
        do {
            _ = try parse(text)
            Issue.record("accepted")
        } catch {
            let offset = text.utf8.count - #""k1":0,"k0":0}"#.utf8.count
            #expect(error.offset == offset && error.reason == #"duplicate key "k1""#, "\(error)")
        }
        let unique = "{" + (0..<members).map { "\"k\($0)\":0" }.joined(separator: ",") + "}"
        #expect(!refuses(unique))
    }

    @Test func refusesMalformedDocuments() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity",
                    "'a'", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                    "[1] 2", "tru", "nul", "{\"a\" 1}", "[1 2]", "\"\\u12\"", "\"\\u12g4\"", "\"abc", "[é]"] {
            #expect(refuses(bad), "accepted \(bad.debugDescription)")
        }
    }

    @Test func refusesInvalidUTF8() {
        let bad: [[UInt8]] = [
            [0xC3, 0x28],             // continuation missing
            [0xC0, 0xAF],             // overlong
            [0xE0, 0x80, 0xAF],       // overlong
            [0xED, 0xA0, 0x80],       // UTF-8 encoded surrogate
            [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], // invalid lead byte
            [0xE2, 0x82],             // truncated before the closing quote
            [0x80],                   // lone continuation
        ]
        for sequence in bad {
            #expect(throws: JSONSyntaxError.self, "\(sequence)") { try StrictJSONParser().parse([0x22] + sequence + [0x22]) }
        }
        let good: [[UInt8]] = [[0xC2, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80],
                               [0xF4, 0x8F, 0xBF, 0xBF]]
        for sequence in good {
            let document = try? StrictJSONParser().parse([0x22] + sequence + [0x22])
            #expect(document.map { Array($0.root.string!.utf8) } == sequence)
        }
    }

    @Test func acceptsMaxDepthAndRefusesOneMore() throws {
        let ok = String(repeating: "[", count: 8) + String(repeating: "]", count: 8)
        let tooDeep = String(repeating: "[", count: 9) + String(repeating: "]", count: 9)
        _ = try parse(ok, maxDepth: 8)
        #expect(throws: JSONSyntaxError.self) { try parse(tooDeep, maxDepth: 8) }
    }

    @Test func reportsTheOffsetOfTheError() {
        do { _ = try parse(#"{"a": 1, "a": 2}"#); Issue.record("accepted") } catch {
            #expect(error.offset == 9)
        }
    }

    @Test func reencodesCompactlyWithLiteralsAsWritten() throws {
        let text = #"{"a": [1, -2.5e3, true, false, null, "q\"\\\n\u0001é😀\/"], "b": {"c": 0.1}}"#
        let document = try StrictJSONParser().parse(Array(text.utf8))
        #expect(String(decoding: document.root.encoded(), as: UTF8.self)
            == #"{"a":[1,-2.5e3,true,false,null,"q\"\\\n\u0001é😀/"],"b":{"c":0.1}}"#)
        #expect(document.root.encoded() == JSONValue(document.root).encoded())
    }

    /// Random documents written with every escape form parse back to the values they were
    /// written from (the writer here is independent of the parser's decoder).
    @Test func randomDocumentsRoundTrip() throws {
        var generator = MerkleRandomTreeTests.SplitMix(state: 7)
        for _ in 0..<300 {
            let value = RandomJSON.value(depth: 0, using: &generator)
            let text = RandomJSON.write(value, using: &generator)
            let parsed = try StrictJSONParser().parse(Array(text.utf8))
            #expect(JSONValue(parsed.root) == value, "\(text)")
        }
    }
}

extension JSONValue {
    /// The tree of a parsed value, for comparisons in tests.
    init(_ node: JSONNode) {
        switch node.kind {
        case .null: self = .null
        case .false: self = .bool(false)
        case .true: self = .bool(true)
        case .number: self = .number(node.numberLiteral!)
        case .string: self = .string(node.string!)
        case .array: self = .array(node.elements.map(JSONValue.init))
        case .object: self = .object(node.members.map { ($0.key, JSONValue($0.value)) })
        }
    }
}

/// Random JSON values and a writer that escapes characters in randomly chosen ways.
enum RandomJSON {
    static let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{08}", "\u{0C}", "\r", "\u{01}",
                                             "\u{1F}", "é", "€", "😀", "\u{FFFF}", "\u{10FFFF}", "\u{7F}"]

    static func value(depth: Int, using g: inout MerkleRandomTreeTests.SplitMix) -> JSONValue {
        switch Int.random(in: depth > 3 ? 0...3 : 0...5, using: &g) {
        case 0: return [JSONValue.null, .bool(true), .bool(false)][Int.random(in: 0...2, using: &g)]
        case 1: return .number(["0", "-1", "12.5e-3", "1E+9", "0.000001", "-0"][Int.random(in: 0...5, using: &g)])
        case 2, 3: return .string(string(using: &g))
        case 4: return .array((0..<Int.random(in: 0...4, using: &g)).map { _ in value(depth: depth + 1, using: &g) })
        default:
            var keys = Set<String>()
            var members: [(key: String, value: JSONValue)] = []
            for _ in 0..<Int.random(in: 0...20, using: &g) {
                let key = string(using: &g)
                if keys.insert(key).inserted { members.append((key, value(depth: depth + 1, using: &g))) }
            }
            return .object(members)
        }
    }

    static func string(using g: inout MerkleRandomTreeTests.SplitMix) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...6, using: &g) { scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &g)]) }
        return String(scalars)
    }

    static func write(_ value: JSONValue, using g: inout MerkleRandomTreeTests.SplitMix) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n
        case let .string(s): return quote(s, using: &g)
        case let .array(items): return "[ " + items.map { write($0, using: &g) }.joined(separator: " ,") + "]"
        case let .object(members): return "{" + members.map { quote($0.key, using: &g) + " : " + write($0.value, using: &g) }.joined(separator: ",\n") + "}"
        case let .text(bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func quote(_ s: String, using g: inout MerkleRandomTreeTests.SplitMix) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if !mustEscape && Bool.random(using: &g) {
                out.unicodeScalars.append(scalar)
                continue
            }
            let short: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "/": "\\/", "\n": "\\n", "\t": "\\t",
                                                   "\u{08}": "\\b", "\u{0C}": "\\f", "\r": "\\r"]
            if let escape = short[scalar], Bool.random(using: &g) {
                out += escape
            } else if scalar.value >= 0x10000 {
                let v = scalar.value - 0x10000
                out += String(format: "\\u%04X\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
            } else {
                out += String(format: "\\u%04x", scalar.value)
            }
        }
        return out + "\""
    }
}
