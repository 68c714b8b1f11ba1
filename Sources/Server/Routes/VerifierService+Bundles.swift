internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/pogo/bundles[?beacon=HEX]: validates the bundle, commits the job, then answers
    /// 202 (new job), 200 (this commitment was submitted before, in any encoding: that job,
    /// unchanged) or 409 (its run has another commitment: refused, recorded as evidence).
    func submitBundle(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxBundleBytes)
        var beacon: [UInt8]?
        if let text = request.queryParameters["beacon"] {
            guard let digest = Digest(hex: text), text.utf8.count == 64 else {
                throw ServiceProblem.field(.badRequest, "beacon", "beacon must be 64 hex characters (32 bytes)")
            }
            beacon = digest.bytes
        }
        let bundle: ProofBundle
        do {
            bundle = try ProofBundle(bytes: request.body, limits: bundleLimits)
        } catch {
            throw ServiceProblem.jsonField(error)
        }
        let result: SubmitResult
        do {
            result = try submitStore.submit(JobSubmission(bundle: request.body, parsed: bundle, beacon: beacon))
        } catch {
            log.event("store_failed", ["operation": "submit", "error": "\(error)"])
            throw ServiceProblem.unavailable("the job store is not available")
        }
        switch result.disposition {
        case .created:
            log.event("job_submitted", ["job": result.job.id, "bytes": String(request.body.count),
                                        "beacon_source": result.job.beacon.source.rawValue])
        case .sameCommitment:
            break
        case .otherCommitment:
            log.event("equivocation_recorded", ["job": result.job.id, "commitment": bundle.commitmentDigest.hex,
                                                "digest": SHA256.hash(request.body).hex])
            throw ServiceProblem.equivocation(job: result.job.id, runKey: bundle.runKey.hex)
        }
        let body = JobDocument.submission(result.job)
        var response = HTTPResponse.json(bytes: body, status: result.created ? .accepted : .ok)
        response.headers.add(name: "Location", value: "/v1/pogo/bundles/" + result.job.id)
        return response
    }

    /// GET /v1/pogo/bundles/{id}: the job's state, report, attestation and equivocation evidence.
    func bundleStatus(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameter("id") ?? ""
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ServiceProblem.field(.badRequest, "id", "job id must be 64 lower-case hex characters")
        }
        let found: Job?
        let equivocations: EquivocationPage
        do {
            found = try readStore.job(id: id)
            equivocations = found == nil ? EquivocationPage(entries: [], total: 0)
                : try readStore.equivocations(jobID: id, limit: JobDocument.equivocationPageSize)
        } catch {
            log.event("store_failed", ["operation": "job", "error": "\(error)"])
            throw ServiceProblem.unavailable("the job store is not available")
        }
        guard let job = found else { throw ServiceProblem.field(.notFound, "id", "no job with id \(id)") }
        var response = HTTPResponse.json(bytes: JobDocument.full(job, equivocations: equivocations))
        if !job.status.isFinal { response.headers.add(name: "Retry-After", value: "1") }
        return response
    }
}
