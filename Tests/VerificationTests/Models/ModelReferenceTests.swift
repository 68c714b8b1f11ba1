import Foundation
import Testing
import Verification

/// The Swift models against the independent numpy reference (tools/reference_models.py).
struct ModelReferenceTests {
    @Test(arguments: [MLP.Activation.tanh, .relu])
    func mlpLossAndGradientMatchNumpyReference(activation: MLP.Activation) throws {
        // 11 layers so that byte-wise order ("layers.10" < "layers.2") differs from numeric order.
        let hidden = [9, 8, 7, 6, 5, 6, 7, 8, 9, 10]
        let model = try MLP(.init(inputs: 12, hidden: hidden, classes: 4, activation: activation))
        var parameters = model.initialParameters(seed: 7)
        var rng = TestRandom(seed: 8)
        // Non-zero biases so that their gradient paths are exercised from the first step.
        for slot in model.layout.slots where slot.name.hasSuffix("bias") {
            for i in slot.offset..<slot.offset + slot.count { parameters[i] = rng.floats(1, scale: 0.3)[0] }
        }
        let B = 16
        let batch = MLPBatch(features: rng.floats(B * 12, scale: 2), labels: rng.ints(B, below: 4))
        var gradient: [Float] = []
        let loss = try model.lossAndGradient(parameters: parameters, batch: batch, gradient: &gradient)
        #expect(try model.loss(parameters: parameters, batch: batch) == loss)

        let config = "{\"inputs\":12,\"hidden\":[\(hidden.map(String.init).joined(separator: ","))],\"classes\":4,\"activation\":\"\(activation.rawValue)\"}"
        let ref = try ReferenceRunner.run(
            arch: "mlp", config: config, layout: model.layout, parameters: parameters,
            batch: [SafeTensorsWriter.Tensor(name: "features", shape: [B, 12], floats: batch.features),
                    ReferenceRunner.int32Tensor("labels", shape: [B], batch.labels)])
        #expect(abs(Double(loss) - ref.loss) / ref.loss < 1e-5)
        #expect(gradientError(gradient, ref.gradient) < 1e-4)
    }

    @Test func gptLossAndGradientMatchNumpyReference() throws {
        let model = try GPT(.init(layers: 2, channels: 16, heads: 4, context: 12))
        var parameters = model.initialParameters(seed: 3)
        var rng = TestRandom(seed: 4)
        // Perturb every tensor (biases and layer norms too) so no gradient path is trivially zero.
        let noise = rng.floats(parameters.count, scale: 0.3)
        for i in parameters.indices { parameters[i] += noise[i] }
        let (B, T) = (3, 10)  // T below the context: only the first T rows of wpe get gradient.
        let tokens = rng.ints(B * (T + 1), below: 256)
        var inputs: [Int32] = [], targets: [Int32] = []
        for b in 0..<B {
            inputs += tokens[b * (T + 1)..<b * (T + 1) + T]
            targets += tokens[b * (T + 1) + 1..<(b + 1) * (T + 1)]
        }
        let batch = TextBatch(inputs: inputs, targets: targets, T: T)
        var gradient: [Float] = []
        let loss = try model.lossAndGradient(parameters: parameters, batch: batch, gradient: &gradient)
        #expect(try model.loss(parameters: parameters, batch: batch) == loss)

        let ref = try ReferenceRunner.run(
            arch: "gpt", config: "{\"layers\":2,\"channels\":16,\"heads\":4,\"context\":12}", layout: model.layout,
            parameters: parameters,
            batch: [ReferenceRunner.int32Tensor("inputs", shape: [B, T], inputs),
                    ReferenceRunner.int32Tensor("targets", shape: [B, T], targets)])
        #expect(abs(Double(loss) - ref.loss) / ref.loss < 1e-5)
        #expect(gradientError(gradient, ref.gradient) < 1e-4)
        for slot in model.layout.slots {
            let got = Array(gradient[slot.offset..<slot.offset + slot.count])
            let want = Array(ref.gradient[slot.offset..<slot.offset + slot.count])
            #expect(gradientError(got, want) < 1e-3, "tensor \(slot.name)")
        }
    }
}
