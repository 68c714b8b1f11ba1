/// The service's one JSON writer: string literals, byte for byte the same on every platform.
///
/// Documents are assembled as text (or as `JSONValue`s in Verification, which write their
/// strings here) with keys in a fixed order, so that identical inputs give identical bytes
/// without depending on a JSON encoder's choices; signed documents depend on it.
public enum JSONText {
    /// Which characters a string literal writes as escapes. Every style escapes `"` and `\`,
    /// writes `\n`, `\r` and `\t` as such and other control characters as `\u00xx` (lower-case
    /// hex), and writes everything else, non-ASCII included, verbatim in UTF-8. The styles
    /// differ only where the documents using them were first written by different encoders;
    /// each keeps its documents' bytes.
    public struct Escaping: Sendable, Hashable {
        /// Whether U+0008 and U+000C are written `\b` and `\f` rather than `\u0008` and `\u000c`.
        public var shortBackspaceAndFormFeed: Bool
        /// Whether `/` is written `\/`.
        public var slash: Bool

        public init(shortBackspaceAndFormFeed: Bool, slash: Bool) {
            self.shortBackspaceAndFormFeed = shortBackspaceAndFormFeed
            self.slash = slash
        }

        /// Signed documents (DSSE envelopes, in-toto statements, EIP-712 typed data): `\b` and
        /// `\f`, `/` verbatim.
        public static let signed = Escaping(shortBackspaceAndFormFeed: true, slash: false)
        /// Responses, problem details and safetensors headers: only `\n`, `\r` and `\t` short.
        public static let minimal = Escaping(shortBackspaceAndFormFeed: false, slash: false)
        /// What Foundation's `JSONSerialization` writes by default: `\b`, `\f` and `\/`.
        public static let foundation = Escaping(shortBackspaceAndFormFeed: true, slash: true)
    }

    /// `text` as a JSON string literal escaped per `escaping`.
    public static func quote(_ text: String, escaping: Escaping = .signed) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        appendString(text.utf8, to: &out, escaping: escaping)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes `utf8` as a JSON string literal escaped per `escaping`.
    ///
    /// Requires valid UTF-8 (bytes of 0x80 and above are copied as they are).
    @inlinable
    public static func appendString(_ utf8: some Sequence<UInt8>, to out: inout [UInt8], escaping: Escaping) {
        out.append(UInt8(ascii: "\""))
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case UInt8(ascii: "/") where escaping.slash: out += [UInt8(ascii: "\\"), b]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08 where escaping.shortBackspaceAndFormFeed: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C where escaping.shortBackspaceAndFormFeed: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hexDigit(b >> 4), hexDigit(b & 0xF)]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The lower-case hex digit of `nibble` (0...15).
    @usableFromInline
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
