internal import HTTPCore
internal import Verification

/// The one place where domain errors become client problems (RFC 9457): each names the
/// offending `field` and, for limits, the `limit`.
enum ServiceProblem {
    /// A problem about one request field.
    static func field(_ status: HTTPStatus, _ field: String, _ detail: String, limit: Int? = nil) -> HTTPProblem {
        var extensions: [String: ProblemDetails.Value] = ["field": .string(field)]
        if let limit { extensions["limit"] = .int(limit) }
        return HTTPProblem(status, detail, extensions: extensions)
    }

    /// A body larger than the route's limit: 413 naming the limit.
    static func bodyTooLarge(bytes: Int, limit: Int) -> HTTPProblem {
        field(.contentTooLarge, "body", "body has \(bytes) bytes, limit \(limit)", limit: limit)
    }

    /// Refuses a body above `limit`.
    static func requireBody(_ body: [UInt8], atMost limit: Int) throws(HTTPProblem) {
        guard body.count <= limit else { throw bodyTooLarge(bytes: body.count, limit: limit) }
    }

    /// A JSON field error: 400 when the body is not JSON at all, else 422 naming the field
    /// (and the limit, for a list or string over its limit).
    static func jsonField(_ error: JSONFieldError) -> HTTPProblem {
        if error.syntax != nil {
            return field(.badRequest, "body", error.reason)
        }
        let name = error.field.isEmpty ? "body" : error.field
        return field(.unprocessableContent, name, error.description, limit: error.limit)
    }

    /// 409: the bundle's run is committed by another job with a different commitment; names that job.
    static func equivocation(job: String, runKey: String) -> HTTPProblem {
        HTTPProblem(.conflict, "run \(runKey) is committed by job \(job) with a different commitment; a second commitment "
                    + "for one run is refused and recorded as equivocation evidence on that job",
                    extensions: ["field": .string("body"), "job": .string(job), "location": .string("/v1/pogo/bundles/" + job)])
    }

    /// 503 with Retry-After: a dependency (the store, the model) is not available now.
    static func unavailable(_ detail: String, retryAfter: Int = 1) -> ServiceUnavailable {
        ServiceUnavailable(detail: detail, retryAfter: retryAfter)
    }
}

/// 503 with Retry-After, e.g. the store is locked or the evaluator is not loaded.
struct ServiceUnavailable: HTTPError, CustomStringConvertible {
    let detail: String
    let retryAfter: Int

    var status: HTTPStatus { .serviceUnavailable }
    var problem: ProblemDetails { ProblemDetails(status: status, detail: detail) }
    var headers: HTTPHeaders { ["Retry-After": String(retryAfter)] }
    var description: String { "503 \(detail)" }
}
