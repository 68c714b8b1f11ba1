internal import JSONWriter

extension JSONValue {
    /// Compact JSON text of this value: members in the order given, number literals as written,
    /// strings escaped per RFC 8259 (quote, backslash and control characters only, see
    /// `JSONText.Escaping.minimal`).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case let .bool(b): out += Array((b ? "true" : "false").utf8)
        case let .number(literal): out += Array(literal.utf8)
        case let .string(s): JSONText.appendString(s.utf8, to: &out, escaping: .minimal)
        case let .text(bytes): out += bytes
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(member.key.utf8, to: &out, escaping: .minimal)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
