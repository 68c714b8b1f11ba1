/// Which request bodies a route reads, judged by their `Content-Type` when the head arrives.
public enum BodyMediaType: Sendable, Hashable {
    /// Any `Content-Type`, or none.
    case any
    /// JSON: `application/json` or a type with the `+json` structured syntax suffix (RFC 6839),
    /// e.g. `application/vnd.in-toto+json`; case and parameters (`; charset=utf-8`) do not
    /// matter. A request without `Content-Type` is read as JSON, as if it said
    /// `application/json`: the body decides. Any other type gets 415 before its body is read.
    case json

    /// The 415 problem for a request whose `Content-Type` values are `values`, or nil when the
    /// route reads it. Several `Content-Type` fields pass only when each of them would.
    func refusal(_ values: [String]) -> ProblemDetails? {
        guard self == .json, let refused = values.first(where: { !Self.isJSON($0) }) else { return nil }
        return ProblemDetails(status: .unsupportedMediaType,
                              detail: "Content-Type \(refused.prefix(200)) is not JSON (application/json or a +json type)",
                              extensions: ["field": .string("Content-Type")])
    }

    /// True for `application/json` and `type/subtype+json`, parameters ignored.
    static func isJSON(_ value: String) -> Bool {
        var trimmed = value.prefix { $0 != ";" }
        while trimmed.first == " " || trimmed.first == "\t" { trimmed.removeFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed.removeLast() }
        let essence = trimmed.lowercased()
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return essence == "application/json" || (parts[1].hasSuffix("+json") && parts[1].count > 5)
    }
}
