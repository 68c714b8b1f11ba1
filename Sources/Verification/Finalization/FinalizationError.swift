/// Why a finalization request was refused as a whole. Bad attestations inside a valid
/// request are not errors: they are listed in the result (`RejectedAttestation`).
public enum FinalizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The JSON is not a request: invalid JSON, a missing, mistyped or unknown field.
    case invalidField(JSONFieldError)
    case tooLarge(bytes: Int, limit: Int)
    case noVerifiers
    case tooManyVerifiers(count: Int, limit: Int)
    case tooManyAttestations(count: Int, limit: Int)
    case tooManySignatures(count: Int, limit: Int)
    /// A verifier's stake is not an integer in 1...`FinalizationLimits.maxStake`.
    case invalidStake(verifier: Int, stake: Double)
    case totalStakeTooLarge(total: UInt64, limit: UInt64)
    case invalidPublicKey(verifier: Int, reason: KeyError)
    case duplicateVerifier(keyID: String, first: Int, second: Int)
    /// A threshold outside (0, 1] (or not finite); `name` is "confirm" or "slash".
    case invalidThreshold(name: String, value: Double)
    /// An outlier distance outside [0, 1] (or not finite).
    case invalidOutlierDistance(Double)

    /// The request field the error concerns, as a dotted path ("" for the whole body).
    public var field: String {
        switch self {
        case let .invalidField(error): error.field
        case .tooLarge: ""
        case .noVerifiers, .tooManyVerifiers: "verifiers"
        case .tooManyAttestations, .tooManySignatures: "attestations"
        case let .invalidStake(verifier, _): "verifiers[\(verifier)].stake"
        case .totalStakeTooLarge: "verifiers"
        case let .invalidPublicKey(verifier, _): "verifiers[\(verifier)].publicKey"
        case let .duplicateVerifier(_, _, second): "verifiers[\(second)].publicKey"
        case let .invalidThreshold(name, _): "thresholds.\(name)"
        case .invalidOutlierDistance: "thresholds.outlierDistance"
        }
    }

    /// True when a configured limit was exceeded (HTTP 413 rather than 400).
    public var isLimit: Bool {
        switch self {
        case .tooLarge, .tooManyVerifiers, .tooManyAttestations, .tooManySignatures: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .invalidField(error): error.description
        case let .tooLarge(bytes, limit): "request has \(bytes) bytes, limit \(limit)"
        case .noVerifiers: "verifiers: at least one verifier is required"
        case let .tooManyVerifiers(count, limit): "verifiers: \(count) entries, limit \(limit)"
        case let .tooManyAttestations(count, limit): "attestations: \(count) entries, limit \(limit)"
        case let .tooManySignatures(count, limit): "attestations: \(count) signatures in all, limit \(limit)"
        case let .invalidStake(verifier, stake):
            "verifiers[\(verifier)].stake: \(stake) is not an integer in 1...\(FinalizationLimits.maxStake)"
        case let .totalStakeTooLarge(total, limit): "verifiers: total stake \(total) exceeds \(limit)"
        case let .invalidPublicKey(verifier, reason): "verifiers[\(verifier)].publicKey: \(reason)"
        case let .duplicateVerifier(keyID, first, second):
            "verifiers[\(second)].publicKey: key \(keyID) already listed at verifiers[\(first)]"
        case let .invalidThreshold(name, value): "thresholds.\(name): \(value) is not in (0, 1]"
        case let .invalidOutlierDistance(value): "thresholds.outlierDistance: \(value) is not in [0, 1]"
        }
    }
}
