internal import HTTPCore
internal import Verification

extension VerifierService {
    /// POST /v1/finalize: aggregates attestations into a decision (pure; nothing is stored).
    /// Thresholds the request leaves out take the service's configured defaults, and a poq
    /// request that names no evaluator takes this service's (when its model is loaded).
    func finalize(_ request: HTTPRequest) throws -> HTTPResponse {
        try ServiceProblem.requireBody(request.body, atMost: configuration.maxFinalizeBytes)
        let limits = FinalizationLimits(maxRequestBytes: configuration.maxFinalizeBytes)
        let parsed: FinalizationRequest
        do {
            parsed = try FinalizationRequest(json: request.body, limits: limits, defaults: finalizationDefaults)
        } catch {
            throw Self.problem(error)
        }
        return .json(bytes: try Finalizer.finalize(parsed).jsonBytes())
    }

    /// The configured thresholds (validated when the configuration was read), else the protocol's.
    private var finalizationDefaults: FinalizationRequest.Defaults {
        var defaults = FinalizationRequest.Defaults()
        if let value = configuration.confirmThreshold, let threshold = StakeThreshold(value) { defaults.confirm = threshold }
        if let value = configuration.slashThreshold, let threshold = StakeThreshold(value) { defaults.slash = threshold }
        if let value = configuration.quorum, let threshold = StakeThreshold(value) { defaults.quorum = threshold }
        defaults.outlierDistance = configuration.outlierDistance
        // PoQ scores count only when they name this service's evaluator, unless the request names one.
        defaults.evaluator = scheduler?.evaluator.identity.description
        return defaults
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
