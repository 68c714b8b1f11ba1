import Testing
import Verification

/// Grouping sequences into encoder runs by length.
struct SequenceGroupingTests {
    @Test func everySequenceOnceLongestFirstWithinTheLimit() {
        let lengths = [12, 500, 498, 40, 3, 500, 41, 39, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12]
        let groups = SequenceGrouping.groups(lengths: lengths, maxSequences: 4)
        #expect(groups.flatMap { $0 }.sorted() == Array(lengths.indices))
        #expect(groups.allSatisfy { !$0.isEmpty && $0.count <= 4 })
        #expect(groups[0] == [1, 5, 2])
        let firsts = groups.map { lengths[$0[0]] }
        #expect(firsts == firsts.sorted(by: >))
        for group in groups {
            let padded = group.count * lengths[group[0]]
            let real = group.map { lengths[$0] }.reduce(0, +)
            #expect(4 * padded <= 5 * real + 128, "\(group)")
        }
    }

    @Test func promptIsNeverPaddedToLongOutputs() {
        // A 10-token prompt and 16 outputs of about 500 tokens.
        let lengths = [10] + (0..<16).map { 495 + $0 % 5 }
        let groups = SequenceGrouping.groups(lengths: lengths, maxSequences: 16)
        #expect(groups == [Array(1...16), [0]].map { $0.sorted { (lengths[$0], $1) > (lengths[$1], $0) } })
    }

    @Test func shortSequencesShareARunDespiteRelativePadding() {
        #expect(SequenceGrouping.groups(lengths: [3, 9, 20], maxSequences: 16) == [[2, 1, 0]])
        #expect(SequenceGrouping.groups(lengths: [7], maxSequences: 1) == [[0]])
        #expect(SequenceGrouping.groups(lengths: [], maxSequences: 16).isEmpty)
    }
}
