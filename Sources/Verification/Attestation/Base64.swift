/// Base64 (RFC 4648): encoding in the standard or URL-safe alphabet, and strict decoding of either.
///
/// DSSE lets a signer use either alphabet and requires verifiers to accept both, so
/// `decode` does; it refuses everything else (see its comment).
public enum Base64 {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let pad = UInt8(ascii: "=")

    /// Sextet value of each byte; 0xFF for bytes in neither alphabet. Both alphabets share one table.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in standardAlphabet.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Standard alphabet with `=` padding (RFC 4648 section 4).
    public static func encode(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: standardAlphabet, padded: true)
    }

    /// URL-safe alphabet without padding (RFC 4648 section 5).
    public static func encodeURLSafe(_ bytes: [UInt8]) -> String {
        encode(bytes, alphabet: urlSafeAlphabet, padded: false)
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padded: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)]]
            if padded { out += [pad, pad] }
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
            if padded { out.append(pad) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard or URL-safe base64, with or without padding.
    ///
    /// Returns nil for: a byte in neither alphabet (whitespace included), both `+/` and `-_`
    /// in one text, padding that is not exactly what completes the last quartet, a length
    /// that leaves one lone character, or non-zero unused bits in the last character
    /// (so each byte string has exactly one accepted encoding per alphabet and padding choice).
    public static func decode(_ text: String) -> [UInt8]? {
        var chars = Array(text.utf8)
        let padding = chars.reversed().prefix { $0 == pad }.count
        if padding > 0 {
            guard padding <= 2, chars.count % 4 == 0 else { return nil }
            chars.removeLast(padding)
            guard chars.count % 4 + padding == 4 else { return nil }
        }
        guard chars.count % 4 != 1 else { return nil }
        var sawStandard = false
        var sawURLSafe = false
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v != 0xFF else { return nil }
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "/") { sawStandard = true }
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "_") { sawURLSafe = true }
            accumulator = accumulator << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard !(sawStandard && sawURLSafe), accumulator == 0 else { return nil }
        return out
    }
}
