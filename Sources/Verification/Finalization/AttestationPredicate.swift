/// The predicate members finalization reads, and builders of statements that carry them.
///
/// PoGO attesters put `"verdict": "positive" | "negative"`, `"mode": "full" | "leafOnly"`,
/// `"beacon": "<64 hex>"` and `"beaconSource": "verifier" | "caller"` in a statement of type
/// `PredicateType.pogoAttestation` about the commitment digest; PoQ attesters put
/// `"score": <number in [0, 1]>` in a statement of type `PredicateType.poqScore` about
/// exactly one output. Other predicate members are allowed and ignored by finalization.
public enum AttestationPredicate {
    /// Predicate member holding a PoGO verdict: "positive" or "negative".
    public static let verdictField = "verdict"
    /// Predicate member holding how a PoGO verdict was reached: "full" or "leafOnly".
    public static let modeField = "mode"
    /// Predicate member holding the beacon a PoGO verification drew its challenges from (hex).
    public static let beaconField = "beacon"
    /// Predicate member holding who chose that beacon: "verifier" or "caller".
    public static let beaconSourceField = "beaconSource"
    /// Predicate member holding a PoQ score: a JSON number in [0, 1].
    public static let scoreField = "score"
    /// Predicate member holding the PoQ evaluator: an object whose "identity" names it.
    public static let evaluatorField = "evaluator"
    /// Member of the evaluator object holding its identity, "poq/1 <mode> sha256:<hex>".
    public static let identityField = "identity"

    /// A PoGO statement about the commitment `commitment` carrying only what finalization reads.
    public static func pogoStatement(commitment: Digest, verdict: PoGOVerdict, mode: VerificationReport.Mode = .full,
                                     beacon: ChallengeBeacon, name: String? = "commitment") throws(StatementError) -> InTotoStatement {
        try InTotoStatement(subjects: [.init(name: name, sha256: commitment)], predicateType: PredicateType.pogoAttestation,
                            predicate: [verdictField: verdict.rawValue, modeField: mode.rawValue,
                                        beaconField: beacon.value.hex, beaconSourceField: beacon.source.rawValue])
    }

    /// A PoQ statement about the output with SHA-256 `output` carrying `score` and, when given,
    /// the evaluator identity. Requires `score` in [0, 1].
    public static func poqStatement(output: Digest, score: Double, evaluator: String? = nil,
                                    name: String? = "output") throws(StatementError) -> InTotoStatement {
        precondition(score >= 0 && score <= 1, "a PoQ score lies in [0, 1]")
        return try InTotoStatement(subjects: [.init(name: name, sha256: output)], predicateType: PredicateType.poqScore,
                                   predicate: ScorePredicate(score: score, evaluator: evaluator.map { ["identity": $0] }))
    }

    /// {"evaluator": {"identity": ...}, "score": ...}, the evaluator left out when nil.
    private struct ScorePredicate: Encodable {
        let score: Double
        let evaluator: [String: String]?
    }
}

/// A PoGO verifier's verdict on a proof bundle.
public enum PoGOVerdict: String, Codable, Sendable, Hashable {
    case positive
    case negative
}

/// What a finalization decides about: a PoGO bundle's verdict or a PoQ output's score.
public enum FinalizationKind: String, Codable, Sendable, Hashable {
    case pogo
    case poq

    /// The predicateType an attestation must carry to vote in this kind of finalization.
    public var predicateType: String {
        switch self {
        case .pogo: PredicateType.pogoAttestation
        case .poq: PredicateType.poqScore
        }
    }
}
