import Testing
import Verification

/// A word source that replays fixed words, to force rejections.
struct ScriptedWords: RandomWordSource {
    var words: [UInt64]
    private(set) var consumed = 0
    init(_ words: [UInt64]) { self.words = words }
    mutating func nextUInt64() -> UInt64 {
        defer { consumed += 1 }
        return words[consumed]
    }
}

/// Rejection sampling, sampling without replacement, and their uniformity.
struct IndexSamplerTests {
    @Test func rejectsWordsAtOrAboveLimitAndAcceptsLimitMinusOne() {
        // n = 10: 2^64 mod 10 = 6, limit = 2^64 - 6 = 0xFFFF_FFFF_FFFF_FFFA.
        let accepted: UInt64 = 0xFFFF_FFFF_FFFF_FFF9
        var source = ScriptedWords([0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFA, accepted])
        #expect(IndexSampler.uniform(below: 10, from: &source) == Int(accepted % 10))
        #expect(source.consumed == 3)
    }

    @Test func rejectsOftenWhenPopulationIsJustAboveAQuarterOfTheRange() {
        // n = 2^62 + 1: limit = 3n, so the word 3n is rejected and 3n - 1 maps to n - 1.
        let n = (1 << 62) + 1
        let limit = UInt64(n) * 3
        var source = ScriptedWords([limit, UInt64.max, limit - 1])
        #expect(IndexSampler.uniform(below: n, from: &source) == n - 1)
        #expect(source.consumed == 3)
    }

    @Test func neverRejectsWhenPopulationDividesTheRange() {
        var source = ScriptedWords([UInt64.max])
        #expect(IndexSampler.uniform(below: 1 << 32, from: &source) == Int(UInt32.max))
        var one = ScriptedWords([UInt64.max])
        #expect(IndexSampler.uniform(below: 1, from: &one) == 0)
    }

    @Test func rejectsOnRealStreamForLargePopulation() {
        // floor(2^64 / 3) + 1 rejects about a third of words; the first 12 draws of this seed
        // need more than 12 words, which the counting wrapper shows.
        let n = Int(UInt64.max / 3) + 1
        var counting = CountingStream(ChallengeStream(seed: SHA256.hash(Array("stream seed".utf8))))
        for _ in 0..<12 { _ = IndexSampler.uniform(below: n, from: &counting) }
        #expect(counting.words > 12)
    }

    @Test func drawsPermutationWhenCountEqualsPopulation() throws {
        var stream = ChallengeStream(seed: SHA256.hash(Array("perm".utf8)))
        for n in [1, 2, 7, 100, 1000] {
            let p = try IndexSampler.distinct(count: n, below: n, from: &stream)
            #expect(p.sorted() == Array(0..<n))
        }
    }

    @Test func refusesCountOneAbovePopulation() throws {
        var stream = ChallengeStream(seed: SHA256.hash([]))
        #expect(try IndexSampler.distinct(count: 20, below: 20, from: &stream).count == 20)
        #expect(throws: ChallengeError.sampleLargerThanPopulation(count: 21, population: 20)) {
            try IndexSampler.distinct(count: 21, below: 20, from: &stream)
        }
        #expect(throws: ChallengeError.negativeCount(-1)) { try IndexSampler.distinct(count: -1, below: 20, from: &stream) }
        #expect(try IndexSampler.distinct(count: 0, below: 0, from: &stream) == [])
    }

    @Test func keepsDistinctSamplesDistinctAndInRange() throws {
        var stream = ChallengeStream(seed: SHA256.hash(Array("distinct".utf8)))
        for _ in 0..<200 {
            let s = try IndexSampler.distinct(count: 30, below: 40, from: &stream)
            #expect(Set(s).count == 30 && s.allSatisfy { (0..<40).contains($0) })
        }
    }

    // Critical values of the chi-square distribution at the 99.9% level: 27.877 for 9 degrees
    // of freedom and 43.820 for 19 (NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.4).
    @Test func drawsUniformIntegersByChiSquare() {
        var stream = ChallengeStream(seed: SHA256.hash(Array("chi-square uniform".utf8)))
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<200_000 { counts[IndexSampler.uniform(below: 10, from: &stream)] += 1 }
        #expect(Self.chiSquare(counts) < 27.877)
    }

    @Test func drawsUniformFirstPositionOfThreeOfTwentyByChiSquare() throws {
        var stream = ChallengeStream(seed: SHA256.hash(Array("chi-square distinct".utf8)))
        var counts = [Int](repeating: 0, count: 20)
        for _ in 0..<200_000 { counts[try IndexSampler.distinct(count: 3, below: 20, from: &stream)[0]] += 1 }
        #expect(Self.chiSquare(counts) < 43.820)
    }

    @Test func detectsBiasedCountsWithTheSameStatistic() {
        // The statistic is not vacuous: moving 700 of 200,000 draws from one bin to another (3.5% of a bin) gives 49 and fails it.
        var counts = [Int](repeating: 20_000, count: 10)
        counts[0] += 700
        counts[1] -= 700
        #expect(Self.chiSquare(counts) > 27.877)
    }

    static func chiSquare(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }
}

/// Counts the words drawn from a challenge stream.
struct CountingStream: RandomWordSource {
    var inner: ChallengeStream
    private(set) var words = 0
    init(_ inner: ChallengeStream) { self.inner = inner }
    mutating func nextUInt64() -> UInt64 {
        words += 1
        return inner.nextUInt64()
    }
}
