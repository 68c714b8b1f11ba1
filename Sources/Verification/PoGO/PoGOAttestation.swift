/// The signed statement of a PoGO verdict: an in-toto Statement v1 about the bundle, carried in
/// a DSSE envelope signed with Ed25519.
///
/// Subject: name "pogo-bundle", digest {"sha256": bundle digest}. predicateType:
/// `PredicateType.pogoAttestation`. The predicate (`Predicate`) names the verdict, the
/// randomness (beacon and challenge seed, from which anyone recomputes the challenged steps and
/// leaves), what was checked, each check's result and the policy.
public enum PoGOAttestation {
    /// The subject name of a PoGO bundle.
    public static let subjectName = "pogo-bundle"

    /// One check as attested: its name, step (for challenged-step checks) and result.
    public struct CheckResult: Sendable, Codable, Hashable {
        public var name: String
        public var step: Int?
        public var passed: Bool
    }

    /// The predicate JSON object, encoded with sorted keys.
    public struct Predicate: Sendable, Codable, Hashable {
        public var verdict: VerificationReport.Verdict
        /// "full" (replay and re-execution) or "leafOnly" (openings and update rule only).
        public var mode: VerificationReport.Mode
        public var beacon: String
        public var challengeSeed: String
        public var stepsChecked: [Int]
        public var leavesChecked: [VerificationReport.ChallengedStep]
        public var checks: [CheckResult]
        public var failedChecks: [String]
        public var policy: VerificationPolicy

        /// The predicate of `report`.
        public init(report: VerificationReport) {
            verdict = report.verdict
            mode = report.mode
            beacon = report.beacon
            challengeSeed = report.challengeSeed
            stepsChecked = report.stepsChecked
            leavesChecked = report.leavesChecked
            checks = report.checks.map { CheckResult(name: $0.name, step: $0.step, passed: $0.passed) }
            failedChecks = report.failedChecks
            policy = report.policy
        }
    }

    /// The in-toto statement for `report`. Requires a report produced by the verifier (its
    /// bundle digest is 64 lower-case hex characters).
    public static func statement(for report: VerificationReport) throws(StatementError) -> InTotoStatement {
        try InTotoStatement(
            subjects: [InTotoStatement.Subject(name: subjectName, digest: ["sha256": report.bundleDigest])],
            predicateType: PredicateType.pogoAttestation, predicate: Predicate(report: report))
    }

    /// The statement for `report`, signed with `key` as a DSSE envelope.
    public static func envelope(for report: VerificationReport, key: SigningKey) throws(StatementError) -> DSSEEnvelope {
        DSSEEnvelope.sign(payload: try statement(for: report).jsonBytes(), payloadType: InTotoStatement.payloadType, key: key)
    }
}
