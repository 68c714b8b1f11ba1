/// The signed statement of a PoGO verdict: an in-toto Statement v1 about the commitment, carried
/// in a DSSE envelope signed with Ed25519.
///
/// Subject: name "pogo-commitment", digest {"sha256": commitment digest} (the same for every
/// encoding of the bundle). predicateType: `PredicateType.pogoAttestation`. The predicate
/// (`Predicate`) names the verdict, the mode, the randomness (beacon, who chose it, and the
/// challenge seed, from which anyone recomputes the challenged steps and leaves), what was
/// checked, each check's result and the policy.
public enum PoGOAttestation {
    /// The subject name of a PoGO commitment.
    public static let subjectName = "pogo-commitment"

    /// One check as attested: its name, step (for challenged-step checks) and result.
    public struct CheckResult: Sendable, Codable, Hashable {
        public var name: VerificationReport.CheckName
        public var step: Int?
        public var passed: Bool
    }

    /// The predicate JSON object, encoded with sorted keys.
    public struct Predicate: Sendable, Codable, Hashable {
        public var verdict: VerificationReport.Verdict
        /// "full" (replay and re-execution) or "leafOnly" (openings and update rule only).
        public var mode: VerificationReport.Mode
        /// SHA-256 of the bundle bytes this verifier received (one encoding of the commitment).
        public var bundleDigest: String
        public var runKey: String
        public var beacon: String
        /// `verifier` (drawn at random by the verifier) or `caller` (counted at finalization
        /// only when the finalizer names the same beacon).
        public var beaconSource: ChallengeBeacon.Source
        public var challengeSeed: String
        public var stepsChecked: [Int]
        public var leavesChecked: [VerificationReport.ChallengedStep]
        public var checks: [CheckResult]
        /// In leaf-only mode, the full-mode checks that did not run; absent in full mode.
        public var checksNotRun: [VerificationReport.CheckName]?
        public var failedChecks: [String]
        public var policy: VerificationPolicy

        /// The predicate of `report`.
        public init(report: VerificationReport) {
            verdict = report.verdict
            mode = report.mode
            bundleDigest = report.bundleDigest
            runKey = report.runKey
            beacon = report.beacon
            beaconSource = report.beaconSource
            challengeSeed = report.challengeSeed
            stepsChecked = report.stepsChecked
            leavesChecked = report.leavesChecked
            checks = report.checks.map { CheckResult(name: $0.name, step: $0.step, passed: $0.passed) }
            failedChecks = report.failedChecks
            checksNotRun = report.checksNotRun
            policy = report.policy
        }
    }

    /// The in-toto statement for `report`. Requires a report produced by the verifier (its
    /// commitment digest is 64 lower-case hex characters).
    public static func statement(for report: VerificationReport) throws(StatementError) -> InTotoStatement {
        try InTotoStatement(
            subjects: [InTotoStatement.Subject(name: subjectName, digest: ["sha256": report.commitmentDigest])],
            predicateType: PredicateType.pogoAttestation, predicate: Predicate(report: report))
    }

    /// The statement for `report`, signed with `key` as a DSSE envelope.
    public static func envelope(for report: VerificationReport, key: SigningKey) throws(StatementError) -> DSSEEnvelope {
        DSSEEnvelope.sign(payload: try statement(for: report).jsonBytes(), payloadType: InTotoStatement.payloadType, key: key)
    }
}
