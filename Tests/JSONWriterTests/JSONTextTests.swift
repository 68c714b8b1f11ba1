import Foundation
import JSONWriter
import Testing

/// The escaping styles, pinned to the bytes each writer they replaced produced.
struct JSONTextTests {
    /// Every control character, then the characters some styles escape and some do not.
    static let awkward: String = {
        var s = ""
        for i in 0..<0x20 { s.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        return s + "/\"\\é€😀\u{7F}"
    }()

    static let controls = #"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007"#

    static let controlsAfterCR = #"\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"#

    // Known answers: the output of the escapers these styles replaced, captured before the
    // change (Verification's JSONText for `.signed`; JSONValue, ProblemDetails and
    // SafeTensorsWriter for `.minimal`; JSONSerialization on Linux, Swift 6.3.1, for `.foundation`).

    @Test func signedWritesShortBackspaceAndFormFeedAndSlashVerbatim() {
        let want = "\"" + Self.controls + #"\b\t\n\u000b\f\r"# + Self.controlsAfterCR + #"/\"\\é€😀"# + "\u{7F}\""
        #expect(JSONText.quote(Self.awkward) == want)
        #expect(JSONText.quote(Self.awkward, escaping: .signed) == want)
    }

    @Test func minimalWritesOnlyNewlineReturnAndTabShort() {
        let want = "\"" + Self.controls + #"\u0008\t\n\u000b\u000c\r"# + Self.controlsAfterCR + #"/\"\\é€😀"# + "\u{7F}\""
        #expect(JSONText.quote(Self.awkward, escaping: .minimal) == want)
    }

    @Test func foundationEscapesSlash() {
        let want = "\"" + Self.controls + #"\b\t\n\u000b\f\r"# + Self.controlsAfterCR + #"\/\"\\é€😀"# + "\u{7F}\""
        #expect(JSONText.quote(Self.awkward, escaping: .foundation) == want)
    }

    @Test func foundationMatchesJSONSerializationOnRandomStrings() throws {
        var g = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = (0..<0x80).map { Unicode.Scalar(UInt8($0)) } + ["é", "€", "😀", "\u{2028}"]
        for _ in 0..<200 {
            var s = ""
            for _ in 0..<Int.random(in: 0..<24, using: &g) { s.unicodeScalars.append(alphabet.randomElement(using: &g)!) }
            let data = try JSONSerialization.data(withJSONObject: [s], options: [])
            let reference = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
            #expect(JSONText.quote(s, escaping: .foundation) == reference, "\(Array(s.utf8))")
        }
    }

    @Test func appendStringAppendsToWhatIsThere() {
        var out = Array("[".utf8)
        JSONText.appendString("a\"b".utf8, to: &out, escaping: .minimal)
        #expect(String(decoding: out, as: UTF8.self) == #"["a\"b""#)
    }
}
