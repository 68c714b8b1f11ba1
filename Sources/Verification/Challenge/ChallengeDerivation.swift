/// The pogo/1 derivations of public batches, challenges and secret evaluation batches.
///
/// Every derivation hashes an ASCII label (no terminator) followed by fixed-size inputs, all
/// concatenated: 32-byte digests as is, integers as uint64 big-endian. The hash seeds a
/// `ChallengeStream`, from which `IndexSampler.distinct` draws indices without replacement;
/// results are in draw order. See docs/protocol-parts/challenges.md.
public enum ChallengeDerivation {
    /// Label of training batch seeds.
    public static let batchLabel = "pogo/1/batch"
    /// Label of the public evaluation batch seed.
    public static let publicEvaluationLabel = "pogo/1/eval-public"
    /// Label of the challenge seed.
    public static let challengeLabel = "pogo/1/challenge"
    /// Label of the challenged-steps stream.
    public static let stepsLabel = "pogo/1/steps"
    /// Label of the challenged-leaves streams.
    public static let leavesLabel = "pogo/1/leaves"
    /// Label of the secret evaluation batch stream.
    public static let secretEvaluationLabel = "pogo/1/eval-secret"

    /// The example indices of training step `step` (1-based):
    /// stream(SHA-256("pogo/1/batch" || datasetDigest || blockSeed || uint64_be(step))),
    /// `batchSize` distinct indices below `exampleCount` (for byte-level text, the number
    /// of valid window starts).
    public static func batchIndices(
        datasetDigest: Digest, blockSeed: Digest, step: Int, batchSize: Int, exampleCount: Int
    ) throws -> [Int] {
        guard step >= 1 else { throw ChallengeError.invalidStep(step) }
        var stream = ChallengeStream(seed: seed(batchLabel, datasetDigest.bytes, blockSeed.bytes, bigEndian(UInt64(step))))
        return try IndexSampler.distinct(count: batchSize, below: exampleCount, from: &stream)
    }

    /// The public evaluation batch: stream(SHA-256("pogo/1/eval-public" || datasetDigest || blockSeed)).
    public static func publicEvaluationBatch(
        datasetDigest: Digest, blockSeed: Digest, batchSize: Int, exampleCount: Int
    ) throws -> [Int] {
        var stream = ChallengeStream(seed: seed(publicEvaluationLabel, datasetDigest.bytes, blockSeed.bytes))
        return try IndexSampler.distinct(count: batchSize, below: exampleCount, from: &stream)
    }

    /// The challenge seed: SHA-256("pogo/1/challenge" || commitmentDigest || beacon), where
    /// `commitmentDigest` is the bundle's `ProofBundle.commitmentDigest` (not the digest of its
    /// bytes, so a re-encoded bundle cannot draw new challenges) and the beacon is any 32 bytes
    /// published after the commitment.
    public static func challengeSeed(commitmentDigest: Digest, beacon: Digest) -> Digest {
        seed(challengeLabel, commitmentDigest.bytes, beacon.bytes)
    }

    /// The challenged steps, 1-based, in draw order: `count` distinct of the `stepCount`
    /// steps from stream(SHA-256("pogo/1/steps" || challengeSeed)). Callers wanting
    /// "k or all" pass min(k, stepCount).
    public static func challengedSteps(challengeSeed: Digest, stepCount: Int, count: Int) throws -> [Int] {
        var stream = ChallengeStream(seed: seed(stepsLabel, challengeSeed.bytes))
        return try IndexSampler.distinct(count: count, below: stepCount, from: &stream).map { $0 + 1 }
    }

    /// The challenged leaves of step `step` (1-based), 0-based leaf indices in draw order:
    /// `count` distinct of `leafCount` from stream(SHA-256("pogo/1/leaves" || challengeSeed || uint64_be(step))).
    public static func challengedLeaves(challengeSeed: Digest, step: Int, leafCount: Int, count: Int) throws -> [Int] {
        guard step >= 1 else { throw ChallengeError.invalidStep(step) }
        var stream = ChallengeStream(seed: seed(leavesLabel, challengeSeed.bytes, bigEndian(UInt64(step))))
        return try IndexSampler.distinct(count: count, below: leafCount, from: &stream)
    }

    /// The secret evaluation batch: `batchSize` distinct indices below `exampleCount` from
    /// stream(SHA-256("pogo/1/eval-secret" || challengeSeed)).
    public static func secretEvaluationBatch(challengeSeed: Digest, batchSize: Int, exampleCount: Int) throws -> [Int] {
        var stream = ChallengeStream(seed: seed(secretEvaluationLabel, challengeSeed.bytes))
        return try IndexSampler.distinct(count: batchSize, below: exampleCount, from: &stream)
    }

    /// SHA-256 of an ASCII label followed by byte strings.
    static func seed(_ label: String, _ parts: [UInt8]...) -> Digest {
        SHA256.hash(parts: [Array(label.utf8)] + parts)
    }

    /// The 8 big-endian bytes of `value`.
    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}
