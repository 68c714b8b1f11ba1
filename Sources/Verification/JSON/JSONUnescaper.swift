/// The decoded UTF-8 bytes of a validated JSON string's text (quotes excluded), produced one
/// at a time without allocating: escapes become their characters, `\uXXXX` (and surrogate
/// pairs) their scalars' UTF-8.
///
/// Requires text the strict parser accepted: every escape complete, surrogates paired.
struct JSONUnescaper: Sequence, IteratorProtocol {
    let bytes: [UInt8]
    let end: Int
    private var position: Int
    /// Pending UTF-8 bytes of a decoded `\u` escape, in order, and how many remain.
    private var pending: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    private var pendingCount = 0
    private var pendingIndex = 0

    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.end = range.upperBound
        self.position = range.lowerBound
    }

    mutating func next() -> UInt8? {
        if pendingIndex < pendingCount {
            defer { pendingIndex += 1 }
            switch pendingIndex {
            case 0: return pending.0
            case 1: return pending.1
            case 2: return pending.2
            default: return pending.3
            }
        }
        guard position < end else { return nil }
        let c = bytes[position]
        guard c == UInt8(ascii: "\\") else {
            position += 1
            return c
        }
        let e = bytes[position + 1]
        position += 2
        switch e {
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"): break
        default: return e
        }
        var scalar = hex4()
        if (0xD800..<0xDC00).contains(scalar) {
            position += 2
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4() - 0xDC00)
        }
        encode(scalar)
        pendingIndex = 1
        return pending.0
    }

    private mutating func hex4() -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt8 = c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : (c | 0x20) - UInt8(ascii: "a") + 10
            v = v << 4 | UInt32(d)
            position += 1
        }
        return v
    }

    private mutating func encode(_ s: UInt32) {
        switch s {
        case ..<0x80:
            pending = (UInt8(s), 0, 0, 0)
            pendingCount = 1
        case ..<0x800:
            pending = (UInt8(0xC0 | s >> 6), UInt8(0x80 | s & 0x3F), 0, 0)
            pendingCount = 2
        case ..<0x10000:
            pending = (UInt8(0xE0 | s >> 12), UInt8(0x80 | s >> 6 & 0x3F), UInt8(0x80 | s & 0x3F), 0)
            pendingCount = 3
        default:
            pending = (UInt8(0xF0 | s >> 18), UInt8(0x80 | s >> 12 & 0x3F), UInt8(0x80 | s >> 6 & 0x3F), UInt8(0x80 | s & 0x3F))
            pendingCount = 4
        }
    }
}
