import Testing
@testable import Verification

/// The AdamW update rule: the worked example of docs/protocol-parts/quantization.md (values from
/// tools/adamw_reference.py, numpy float32), leaf and whole-vector application agreeing, and
/// state sizes checked.
struct AdamWUpdateTests {
    static let rule = UpdateRule(learningRate: 0.001, optimizer: .adamw(AdamW(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01)))

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test func workedExampleMatchesNumpyBitForBit() throws {
        let gradient = try QuantizedGradient(quantizing: [0.5, -1.25, 3.0])
        var theta: [Float] = [1.0, -2.0, 0.25]
        var state = Self.rule.initialState(count: 3)
        let adam = AdamW(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01)
        #expect(Self.bits([adam.biasCorrections(step: 1).bc1, adam.biasCorrections(step: 1).bc2]) == [0x3dccccd0, 0x3a831200])
        #expect(Self.bits([adam.biasCorrections(step: 2).bc1, adam.biasCorrections(step: 2).bc2]) == [0x3e428f60, 0x3b030100])
        try Self.rule.apply(gradient, step: 1, to: &theta, state: &state)
        #expect(Self.bits(state.m) == [0x3d2f8afc, 0xbe03a83c, 0x3e99999c])
        #expect(Self.bits(state.v) == [0x394097d6, 0x3ad8aad0, 0x3c137440])
        #expect(Self.bits(theta) == [0x3f7fbdcf, 0xbfffde93, 0x3e7ef933])
        try Self.rule.apply(gradient, step: 2, to: &theta, state: &state)
        #expect(Self.bits(state.m) == [0x3da6c409, 0xbe7a260c, 0x3f11eb88])
        #expect(Self.bits(state.v) == [0x39c07f2f, 0x3b588f14, 0x3c936160])
        #expect(Self.bits(theta) == [0x3f7f7b9e, 0xbfffbd26, 0x3e7df267])
    }

    @Test func leafUpdatesEqualTheWholeVectorUpdate() throws {
        var rng = TestRandom(seed: 21)
        let count = 2_500
        var whole = rng.floats(count)
        var state = Self.rule.initialState(count: count)
        var leaves = (0..<3).map { Array(whole[QuantizedGradient.leafRange($0, parameters: count)]) }
        var leafStates = (0..<3).map { _ in Self.rule.initialState(count: 0) }
        for i in 0..<3 { leafStates[i] = Self.rule.initialState(count: leaves[i].count) }
        for t in 1...3 {
            let g = try QuantizedGradient(quantizing: rng.floats(count, scale: 0.1))
            try Self.rule.apply(g, step: t, to: &whole, state: &state)
            for i in 0..<3 {
                let leaf = try GradientLeaf(bytes: g.leafBytes(i), parameterCount: leaves[i].count)
                try Self.rule.apply(leaf, step: t, to: &leaves[i], state: &leafStates[i])
            }
        }
        #expect(Self.bits(leaves.flatMap { $0 }) == Self.bits(whole))
        #expect(Self.bits(leafStates.flatMap(\.v)) == Self.bits(state.v))
        var committed = Self.rule.initialState(count: count)
        var replayed = whole
        let g = try QuantizedGradient(quantizing: rng.floats(count))
        let commitment = try Self.rule.applyAndCommit(g, step: 4, to: &replayed, state: &committed)
        #expect(commitment.root == (try ParameterCommitment(parameters: replayed)).root)
    }

    @Test func refusesStateOfTheWrongSize() throws {
        var theta: [Float] = [1, 2]
        var state = Self.rule.initialState(count: 3)
        #expect(throws: QuantizationError.parameterCountMismatch(got: 3, want: 2)) {
            try Self.rule.apply(try QuantizedGradient(quantizing: [0.1, 0.2]), step: 1, to: &theta, state: &state)
        }
    }

    @Test func sgdRuleIsTheQuantizedUpdate() throws {
        let g = try QuantizedGradient(quantizing: [0.5, -1.25, 3.0])
        var a: [Float] = [1.0, -2.0, 0.25], b = a
        var none = UpdateRule(learningRate: 0.1).initialState(count: 3)
        #expect(none.m.isEmpty)
        try UpdateRule(learningRate: 0.1).apply(g, step: 7, to: &a, state: &none)
        try QuantizedUpdate.apply(g, learningRate: 0.1, to: &b)
        #expect(Self.bits(a) == [0x3f750750, 0xbfef8af9, 0xbd4cccd0])
        #expect(Self.bits(a) == Self.bits(b))
    }
}
