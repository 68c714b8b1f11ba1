import Testing
import Verification

/// The derivation rules themselves: stream layout, labels, 1-based steps, refusals.
struct ChallengeDerivationTests {
    private let seed = SHA256.hash(Array("stream seed".utf8))

    @Test func streamBlocksAreHashesOfSeedAndBigEndianCounter() {
        var stream = ChallengeStream(seed: seed)
        let bytes = stream.nextBytes(96)
        for i: UInt8 in 0..<3 {
            let block = SHA256.hash(seed.bytes + [0, 0, 0, 0, 0, 0, 0, i])
            #expect(Array(bytes[(32 * Int(i))..<(32 * Int(i) + 32)]) == block.bytes)
        }
    }

    @Test func readsWordsBigEndian() {
        var a = ChallengeStream(seed: seed)
        var b = ChallengeStream(seed: seed)
        let bytes = a.nextBytes(8)
        #expect(b.nextUInt64() == bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    @Test func derivesChallengeSeedFromLabelBundleAndBeacon() {
        let bundle = SHA256.hash(Array("bundle".utf8)), beacon = SHA256.hash(Array("beacon".utf8))
        let want = SHA256.hash(Array("pogo/1/challenge".utf8) + bundle.bytes + beacon.bytes)
        #expect(ChallengeDerivation.challengeSeed(commitmentDigest: bundle, beacon: beacon) == want)
        #expect(ChallengeDerivation.challengeSeed(commitmentDigest: beacon, beacon: bundle) != want)
    }

    @Test func numbersChallengedStepsFromOne() throws {
        let steps = try ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: 5, count: 5)
        #expect(steps.sorted() == [1, 2, 3, 4, 5])
        #expect(throws: ChallengeError.sampleLargerThanPopulation(count: 6, population: 5)) {
            try ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: 5, count: 6)
        }
    }

    @Test func separatesStepsLeavesAndBatchesByLabel() throws {
        let a = try ChallengeDerivation.challengedLeaves(challengeSeed: seed, step: 1, leafCount: 1 << 30, count: 4)
        let b = try ChallengeDerivation.challengedLeaves(challengeSeed: seed, step: 2, leafCount: 1 << 30, count: 4)
        let c = try ChallengeDerivation.secretEvaluationBatch(challengeSeed: seed, batchSize: 4, exampleCount: 1 << 30)
        #expect(a != b && a != c && b != c)
    }

    @Test func refusesStepZero() {
        #expect(throws: ChallengeError.invalidStep(0)) {
            try ChallengeDerivation.batchIndices(datasetDigest: seed, blockSeed: seed, step: 0, batchSize: 1, exampleCount: 10)
        }
        #expect(throws: ChallengeError.invalidStep(0)) {
            try ChallengeDerivation.challengedLeaves(challengeSeed: seed, step: 0, leafCount: 10, count: 1)
        }
    }

    @Test func refusesBatchLargerThanDataset() {
        #expect(throws: ChallengeError.sampleLargerThanPopulation(count: 11, population: 10)) {
            try ChallengeDerivation.publicEvaluationBatch(datasetDigest: seed, blockSeed: seed, batchSize: 11, exampleCount: 10)
        }
    }
}

/// The worked example of docs/protocol-parts/challenges.md, so the document cannot drift.
struct ChallengeDocumentExampleTests {
    private func digest(_ text: String) -> Digest { SHA256.hash(Array(text.utf8)) }

    @Test func reproducesWorkedExampleOfProtocolDocument() throws {
        var stream = ChallengeStream(seed: digest("stream seed"))
        #expect(stream.nextUInt64() == 0x70B4_E367_7027_15DF)
        let dataset = digest("dataset"), block = digest("block seed")
        let batch = try ChallengeDerivation.batchIndices(datasetDigest: dataset, blockSeed: block, step: 1, batchSize: 64, exampleCount: 1797)
        #expect(Array(batch.prefix(8)) == [168, 270, 1600, 1431, 611, 188, 414, 1645])
        #expect(try ChallengeDerivation.publicEvaluationBatch(datasetDigest: dataset, blockSeed: block, batchSize: 5, exampleCount: 1797)
            == [1346, 984, 1492, 1752, 269])
        let seed = ChallengeDerivation.challengeSeed(commitmentDigest: digest("bundle"), beacon: digest("beacon"))
        #expect(seed.hex == "6c2e9bea4e79c2bac2e42e2e883c25a98876e07f1a0ac0a14b06ead02937ab4d")
        #expect(try ChallengeDerivation.challengedSteps(challengeSeed: seed, stepCount: 100, count: 8) == [90, 7, 74, 55, 22, 82, 91, 87])
        #expect(try ChallengeDerivation.challengedLeaves(challengeSeed: seed, step: 1, leafCount: 17, count: 4) == [6, 12, 10, 1])
        #expect(try ChallengeDerivation.secretEvaluationBatch(challengeSeed: seed, batchSize: 5, exampleCount: 1797) == [1030, 93, 970, 386, 1182])
    }
}
