/// The lower stake-weighted median of scores, the PoQ consensus.
public enum WeightedMedian {
    /// The smallest score s among `votes` such that the stake of votes with score <= s is at
    /// least half the total stake (2 * stake(<= s) >= total, in exact integer arithmetic).
    /// Nil when `votes` is empty. Requires every stake >= 1 and a total below 2^63.
    ///
    /// It is always one of the scores (never an average of two), and an adversary holding less
    /// than half the voting stake cannot move it outside the range of the honest scores.
    public static func lower(_ votes: [(score: Double, stake: UInt64)]) -> Double? {
        guard !votes.isEmpty else { return nil }
        let total = votes.reduce(UInt64(0)) { $0 + $1.stake }
        let sorted = votes.sorted { $0.score < $1.score }
        var cumulative: UInt64 = 0
        var i = 0
        while i < sorted.count {
            // Equal scores enter together: the condition is on stake(<= s), not on a prefix.
            let score = sorted[i].score
            while i < sorted.count, sorted[i].score == score {
                cumulative += sorted[i].stake
                i += 1
            }
            if 2 * cumulative >= total { return score }
        }
        preconditionFailure("the cumulative stake reaches the total")
    }
}
