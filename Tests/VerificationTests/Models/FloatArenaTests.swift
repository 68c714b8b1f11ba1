import Testing
@testable import Verification

/// The arena the chunked passes share: after a rewind it hands the same blocks out again,
/// zeroed, and replaces a block too small for the new request.
struct FloatArenaTests {
    @Test func rewoundBlocksComeBackZeroedAndTooSmallOnesAreReplaced() {
        let arena = FloatArena()
        let a = arena.make(8), b = arena.make(4)
        a.update(repeating: 7, count: 8)
        b.update(repeating: 9, count: 4)
        #expect(arena.allocatedFloats == 12)
        arena.rewind()
        #expect(arena.allocatedFloats == 0)
        let again = arena.make(6)
        #expect(again == a)
        #expect((0..<8).allSatisfy { again[$0] == ($0 < 6 ? 0 : 7) })  // zeroed as far as asked
        let larger = arena.make(5)
        #expect(larger != b)
        #expect((0..<5).allSatisfy { larger[$0] == 0 })
        let extra = arena.make(3)
        #expect((0..<3).allSatisfy { extra[$0] == 0 })
        #expect(arena.allocatedFloats == 14)
    }

    /// A chunked step (one example per pass, passes sharing one rewound arena) gives the
    /// gradient of the whole batch in one pass, up to the rounding of the chunk sum.
    @Test func chunkedPassesWithOneArenaMatchOnePass() throws {
        let model = try GPT2(GPT2Tests.config)
        var rng = TestRandom(seed: 21)
        let data = TokenDataset.encode(tokens: rng.ints(1_024, below: 300).map { UInt16($0) })
        let whole = try PoGOWorkload(model: .gpt2(model.config), datasetBytes: data)
        var chunked = whole
        chunked.activationBudgetBytes = try #require(PoGOWorkload.activationBytesPerExample(model: .gpt2(model.config), backward: true))
        #expect(chunked.examplesPerPass(backward: true) == 1 && whole.examplesPerPass(backward: true) >= 3)
        let theta = whole.initialParameters(seed: 3)
        var g1: [Float] = [], g2: [Float] = []
        let l1 = try whole.lossAndGradient(parameters: theta, indices: [5, 100, 300], gradient: &g1)
        let l2 = try chunked.lossAndGradient(parameters: theta, indices: [5, 100, 300], gradient: &g2)
        #expect(abs(l1 - l2) <= 1e-5 * abs(l1))
        #expect(gradientError(g2, g1) < 1e-5)
        #expect(abs(try chunked.loss(parameters: theta, indices: [5, 100, 300]) - l1) <= 1e-5 * abs(l1))
    }
}
