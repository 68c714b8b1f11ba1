/// The outcome of verifying one PoGO bundle: the verdict, what was challenged, every check
/// with its measured values, timings and the policy applied.
///
/// Encoded as JSON with stable field names (see docs/protocol-parts/verification.md); digests
/// and the beacon are lower-case hex.
public struct VerificationReport: Sendable, Codable, Hashable {
    /// Positive only if every check passed.
    public enum Verdict: String, Sendable, Codable, Hashable {
        case positive, negative
    }

    /// Which checks ran: the whole run replayed and challenged steps re-executed ("full"), or
    /// only Merkle openings and the update rule on challenged leaves ("leafOnly").
    public enum Mode: String, Sendable, Codable, Hashable {
        case full, leafOnly
    }

    /// Values a check measured; fields that do not apply to a check are absent. A non-finite
    /// value (a miner can drive a recomputation to one) is encoded as the JSON string "nan",
    /// "inf" or "-inf", so every report can be encoded and signed (`Measurements+Coding`).
    public struct Measurements: Sendable, Codable, Hashable {
        public var claimedLoss: Float?
        public var recomputedLoss: Float?
        public var lossRelativeError: Float?
        /// Largest per-leaf fraction of compared codes that differ.
        public var mismatchedCodeFraction: Double?
        /// Largest |committed code - recomputed code|, the recomputed code taken in quanta of
        /// the committed scale.
        public var maxCodeDistance: Int?
        /// Largest distance, in quanta of the committed scale, between a recomputed value and
        /// the rounding boundary between its differing committed and recomputed codes.
        public var maxBoundaryDistance: Double?
        public var maxScaleRelativeError: Float?
        /// Blocks compared in full, and blocks below the noise floor (scale bound only).
        public var comparedBlocks: Int?
        public var noiseBlocks: Int?
        /// Replay: the first step whose recomputed root differs, and how many differ.
        public var firstFailingStep: Int?
        public var failingSteps: Int?
        /// Leaves the check covered (0-based).
        public var leaves: [Int]?

        public init() {}
    }

    /// One check: a stable name, the step it concerns (challenged-step checks), the result,
    /// a human-readable detail and its measurements.
    public struct Check: Sendable, Codable, Hashable {
        public var name: CheckName
        public var step: Int?
        public var passed: Bool
        public var detail: String
        public var measured: Measurements

        public init(name: CheckName, step: Int? = nil, passed: Bool, detail: String, measured: Measurements = Measurements()) {
            self.name = name
            self.step = step
            self.passed = passed
            self.detail = detail
            self.measured = measured
        }

        /// `name`, or `name[step]` for a step's check: how failures are listed.
        public var label: String { step.map { "\(name.rawValue)[\($0)]" } ?? name.rawValue }
    }

    /// The leaves challenged at one step.
    public struct ChallengedStep: Sendable, Codable, Hashable {
        public var step: Int
        public var leaves: [Int]
    }

    /// Milliseconds per phase. `totalMs` is wall-clock; challenged steps and evaluation
    /// losses run concurrently, so their phase times add up their jobs and may overlap.
    public struct Timings: Sendable, Codable, Hashable {
        public var structureMs: Double = 0
        public var replayMs: Double = 0
        public var challengedStepsMs: Double = 0
        public var progressMs: Double = 0
        public var totalMs: Double = 0
    }

    public var verdict: Verdict
    public var mode: Mode
    /// SHA-256 of the bundle bytes verified (one encoding of the commitment).
    public var bundleDigest: String
    /// The commitment digest (docs/protocol-parts/bundle.md): the attestation's subject.
    public var commitmentDigest: String
    /// The run key: what fixes the training trajectory.
    public var runKey: String
    public var beacon: String
    /// Who chose the beacon: the verifier (drawn at random) or the caller.
    public var beaconSource: ChallengeBeacon.Source
    public var challengeSeed: String
    /// Challenged steps (1-based) in draw order.
    public var stepsChecked: [Int]
    /// Challenged leaves per challenged step, in the same order.
    public var leavesChecked: [ChallengedStep]
    public var checks: [Check]
    /// In leaf-only mode, the full-mode checks that did not run; absent in full mode.
    public var checksNotRun: [CheckName]? = nil
    /// In leaf-only mode, why the model was not re-executed; absent in full mode.
    public var leafOnlyReason: String? = nil
    /// In full mode, the estimated peak memory of the re-execution (`ReexecutionCost`), bytes;
    /// informative, like the timings.
    public var estimatedPeakBytes: Int? = nil
    /// Labels of the failed checks, in the order they ran.
    public var failedChecks: [String]
    public var timings: Timings
    public var policy: VerificationPolicy

    /// The check named `name` (at `step`, when given), if it ran.
    public func check(_ name: CheckName, step: Int? = nil) -> Check? {
        checks.first { $0.name == name && (step == nil || $0.step == step) }
    }

    /// Whether any check named `name` ran and failed.
    public func failed(_ name: CheckName) -> Bool {
        checks.contains { $0.name == name && !$0.passed }
    }
}
