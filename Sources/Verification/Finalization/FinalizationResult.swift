internal import Foundation
internal import JSONWriter

/// The outcome of a finalization: the decision, stake tallies, the votes counted, and every
/// attestation or key that did not count, with the reason. Its JSON form is the response body.
///
/// JSON members (pogo and poq): "kind", "subject", "decision", "stake", "voters", "votes",
/// "rejected", "equivocating"; poq adds "consensus" (a number, or null with no votes),
/// "outliers" and "evaluator" (the identity scores had to name, or null). Lists are sorted: votes, equivocating and outliers by key id, rejected by index.
public struct FinalizationResult: Codable, Sendable, Equatable {
    /// pogo: confirm, slash or undecided. poq: scored (a consensus exists) or undecided (no votes).
    public enum Decision: String, Codable, Sendable, Hashable {
        case confirm
        case slash
        case undecided
        case scored
    }

    /// Stake sums in integer units; total = voted + abstained + equivocated.
    public struct StakeTally: Codable, Sendable, Equatable {
        /// Stake of the whole verifier set.
        public let total: UInt64
        /// Stake of the keys whose ballot counted.
        public let voted: UInt64
        /// Stake of the keys with no counted ballot and no equivocation (absent or all rejected).
        public let abstained: UInt64
        /// Stake of the equivocating keys, which counts for no side.
        public let equivocated: UInt64
        /// pogo only: stake that voted positive in full mode: what the confirm threshold compares.
        public let positive: UInt64?
        /// pogo only: stake that voted negative (either mode): what the slash threshold compares.
        public let negative: UInt64?
        /// pogo only: stake that voted positive in leaf-only mode, which counts toward neither side.
        public let leafOnlyPositive: UInt64?

        public init(total: UInt64, voted: UInt64, abstained: UInt64, equivocated: UInt64, positive: UInt64?, negative: UInt64?,
                    leafOnlyPositive: UInt64?) {
            self.total = total
            self.voted = voted
            self.abstained = abstained
            self.equivocated = equivocated
            self.positive = positive
            self.negative = negative
            self.leafOnlyPositive = leafOnlyPositive
        }
    }

    /// The side of a PoGO decision a vote counts toward.
    public enum Side: String, Codable, Sendable, Hashable {
        /// A positive verdict reached by re-execution (mode full).
        case confirm
        /// A negative verdict, in either mode.
        case slash
        /// A positive leaf-only verdict: consistency of the openings, not proof of training.
        case neither
    }

    /// One key's counted ballot.
    public struct Vote: Codable, Sendable, Equatable {
        /// Hex SHA-256 of the verifier's raw public key.
        public let keyID: String
        public let stake: UInt64
        /// pogo only.
        public let verdict: PoGOVerdict?
        /// pogo only: how the verdict was reached.
        public let mode: VerificationReport.Mode?
        /// pogo only: the side the vote counts toward.
        public let countsToward: Side?
        /// poq only.
        public let score: Double?
        /// Indices in "attestations" of every envelope carrying this ballot, ascending.
        public let attestations: [Int]

        enum CodingKeys: String, CodingKey {
            case keyID = "keyId", stake, verdict, mode, countsToward, score, attestations
        }

        public init(keyID: String, stake: UInt64, verdict: PoGOVerdict?, mode: VerificationReport.Mode?, countsToward: Side?,
                    score: Double?, attestations: [Int]) {
            self.keyID = keyID
            self.stake = stake
            self.verdict = verdict
            self.mode = mode
            self.countsToward = countsToward
            self.score = score
            self.attestations = attestations
        }
    }

    /// An attestation that did not vote.
    public struct Rejected: Codable, Sendable, Equatable {
        /// Index in the request's "attestations".
        public let index: Int
        public let reason: RejectionReason
        /// Human-readable detail; not part of the stable interface.
        public let detail: String
        /// Key ids of verifiers whose signature on it holds (empty when none does), ascending.
        public let signers: [String]

        public init(index: Int, reason: RejectionReason, detail: String, signers: [String]) {
            self.index = index
            self.reason = reason
            self.detail = detail
            self.signers = signers
        }
    }

