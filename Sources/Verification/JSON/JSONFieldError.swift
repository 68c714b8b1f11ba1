/// Why a JSON document was refused: the dotted path of the offending field and what was wrong.
public struct JSONFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Path of the field, e.g. `steps[3].gradientRoot`; empty for the whole document.
    public let field: String
    /// What is wrong, e.g. "must be 64 hex characters".
    public let reason: String
    /// The limit that was exceeded, when the error is a limit.
    public let limit: Int?
    /// Set when the document is not JSON at all (as opposed to JSON with a bad field).
    public let syntax: JSONSyntaxError?

    public init(field: String, reason: String, limit: Int? = nil, syntax: JSONSyntaxError? = nil) {
        self.field = field
        self.reason = reason
        self.limit = limit
        self.syntax = syntax
    }

    /// The error for a document that is not strict JSON.
    init(syntax: JSONSyntaxError) {
        self.init(field: "", reason: "body is not valid JSON: \(syntax)", syntax: syntax)
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}
