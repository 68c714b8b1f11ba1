/// How sequences of various lengths are grouped into encoder runs: similar lengths together,
/// so that padding each run to its longest sequence wastes little.
public enum SequenceGrouping {
    /// Groups of indices into `lengths` (each index once, every group non-empty, at most
    /// `maxSequences` long), longest sequences first.
    ///
    /// Sequences are taken in decreasing length (ties by index); one joins the current group
    /// while the group has fewer than `maxSequences` and its padded size (members × the
    /// group's first, longest, length) stays within 1.25 × its real tokens + 32 rows. So a
    /// prompt of 10 tokens is never padded to an output of 500, and padding costs at most a
    /// quarter of a run's work, or a few rows for short sequences.
    public static func groups(lengths: [Int], maxSequences: Int) -> [[Int]] {
        precondition(maxSequences >= 1, "maxSequences must be at least 1, got \(maxSequences)")
        let order = lengths.indices.sorted { (lengths[$0], $1) > (lengths[$1], $0) }
        var groups: [[Int]] = []
        var current: [Int] = []
        var realTokens = 0
        for index in order {
            let length = lengths[index]
            if let first = current.first {
                let padded = (current.count + 1) * lengths[first]
                if current.count < maxSequences, 4 * padded <= 5 * (realTokens + length) + 128 {
                    current.append(index)
                    realTokens += length
                    continue
                }
                groups.append(current)
            }
            current = [index]
            realTokens = length
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}
