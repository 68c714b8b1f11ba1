import Testing
import Verification

/// The strict parser used for every untrusted JSON document (bundles, requests).
struct StrictJSONTests {
    func parse(_ text: String, maxDepth: Int = 64) throws(JSONSyntaxError) -> JSONValue {
        try StrictJSONParser(maxDepth: maxDepth).parse(Array(text.utf8))
    }

    func refuses(_ text: String) -> Bool {
        do { _ = try parse(text); return false } catch { return true }
    }

    @Test func parsesEveryValueKind() throws {
        let v = try parse(#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}} "#)
        #expect(v["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null, .string("xé😀\n")]))
        #expect(v["b"] == .object([]))
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
    }

    @Test func refusesMalformedDocuments() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity",
                    "'a'", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                    "[1] 2", "tru", "nul", "{\"a\" 1}", "[1 2]"] {
            #expect(refuses(bad), "accepted \(bad.debugDescription)")
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try StrictJSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
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
}

extension StrictJSONTests {
    @Test func reencodesToTheSameValue() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null,"q\"\\\n\u0001é😀"],"b":{"c":0.1}}"#
        let v = try parse(text)
        #expect(try StrictJSONParser().parse(v.encoded()) == v)
        #expect(String(decoding: v.encoded(), as: UTF8.self) == #"{"a":[1,-2.5e3,true,false,null,"q\"\\\n\u0001é😀"],"b":{"c":0.1}}"#)
    }
}
