import Testing
import Verification

/// The forward-only pass (evaluation losses) alternates two sets of block activations; the
/// training pass keeps one per block. Both must compute the same loss, bit for bit.
struct GPTForwardOnlyTests {
    @Test func forwardOnlyLossEqualsTrainingPassLossForEveryDepth() throws {
        var rng = SplitMix64(seed: 29)
        for layers in 1...4 {
            let gpt = try GPT(GPT.Config(layers: layers, channels: 32, heads: 2, context: 16))
            let parameters = gpt.initialParameters(seed: rng.next())
            let B = 3, T = 16
            let tokens = (0..<(B * (T + 1))).map { _ in Int32(rng.next() % 256) }
            var inputs: [Int32] = [], targets: [Int32] = []
            for b in 0..<B {
                let row: Int = b * (T + 1)
                inputs += tokens[row..<(row + T)]
                targets += tokens[(row + 1)...(row + T)]
            }
            let batch = TextBatch(inputs: inputs, targets: targets, T: T)
            var gradient: [Float] = []
            let trained = try gpt.lossAndGradient(parameters: parameters, batch: batch, gradient: &gradient)
            #expect(try gpt.loss(parameters: parameters, batch: batch).bitPattern == trained.bitPattern, "L=\(layers)")
        }
    }
}
