extension StrictJSONParser.Reader {
    /// Reads a string whose opening quote is at `position`, validating escapes and UTF-8;
    /// returns its tape index.
    mutating func string() throws(JSONFieldError) -> Int {
        let start = position
        position += 1
        var escaped = false
        while true {
            guard position < bytes.count else { throw syntax("unterminated string") }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return tape.append(.string, start, escaped: escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                try escape()
            } else if c < 0x20 {
                throw syntax("control character in string")
            } else if c < 0x80 {
                position += 1
            } else {
                try utf8Sequence()
            }
        }
    }

    /// Validates one escape starting at the backslash at `position`.
    private mutating func escape() throws(JSONFieldError) {
        position += 1
        guard let e = current else { throw syntax("unterminated escape") }
        position += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let unit = try hex4()
            if (0xD800..<0xDC00).contains(unit) {
                guard current == UInt8(ascii: "\\") else { throw syntax("lone high surrogate") }
                position += 1
                guard current == UInt8(ascii: "u") else { throw syntax("lone high surrogate") }
                position += 1
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw syntax("high surrogate not followed by a low one") }
            } else if (0xDC00..<0xE000).contains(unit) {
                throw syntax("lone low surrogate")
            }
        default:
            throw syntax("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONFieldError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current else { throw syntax("truncated \\u escape") }
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw syntax("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }

    /// Validates one multi-byte UTF-8 sequence at `position` (Unicode table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF).
    private mutating func utf8Sequence() throws(JSONFieldError) {
        let lead = bytes[position]
        let (count, low, high): (Int, UInt8, UInt8)
        switch lead {
        case 0xC2...0xDF: (count, low, high) = (1, 0x80, 0xBF)
        case 0xE0: (count, low, high) = (2, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (count, low, high) = (2, 0x80, 0xBF)
        case 0xED: (count, low, high) = (2, 0x80, 0x9F)
        case 0xF0: (count, low, high) = (3, 0x90, 0xBF)
        case 0xF1...0xF3: (count, low, high) = (3, 0x80, 0xBF)
        case 0xF4: (count, low, high) = (3, 0x80, 0x8F)
        default: throw syntax("not valid UTF-8")
        }
        guard position + count < bytes.count else { throw syntax("not valid UTF-8") }
        let second = bytes[position + 1]
        guard second >= low, second <= high else { throw syntax("not valid UTF-8") }
        var i = 2
        while i <= count {
            guard bytes[position + i] & 0xC0 == 0x80 else { throw syntax("not valid UTF-8") }
            i += 1
        }
        position += count + 1
    }

    /// Reads a number (RFC 8259 grammar) at `position`.
    mutating func number() throws(JSONFieldError) {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, isDigit(first) else { throw syntax("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let c = current, isDigit(c) else { throw syntax("expected a digit after '.'") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let c = current, isDigit(c) else { throw syntax("expected a digit in the exponent") }
            skipDigits()
        }
        _ = tape.append(.number, start)
    }

    private mutating func skipDigits() {
        while let c = current, isDigit(c) { position += 1 }
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
