import Foundation
import TestSupport
@testable import Verification

/// Shared fixtures for the PoGO verifier tests: the data sets from data/, small miners, bundle
/// round trips and beacons that force a chosen step to be challenged.
enum PoGOTestSupport {
    static let digitsPath = Repository.path("data/digits.csv")
    static let shakespearePath = Repository.path("data/shakespeare.txt")
    static let blockSeed = SHA256.hash(Array("block seed".utf8))

    static func bytes(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("\(path) is missing: run scripts/setup to build the data sets")
        }
        return [UInt8](data)
    }

    static let digits = bytes(digitsPath)
    static let shakespeare = bytes(shakespearePath)

    /// The first 65,536 bytes of Shakespeare as an llm.c token file (bytes as tokens), written
    /// once per test process to a temporary file.
    static let shakespeareTokens = TokenDataset.encode(tokens: shakespeare.prefix(65_536).map(UInt16.init))
    static let shakespeareTokensPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pogo-tokens-\(UUID().uuidString).bin").path
        precondition(FileManager.default.createFile(atPath: path, contents: Data(shakespeareTokens)), "cannot write \(path)")
        return path
    }()

    static let datasets = DatasetResolver(paths: [SHA256.hash(digits): digitsPath, SHA256.hash(shakespeare): shakespearePath,
                                                  SHA256.hash(shakespeareTokens): shakespeareTokensPath])

    /// A tiny gpt2 (L = 1, C = 32, 2 heads, 16 positions, V = 256) on the Shakespeare token file.
    static func gpt2Miner(lr: Float = 0.002, optimizer: Optimizer = .adamw(AdamW(weightDecay: 0.1))) throws -> PoGOMiner {
        try PoGOMiner(settings: .init(model: .gpt2(GPT2.Config(layers: 1, channels: 32, heads: 2, positions: 16, vocabulary: 256)),
                                      datasetDigest: SHA256.hash(shakespeareTokens), learningRate: lr, batchSize: 8,
                                      evaluationBatchSize: 64, blockSeed: blockSeed, optimizer: optimizer),
                      datasetBytes: shakespeareTokens)
    }

    /// The test MLP [64, 32, 10] (2,410 parameters, 3 leaves) on digits.
    static func mlpMiner(lr: Float = 0.1, batch: Int = 64, evaluation: Int = 256) throws -> PoGOMiner {
        try PoGOMiner(settings: .init(model: .mlp(inputs: 64, hidden: [32], classes: 10, activation: "tanh"),
                                      datasetDigest: SHA256.hash(digits), learningRate: lr, batchSize: batch,
                                      evaluationBatchSize: evaluation, blockSeed: blockSeed),
                      datasetBytes: digits)
    }

    /// A tiny GPT (L = 1, C = 32, T = 16) on Shakespeare.
    static func gptMiner(lr: Float = 0.05) throws -> PoGOMiner {
        try PoGOMiner(settings: .init(model: .gpt(layers: 1, channels: 32, heads: 2, context: 16),
                                      datasetDigest: SHA256.hash(shakespeare), learningRate: lr, batchSize: 8,
                                      evaluationBatchSize: 64, blockSeed: blockSeed),
                      datasetBytes: shakespeare)
    }

    /// Mines `steps` steps from the seeded initial parameters.
    static func mine(_ miner: PoGOMiner, steps: Int, seed: UInt64 = 1, choose: PoGOMiner.GradientChoice? = nil) throws -> MinedRun {
        let theta0 = miner.workload.initialParameters(seed: seed)
        if let choose { return try miner.mine(theta0: theta0, steps: steps, choose: choose) }
        return try miner.mine(theta0: theta0, steps: steps)
    }

    /// Mines `steps` steps from the seeded initial parameters, committing `commit`'s quantized
    /// gradients as they are.
    static func mine(_ miner: PoGOMiner, steps: Int, seed: UInt64 = 1, commit: PoGOMiner.CommitmentChoice) throws -> MinedRun {
        try miner.mine(theta0: miner.workload.initialParameters(seed: seed), steps: steps, commit: commit)
    }

    static func bundle(_ run: MinedRun) throws -> ProofBundle {
        try ProofBundle(bytes: run.bundleJSON(.inline))
    }

    /// The first beacon "beacon i" (i = 0, 1, ...) whose challenges include `step`.
    static func beacon(challenging step: Int, in bundle: ProofBundle, policy: VerificationPolicy = .init()) throws -> Digest {
        let n = bundle.steps.count
        for i in 0..<100_000 {
            let beacon = SHA256.hash(Array("beacon \(i)".utf8))
            let seed = ChallengeDerivation.challengeSeed(commitmentDigest: bundle.commitmentDigest, beacon: beacon)
            if try ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: n, count: min(policy.challengedSteps, n)).contains(step) {
                return beacon
            }
        }
        fatalError("no beacon challenges step \(step)")
    }

    /// The first beacon "beacon i" whose challenges avoid `step`.
    static func beacon(avoiding step: Int, in bundle: ProofBundle, policy: VerificationPolicy = .init()) throws -> Digest {
        let n = bundle.steps.count
        for i in 0..<100_000 {
            let beacon = SHA256.hash(Array("beacon \(i)".utf8))
            let seed = ChallengeDerivation.challengeSeed(commitmentDigest: bundle.commitmentDigest, beacon: beacon)
            if try !ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: n, count: min(policy.challengedSteps, n)).contains(step) {
                return beacon
            }
        }
        fatalError("no beacon avoids step \(step)")
    }

    static func verify(_ bundle: ProofBundle, beacon: Digest, policy: VerificationPolicy = .init(),
                       fileRoot: FileArtifactRoot? = nil) throws -> VerificationReport {
        try PoGOVerifier(policy: policy, datasets: datasets, fileRoot: fileRoot).verify(bundle, beacon: ChallengeBeacon(beacon, source: .caller))
    }

    /// Verifies `run` with a beacon that challenges `step`.
    static func verify(_ run: MinedRun, challenging step: Int) throws -> VerificationReport {
        let b = try bundle(run)
        return try verify(b, beacon: try beacon(challenging: step, in: b))
    }

    /// A gradient of deterministic pseudo-random values of the same size and magnitude.
    static func randomGradient(like honest: [Float], seed: UInt64) -> [Float] {
        var rng = Verification.SplitMix64(seed: seed)
        let magnitude = honest.map(abs).max() ?? 1
        return honest.map { _ in Float(2 * rng.nextUnit() - 1) * magnitude }
    }
}