    /// A key that signed conflicting ballots: different verdicts, or different scores.
    public struct Equivocation: Codable, Sendable, Equatable {
        public let keyID: String
        public let stake: UInt64
        /// Indices of the envelopes carrying its ballots, ascending.
        public let attestations: [Int]

        enum CodingKeys: String, CodingKey {
            case keyID = "keyId", stake, attestations
        }

        public init(keyID: String, stake: UInt64, attestations: [Int]) {
            self.keyID = keyID
            self.stake = stake
            self.attestations = attestations
        }
    }

    /// poq: a voter whose score is more than the outlier distance from the consensus.
    public struct Outlier: Codable, Sendable, Equatable {
        public let keyID: String
        public let score: Double
        /// |score - consensus| in binary64 (one correctly rounded subtraction).
        public let distance: Double

        enum CodingKeys: String, CodingKey {
            case keyID = "keyId", score, distance
        }

        public init(keyID: String, score: Double, distance: Double) {
            self.keyID = keyID
            self.score = score
            self.distance = distance
        }
    }

    public let kind: FinalizationKind
    /// The request subject, lower-case hex.
    public let subject: String
    public let decision: Decision
    public let stake: StakeTally
    /// Number of keys whose ballot counted.
    public let voters: Int
    public let votes: [Vote]
    public let rejected: [Rejected]
    public let equivocating: [Equivocation]
    /// poq only: the lower stake-weighted median of the counted scores; nil with no votes.
    public let consensus: Double?
    /// poq only (empty for pogo).
    public let outliers: [Outlier]
    /// poq only: the evaluator identity scores had to name to count; nil when none was named.
    public let evaluator: String?

    private enum CodingKeys: String, CodingKey {
        case kind, subject, decision, stake, voters, votes, rejected, equivocating, consensus, outliers, evaluator
    }

    init(kind: FinalizationKind, subject: String, decision: Decision, stake: StakeTally, votes: [Vote],
         rejected: [Rejected], equivocating: [Equivocation], consensus: Double?, outliers: [Outlier], evaluator: String? = nil) {
        self.kind = kind
        self.subject = subject
        self.decision = decision
        self.stake = stake
        self.voters = votes.count
        self.votes = votes
        self.rejected = rejected
        self.equivocating = equivocating
        self.consensus = consensus
        self.outliers = outliers
        self.evaluator = evaluator
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(FinalizationKind.self, forKey: .kind)
        subject = try c.decode(String.self, forKey: .subject)
        decision = try c.decode(Decision.self, forKey: .decision)
        stake = try c.decode(StakeTally.self, forKey: .stake)
        voters = try c.decode(Int.self, forKey: .voters)
        votes = try c.decode([Vote].self, forKey: .votes)
        rejected = try c.decode([Rejected].self, forKey: .rejected)
        equivocating = try c.decode([Equivocation].self, forKey: .equivocating)
        consensus = try c.decodeIfPresent(Double.self, forKey: .consensus)
        outliers = try c.decodeIfPresent([Outlier].self, forKey: .outliers) ?? []
        evaluator = try c.decodeIfPresent(String.self, forKey: .evaluator)
    }

    /// Writes "consensus" and "evaluator" (null when absent) and "outliers" for poq only.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(subject, forKey: .subject)
        try c.encode(decision, forKey: .decision)
        try c.encode(stake, forKey: .stake)
        try c.encode(voters, forKey: .voters)
        try c.encode(votes, forKey: .votes)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(equivocating, forKey: .equivocating)
        if kind == .poq {
            try c.encode(consensus, forKey: .consensus)
            try c.encode(outliers, forKey: .outliers)
            try c.encode(evaluator, forKey: .evaluator)
        }
    }
}

extension FinalizationResult {
    /// The response body: compact JSON with sorted keys and unescaped slashes. Throws only
    /// what `JSONEncoder` throws; every member is a string, an integer, a finite double or a
    /// list of those, so a result the finalizer built encodes.
    public func jsonBytes() throws -> [UInt8] {
        try JSONText.encode(self)
    }
}
