import Testing
import Verification

/// PoQ consensus: the lower stake-weighted median, outliers, equivocation, no votes, quorum.
struct FinalizationPoQTests {
    typealias S = FinalizationTestSupport

    /// Naive reference: try every score, keep the smallest whose at-or-below stake reaches half.
    static func naiveLowerMedian(_ votes: [(score: Double, stake: UInt64)]) -> Double? {
        let total = votes.reduce(0) { $0 + $1.stake }
        return votes.map(\.score).filter { s in 2 * votes.filter { $0.score <= s }.reduce(0) { $0 + $1.stake } >= total }.min()
    }

    @Test func weightedMedianMatchesNaiveReferenceOnRandomInputs() {
        var rng = FinalizationRandom(seed: 0x5EED_F1A1)
        for _ in 0..<2_000 {
            let n = Int.random(in: 1...12, using: &rng)
            // Few distinct scores so ties are common.
            let grid = Bool.random(using: &rng)
            let votes = (0..<n).map { _ in
                (score: grid ? Double(Int.random(in: 0...4, using: &rng)) / 4 : Double.random(in: 0...1, using: &rng),
                 stake: UInt64.random(in: 1...(Bool.random(using: &rng) ? 3 : 1_000_000), using: &rng))
            }
            #expect(WeightedMedian.lower(votes) == Self.naiveLowerMedian(votes), "\(votes)")
        }
        #expect(WeightedMedian.lower([]) == nil)
    }

    @Test func weightedMedianIsTheLowerOneAtAnExactHalf() {
        #expect(WeightedMedian.lower([(0.2, 1), (0.8, 1)]) == 0.2)
        #expect(WeightedMedian.lower([(0.8, 1), (0.2, 1), (0.5, 1)]) == 0.5)
        #expect(WeightedMedian.lower([(0.9, 5), (0.1, 4)]) == 0.9)
    }

    @Test func consensusIsStakeWeightedAndOutliersAreListed() throws {
        let keys = (0..<4).map(S.key)
        let result = Finalizer.finalize(try S.request(.poq, stakes: [3, 2, 2, 1],
                                                      [S.poq(keys[0], 0.7), S.poq(keys[1], 0.75), S.poq(keys[2], 0.2), S.poq(keys[3], 0.81)]))
        // Sorted: 0.2(2) 0.7(3) 0.75(2) 0.81(1); total 8; stake <= 0.7 is 5 >= 4.
        #expect(result.consensus == 0.7)
        #expect(result.decision == .scored && result.voters == 4)
        #expect(result.outliers == [.init(keyID: keys[2].keyID, score: 0.2, distance: 0.7 - 0.2),
                                    .init(keyID: keys[3].keyID, score: 0.81, distance: 0.81 - 0.7)].sorted { $0.keyID < $1.keyID })
        #expect(result.stake == .init(total: 8, voted: 8, abstained: 0, equivocated: 0, positive: nil, negative: nil, leafOnlyPositive: nil))
    }

    @Test func outlierDistanceIsStrictAndConfigurable() throws {
        let keys = (0..<2).map(S.key)
        // 0.75 - 0.5 is exactly 0.25 in binary64: at the distance, not beyond it.
        let votes = [S.poq(keys[0], 0.5), S.poq(keys[1], 0.75)]
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1], votes, outlierDistance: 0.25)).outliers.isEmpty)
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1], votes, outlierDistance: 0.2)).outliers.map(\.score) == [0.75])
    }

    @Test func noVotesGivesNullConsensus() throws {
        let result = Finalizer.finalize(try S.request(.poq, stakes: [1, 2], [S.poq(S.key(5), 0.5)]))
        #expect(result.consensus == nil && result.decision == .undecided && result.outliers.isEmpty)
        #expect(try String(decoding: result.jsonBytes(), as: UTF8.self).contains("\"consensus\":null"))
        #expect(try JSONDecoderBox.decode(result.jsonBytes()) == result)
    }

    /// The quorum is met exactly at voted/total = quorum (2 of 3 meets the default 2/3; a
    /// binary64 quorum is its exact value), and below it there is no consensus, whatever the
    /// voters said; equivocating and abstaining stake count against it.
    @Test func consensusNeedsTheQuorumOfTheTotalStake() throws {
        let keys = (0..<3).map(S.key)
        let two = [S.poq(keys[0], 0.9), S.poq(keys[1], 0.8)]
        let met = Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1], two))
        #expect(met.decision == .scored && met.consensus == 0.8)
        let below = Finalizer.finalize(try S.request(.poq, stakes: [1_000_000, 1_000_000, 1_000_001],
                                                     [S.poq(keys[0], 0.9), S.poq(keys[1], 0.2)]))
        // 2,000,000 of 3,000,001 voted: below 2/3 by a hair, so no consensus and no outliers.
        #expect(below.decision == .undecided && below.consensus == nil && below.outliers.isEmpty)
        #expect(below.votes.count == 2 && below.stake.voted == 2_000_000)
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1], two, quorum: StakeThreshold(0.6667)!)).decision == .undecided)
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1], two, quorum: StakeThreshold(2.0 / 3.0)!)).decision == .scored)
        let lone = [S.poq(keys[0], 0.1)]
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1], lone)).consensus == nil)
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1], lone, quorum: .fraction(1, 3))).consensus == 0.1)
        // An equivocating key's stake is not voting stake.
        let equivocation = two + [S.poq(keys[2], 0.1), S.poq(keys[2], 0.2)]
        #expect(Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 2], equivocation)).decision == .undecided)
    }

    @Test func differentScoresFromOneKeyAreEquivocation() throws {
        let keys = (0..<3).map(S.key)
        let result = Finalizer.finalize(try S.request(.poq, stakes: [1, 1, 1],
                                                      [S.poq(keys[0], 0.5), S.poq(keys[0], 0.5000000000000001), S.poq(keys[1], 0.4), S.poq(keys[1], 0.4)],
                                                      quorum: .fraction(1, 3)))
        #expect(result.equivocating.map(\.keyID) == [keys[0].keyID])
        #expect(result.consensus == 0.4 && result.voters == 1)
        #expect(result.stake.equivocated == 1 && result.stake.abstained == 1)
    }
}

/// A small fixed-seed generator (FinalizationRandom), so random tests repeat exactly.
struct FinalizationRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
