internal import Foundation
internal import JSONWriter

/// A response as a handler returns it: status, header fields and a body.
///
/// The server adds `Date`, `Content-Length` or `Transfer-Encoding`, and `Connection` itself;
/// those fields in `headers` are not sent.
public struct HTTPResponse: Sendable {
    /// The body: bytes sent with Content-Length, or a stream sent with chunked coding.
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(HTTPBodyStream)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], stream: HTTPBodyStream) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// A response whose body is `value` encoded as JSON (keys sorted, so output is reproducible).
    public static func json(_ value: some Encodable, status: HTTPStatus = .ok) throws -> HTTPResponse {
        json(bytes: try JSONText.encode(value), status: status)
    }

    /// A response whose body is already-encoded JSON.
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An RFC 9457 `application/problem+json` response carrying `problem`.
    public static func problem(_ problem: ProblemDetails, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var h = headers
        h.add(name: "Content-Type", value: "application/problem+json")
        return HTTPResponse(status: HTTPStatus(code: problem.status), headers: h, body: problem.jsonBytes())
    }
}

/// A body produced piece by piece. The server pulls the next piece only when the client has
/// taken the previous ones, so a slow reader never makes the server buffer without bound.
/// `next` runs on an I/O thread and must be cheap; it returns nil at the end.
public struct HTTPBodyStream: Sendable {
    let next: @Sendable () -> [UInt8]?

    public init(next: @escaping @Sendable () -> [UInt8]?) {
        self.next = next
    }
}
