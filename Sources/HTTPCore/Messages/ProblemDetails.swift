internal import JSONWriter

/// An RFC 9457 problem object: `type`, `title`, `status`, `detail` plus extension members.
public struct ProblemDetails: Sendable, Hashable {
    /// A value of an extension member.
    public enum Value: Sendable, Hashable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case strings([String])
    }

    /// URI naming the problem type; "about:blank" when the status says it all.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Extension members such as "field" or "limit", written after the standard ones, sorted by name.
    public var extensions: [String: Value]

    public init(status: HTTPStatus, detail: String, type: String = "about:blank", title: String? = nil,
                extensions: [String: Value] = [:]) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.extensions = extensions
    }

    /// The problem as compact JSON.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + detail.utf8.count)
        out.append(contentsOf: "{\"type\":".utf8)
        JSONText.appendString(type.utf8, to: &out, escaping: .minimal)
        out.append(contentsOf: ",\"title\":".utf8)
        JSONText.appendString(title.utf8, to: &out, escaping: .minimal)
        out.append(contentsOf: ",\"status\":\(status),\"detail\":".utf8)
        JSONText.appendString(detail.utf8, to: &out, escaping: .minimal)
        for (name, value) in extensions.sorted(by: { $0.key < $1.key })
        where !["type", "title", "status", "detail"].contains(name) {
            out.append(0x2C)
            JSONText.appendString(name.utf8, to: &out, escaping: .minimal)
            out.append(0x3A)
            switch value {
            case .string(let s): JSONText.appendString(s.utf8, to: &out, escaping: .minimal)
            case .int(let n): out.append(contentsOf: String(n).utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .strings(let list):
                out.append(0x5B)
                for (i, s) in list.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    JSONText.appendString(s.utf8, to: &out, escaping: .minimal)
                }
                out.append(0x5D)
            }
        }
        out.append(0x7D)
        return out
    }
}
