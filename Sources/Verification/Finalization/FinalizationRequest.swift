/// A validated finalization request: the verifier set with stakes, the attestations to
/// aggregate, and the decision parameters. Build it from JSON with `init(json:limits:)`.
public struct FinalizationRequest: Sendable {
    /// One member of the verifier set.
    public struct Verifier: Sendable, Hashable {
        public let publicKey: PublicKey
        /// Stake in integer units, 1...`FinalizationLimits.maxStake`.
        public let stake: UInt64

        public init(publicKey: PublicKey, stake: UInt64) {
            self.publicKey = publicKey
            self.stake = stake
        }
    }

    /// One entry of "attestations": a well-formed envelope, or why it is not one.
    /// Malformed entries do not fail the request (a relayer may pass junk along); they are rejected.
    public enum Attestation: Sendable, Equatable {
        case envelope(DSSEEnvelope)
        case malformed(String)
    }

    /// The PoGO decision thresholds, fractions of the verifier set's total stake.
    public struct Thresholds: Sendable, Hashable {
        /// Confirm when positive stake / total stake >= confirm. Default exactly 2/3.
        public let confirm: StakeThreshold
        /// Slash when negative stake / total stake >= slash. Default exactly 1/3.
        public let slash: StakeThreshold

        public init(confirm: StakeThreshold = .twoThirds, slash: StakeThreshold = .oneThird) {
            self.confirm = confirm
            self.slash = slash
        }
    }

    /// The default PoQ outlier distance: 0.1.
    public static let defaultOutlierDistance = 0.1

    /// The values of the decision parameters a request's "thresholds" leaves out (or sets to
    /// null). The protocol's defaults unless a service configures others.
    public struct Defaults: Sendable {
        public var confirm: StakeThreshold = .twoThirds
        public var slash: StakeThreshold = .oneThird
        public var outlierDistance: Double = FinalizationRequest.defaultOutlierDistance
        public var quorum: StakeThreshold = .twoThirds
        /// poq: the evaluator identity scores must name when the request names none.
        public var evaluator: String?

        public init() {}
    }

    public let kind: FinalizationKind
    /// SHA-256 of what is decided on: the proof bundle (pogo) or the scored output (poq).
    public let subject: Digest
    /// The verifier set, in request order; key ids are distinct.
    public let verifiers: [Verifier]
    public let attestations: [Attestation]
    /// Used when `kind` is pogo.
    public let thresholds: Thresholds
    /// Used when `kind` is poq: voters whose |score - consensus| > this are outliers.
    public let outlierDistance: Double
    /// Used when `kind` is poq: a consensus is declared only when the voting stake is at least
    /// this fraction of the total stake. Default exactly 2/3.
    public let quorum: StakeThreshold
    /// Used when `kind` is pogo: the caller beacon the decision accepts. An attestation whose
    /// beacon the caller chose counts only when it equals this one; verifier-drawn beacons
    /// always count.
    public let beacon: Digest?
    /// Used when `kind` is poq: the evaluator identity ("poq/1 <mode> sha256:<hex>") a score's
    /// predicate must name to count. Scores from different evaluators are not comparable; nil
    /// counts every score whatever evaluator it names.
    public let evaluator: String?
    /// Ed25519 checks finalizing this request may spend searching for signers
    /// (`FinalizationLimits.maxKeySearchChecks`).
    public let maxKeySearchChecks: Int

    /// Validates and builds a request. Refuses: no verifiers; more verifiers, attestations or
    /// signatures than `limits` allow; a stake of 0 or above `FinalizationLimits.maxStake`;
    /// a total stake above it; the same public key twice; an outlier distance outside [0, 1].
    public init(kind: FinalizationKind, subject: Digest, verifiers: [Verifier], attestations: [Attestation],
                thresholds: Thresholds = Thresholds(), outlierDistance: Double = defaultOutlierDistance,
                quorum: StakeThreshold = .twoThirds, beacon: Digest? = nil, evaluator: String? = nil,
                limits: FinalizationLimits = FinalizationLimits()) throws(FinalizationError) {
        guard !verifiers.isEmpty else { throw .noVerifiers }
        guard verifiers.count <= limits.maxVerifiers else {
            throw .tooManyVerifiers(count: verifiers.count, limit: limits.maxVerifiers)
        }
        guard attestations.count <= limits.maxAttestations else {
            throw .tooManyAttestations(count: attestations.count, limit: limits.maxAttestations)
        }
        let signatureCount = attestations.reduce(0) { count, entry in
            if case let .envelope(envelope) = entry { return count + envelope.signatures.count }
            return count
        }
        guard signatureCount <= limits.maxSignatures else {
            throw .tooManySignatures(count: signatureCount, limit: limits.maxSignatures)
        }
        var total: UInt64 = 0
        var firstIndex: [PublicKey: Int] = [:]
        for (i, verifier) in verifiers.enumerated() {
            guard verifier.stake >= 1, verifier.stake <= FinalizationLimits.maxStake else {
                throw .invalidStake(verifier: i, stake: Double(verifier.stake))
            }
            total += verifier.stake
            guard total <= FinalizationLimits.maxStake else {
                throw .totalStakeTooLarge(total: total, limit: FinalizationLimits.maxStake)
            }
            if let first = firstIndex[verifier.publicKey] {
                throw .duplicateVerifier(keyID: verifier.publicKey.keyID, first: first, second: i)
            }
            firstIndex[verifier.publicKey] = i
        }
        guard outlierDistance >= 0, outlierDistance <= 1 else { throw .invalidOutlierDistance(outlierDistance) }
        self.kind = kind
        self.subject = subject
        self.verifiers = verifiers
        self.attestations = attestations
        self.thresholds = thresholds
        self.outlierDistance = outlierDistance
        self.quorum = quorum
        self.beacon = beacon
        self.evaluator = evaluator
        self.maxKeySearchChecks = limits.maxKeySearchChecks
    }

    /// The sum of all verifiers' stakes (voters, abstainers and equivocators alike).
    public var totalStake: UInt64 { verifiers.reduce(0) { $0 + $1.stake } }
}
