internal import Foundation
internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/finalize: aggregates attestations into a decision (pure; nothing is stored).
    /// Thresholds the request leaves out take the service's configured defaults.
    func finalize(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxFinalizeBytes)
        let limits = FinalizationLimits(maxRequestBytes: configuration.maxFinalizeBytes)
        let parsed: FinalizationRequest
        do {
            parsed = try FinalizationRequest(json: request.body, limits: limits)
        } catch {
            throw Self.problem(error)
        }
        let finalRequest = try withConfiguredDefaults(parsed, body: request.body, limits: limits)
        return try .json(Finalizer.finalize(finalRequest))
    }

    /// `request` with the configured thresholds wherever the body named none.
    private func withConfiguredDefaults(_ request: FinalizationRequest, body: [UInt8],
                                        limits: FinalizationLimits) throws -> FinalizationRequest {
        // A member that is absent or null was not given (the parser reads both the same way).
        let thresholds = ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?["thresholds"] as? [String: Any] ?? [:]
        let given = thresholds.filter { !($0.value is NSNull) }
        var confirm = request.thresholds.confirm
        var slash = request.thresholds.slash
        var outlierDistance = request.outlierDistance
        var quorum = request.quorum
        if given["confirm"] == nil, let value = configuration.confirmThreshold, let threshold = StakeThreshold(value) { confirm = threshold }
        if given["slash"] == nil, let value = configuration.slashThreshold, let threshold = StakeThreshold(value) { slash = threshold }
        if given["outlierDistance"] == nil { outlierDistance = configuration.outlierDistance }
        if given["quorum"] == nil, let value = configuration.quorum, let threshold = StakeThreshold(value) { quorum = threshold }
        do {
            return try FinalizationRequest(kind: request.kind, subject: request.subject, verifiers: request.verifiers,
                                           attestations: request.attestations,
                                           thresholds: .init(confirm: confirm, slash: slash),
                                           outlierDistance: outlierDistance, quorum: quorum, limits: limits)
        } catch {
            throw Self.problem(error)
        }
    }

    static func problem(_ error: FinalizationError) -> HTTPProblem {
        let field = error.field.isEmpty ? "body" : error.field
        switch error {
        case let .invalidField(fieldError):
            return ServiceProblem.jsonField(fieldError)
        case let .tooLarge(bytes, limit):
            return ServiceProblem.bodyTooLarge(bytes: bytes, limit: limit)
        case let .tooManyVerifiers(_, limit), let .tooManyAttestations(_, limit), let .tooManySignatures(_, limit):
            return ServiceProblem.field(.unprocessableContent, field, error.description, limit: limit)
        default:
            return ServiceProblem.field(.unprocessableContent, field, error.description)
        }
    }
}
