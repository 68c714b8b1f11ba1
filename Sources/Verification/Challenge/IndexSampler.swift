/// Unbiased integers and samples without replacement drawn from a `RandomWordSource` (pogo/1).
public enum IndexSampler {
    /// A uniform integer in 0..<n by rejection sampling.
    ///
    /// Reads 64-bit words x; with limit = 2^64 - (2^64 mod n), rejects x >= limit and returns
    /// x mod n for the first accepted word. When n divides 2^64 nothing is rejected.
    /// Requires n >= 1.
    public static func uniform<Source: RandomWordSource>(below n: Int, from source: inout Source) -> Int {
        precondition(n >= 1, "uniform(below:) needs n >= 1, got \(n)")
        let bound = UInt64(n)
        // 2^64 mod n, computed without 2^64: (2^64 - n) mod n.
        let remainder = (0 &- bound) % bound
        while true {
            let x = source.nextUInt64()
            if remainder == 0 || x < 0 &- remainder { return Int(x % bound) }
        }
    }

    /// `count` distinct integers from 0..<population, in draw order, by a sparse Fisher-Yates
    /// shuffle: for i in 0..<count, j = i + uniform(population - i), swap positions i and j
    /// of the virtual array [0, 1, ..., population - 1], output position i. Only swapped
    /// positions are stored, so memory is O(count). count == population yields a permutation.
    public static func distinct<Source: RandomWordSource>(
        count: Int, below population: Int, from source: inout Source
    ) throws -> [Int] {
        guard count >= 0 else { throw ChallengeError.negativeCount(count) }
        guard population >= 0 else { throw ChallengeError.negativeCount(population) }
        guard count <= population else {
            throw ChallengeError.sampleLargerThanPopulation(count: count, population: population)
        }
        var swapped: [Int: Int] = [:]
        swapped.reserveCapacity(count)
        var out = [Int]()
        out.reserveCapacity(count)
        for i in 0..<count {
            let j = i + uniform(below: population - i, from: &source)
            let atI = swapped.removeValue(forKey: i) ?? i
            let atJ = j == i ? atI : (swapped[j] ?? j)
            // Position i is never read again (later j are > i), so only position j keeps a value.
            if j != i { swapped[j] = atI }
            out.append(atJ)
        }
        return out
    }
}
