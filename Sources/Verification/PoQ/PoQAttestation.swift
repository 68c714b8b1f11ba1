/// The signed statement of one PoQ score: an in-toto Statement v1 about one (prompt, output)
/// pair, carried in a DSSE envelope signed with Ed25519 (docs/protocol-parts/poq.md).
///
/// Subject: name "poq-output", digest {"sha256": `pairDigest(prompt:output:)`}. predicateType:
/// `PredicateType.poqScore`. The predicate holds `AttestationPredicate.scoreField` ("score"),
/// which finalization reads, plus the evaluator's identity and the prompt and output digests.
public enum PoQAttestation {
    /// The subject name of a scored output.
    public static let subjectName = "poq-output"
    /// Domain-separation label of the pair digest: the 10 ASCII bytes "poq/1/pair".
    public static let pairLabel: [UInt8] = Array("poq/1/pair".utf8)

    /// SHA-256("poq/1/pair" || SHA-256(prompt UTF-8) || SHA-256(output UTF-8)): 10 + 32 + 32 bytes hashed.
    public static func pairDigest(prompt: String, output: String) -> Digest {
        pairDigest(promptSHA256: SHA256.hash(Array(prompt.utf8)), outputSHA256: SHA256.hash(Array(output.utf8)))
    }

    /// The pair digest from the two text digests.
    public static func pairDigest(promptSHA256: Digest, outputSHA256: Digest) -> Digest {
        SHA256.hash(pairLabel + promptSHA256.bytes + outputSHA256.bytes)
    }

    /// The evaluator as named in a predicate.
    public struct Evaluator: Sendable, Codable, Hashable {
        /// "cross-encoder" or "similarity".
        public var mode: String
        /// Lower-case hex root of the commitment to the evaluator's canonical weights.
        public var weightsRoot: String
        /// "poq/1 <mode> sha256:<hex>" (`PoQEvaluatorIdentity`).
        public var identity: String

        public init(_ identity: PoQEvaluatorIdentity) {
            mode = identity.mode.rawValue
            weightsRoot = identity.weightsRoot.hex
            self.identity = identity.description
        }
    }

    /// The predicate JSON object, encoded with sorted keys.
    public struct Predicate: Sendable, Codable, Hashable {
        /// The score in [0, 1]; the member finalization reads (`AttestationPredicate.scoreField`).
        public var score: Double
        public var evaluator: Evaluator
        /// Lower-case hex SHA-256 of the prompt's UTF-8 bytes.
        public var promptSha256: String
        /// Lower-case hex SHA-256 of the output's UTF-8 bytes.
        public var outputSha256: String
    }

    /// The statement that `evaluator` scored `output` for `prompt` at `score`. Requires `score` in [0, 1].
    public static func statement(prompt: String, output: String, score: Double,
                                 evaluator: PoQEvaluatorIdentity) throws(StatementError) -> InTotoStatement {
        precondition(score >= 0 && score <= 1, "a PoQ score lies in [0, 1]")
        let promptDigest = SHA256.hash(Array(prompt.utf8))
        let outputDigest = SHA256.hash(Array(output.utf8))
        let subject = pairDigest(promptSHA256: promptDigest, outputSHA256: outputDigest)
        return try InTotoStatement(
            subjects: [InTotoStatement.Subject(name: subjectName, sha256: subject)], predicateType: PredicateType.poqScore,
            predicate: Predicate(score: score, evaluator: Evaluator(evaluator),
                                 promptSha256: promptDigest.hex, outputSha256: outputDigest.hex))
    }

    /// The statement signed with `key` as a DSSE envelope.
    public static func envelope(prompt: String, output: String, score: Double, evaluator: PoQEvaluatorIdentity,
                                key: SigningKey) throws(StatementError) -> DSSEEnvelope {
        try statement(prompt: prompt, output: output, score: score, evaluator: evaluator).signed(by: key)
    }
}
