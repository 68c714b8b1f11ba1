/// An error meant for the client: thrown by a handler, it becomes a problem+json response with
/// its status. Any other error is logged and becomes a 500 that reveals nothing.
public protocol HTTPError: Error {
    var status: HTTPStatus { get }
    /// The body; by default the status with `detail` "\(self)".
    var problem: ProblemDetails { get }
    /// Extra response fields (e.g. Retry-After). Default none.
    var headers: HTTPHeaders { get }
}

extension HTTPError {
    public var problem: ProblemDetails { ProblemDetails(status: status, detail: "\(self)") }
    public var headers: HTTPHeaders { [:] }
}

/// A ready-made `HTTPError` for handlers: a status, a detail and optional extension members,
/// e.g. `throw HTTPProblem(.badRequest, "limit exceeded", extensions: ["field": .string("steps"), "limit": .int(64)])`.
public struct HTTPProblem: HTTPError, Hashable, CustomStringConvertible {
    public let status: HTTPStatus
    public let problem: ProblemDetails

    public init(_ status: HTTPStatus, _ detail: String, type: String = "about:blank",
                extensions: [String: ProblemDetails.Value] = [:]) {
        self.status = status
        self.problem = ProblemDetails(status: status, detail: detail, type: type, extensions: extensions)
    }

    public var description: String { "\(status.code) \(problem.detail)" }
}

extension HTTPParseError: HTTPError {
    /// The status and detail; a body over its limit also names the `field` ("body") and the `limit`.
    public var problem: ProblemDetails {
        guard case .bodyTooLarge(_, let limit) = self else { return ProblemDetails(status: status, detail: "\(self)") }
        return ProblemDetails(status: status, detail: "\(self)", extensions: ["field": .string("body"), "limit": .int(limit)])
    }
}
