internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/pogo/bundles[?beacon=HEX]: validates the bundle, commits the job, then answers
    /// 202 (new job) or 200 (the same bytes were submitted before; that job, unchanged).
    func submitBundle(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxBundleBytes)
        var beacon: [UInt8]?
        if let text = request.queryParameters["beacon"] {
            guard let digest = Digest(hex: text), text.utf8.count == 64 else {
                throw ServiceProblem.field(.badRequest, "beacon", "beacon must be 64 hex characters (32 bytes)")
            }
            beacon = digest.bytes
        }
        do {
            _ = try ProofBundle(bytes: request.body, limits: bundleLimits)
        } catch {
            throw ServiceProblem.jsonField(error)
        }
        let result: SubmitResult
        do {
            result = try submitStore.submit(JobSubmission(bundle: request.body, beacon: beacon))
        } catch {
            log.event("store_failed", ["operation": "submit", "error": "\(error)"])
            throw ServiceProblem.unavailable("the job store is not available")
        }
        if result.created {
            log.event("job_submitted", ["job": result.job.id, "bytes": String(request.body.count)])
        }
        let body = JobDocument.submission(result.job)
        var response = HTTPResponse.json(bytes: body, status: result.created ? .accepted : .ok)
        response.headers.add(name: "Location", value: "/v1/pogo/bundles/" + result.job.id)
        return response
    }

    /// GET /v1/pogo/bundles/{id}: the job's state, report and attestation.
    func bundleStatus(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameter("id") ?? ""
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ServiceProblem.field(.badRequest, "id", "job id must be 64 lower-case hex characters")
        }
        let found: Job?
        do {
            found = try readStore.job(id: id)
        } catch {
            log.event("store_failed", ["operation": "job", "error": "\(error)"])
            throw ServiceProblem.unavailable("the job store is not available")
        }
        guard let job = found else { throw ServiceProblem.field(.notFound, "id", "no job with id \(id)") }
        var response = HTTPResponse.json(bytes: JobDocument.full(job))
        if !job.status.isFinal { response.headers.add(name: "Retry-After", value: "1") }
        return response
    }
}
