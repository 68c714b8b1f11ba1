import Foundation
import Testing
import Verification

/// Plain fp32 SGD on the real data sets lowers the loss, and the model API refuses bad input.
struct ModelTrainingTests {
    /// `theta -= lr * g`, one multiply and one subtract per element.
    private func sgdStep(_ theta: inout [Float], _ gradient: [Float], lr: Float) {
        for i in theta.indices { theta[i] -= lr * gradient[i] }
    }

    @Test func mlpTrainingOnDigitsReducesLoss() throws {
        let data = try TabularDataset(path: DataFiles.path("digits.csv"))
        let model = try MLP(.init(inputs: 64, hidden: [32], classes: 10, activation: .tanh))
        var theta = model.initialParameters(seed: 1)
        let evaluation = try data.batch(indices: Array(0..<512))
        let before = try model.loss(parameters: theta, batch: evaluation)
        var gradient: [Float] = []
        for step in 0..<100 {
            let indices = (0..<64).map { (step * 64 + $0 * 7) % data.count }
            _ = try model.lossAndGradient(parameters: theta, batch: data.batch(indices: indices), gradient: &gradient)
            sgdStep(&theta, gradient, lr: 0.1)
        }
        let after = try model.loss(parameters: theta, batch: evaluation)
        #expect(before > 2.0)
        #expect(after < 0.5 * before)
    }

    @Test func gptTrainingOnShakespeareReducesLoss() throws {
        let text = try TextDataset(path: DataFiles.path("shakespeare.txt"))
        let model = try GPT(.init(layers: 1, channels: 32, heads: 2, context: 16))
        var theta = model.initialParameters(seed: 2)
        let batch = try text.batch(indices: (0..<8).map { $0 * 10_007 }, T: 16)
        var gradient: [Float] = []
        let first = try model.lossAndGradient(parameters: theta, batch: batch, gradient: &gradient)
        for _ in 0..<10 {
            _ = try model.lossAndGradient(parameters: theta, batch: batch, gradient: &gradient)
            sgdStep(&theta, gradient, lr: 0.5)
        }
        let last = try model.loss(parameters: theta, batch: batch)
        #expect(abs(first - log(256)) < 0.1)  // near-uniform predictions at initialisation
        #expect(last < first - 0.5)
    }

    @Test func parameterBufferIsCanonicallyOrderedAndRoundTripsThroughSafetensors() throws {
        let model = try GPT(.init(layers: 11, channels: 4, heads: 2, context: 3))
        let names = model.layout.slots.map(\.name)
        #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(names.firstIndex(of: "h.10.attn.qkv.bias")! < names.firstIndex(of: "h.2.attn.qkv.bias")!)
        #expect(model.layout.count == 256 * 4 + 3 * 4 + 2 * 4 + 11 * (12 * 4 * 4 + 13 * 4))
        let theta = model.initialParameters(seed: 9)
        #expect(theta == model.initialParameters(seed: 9))
        #expect(theta != model.initialParameters(seed: 10))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpt-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensorsWriter.write(model.layout.tensors(from: theta), to: path)
        #expect(try model.layout.load(SafeTensorsFile(path: path)) == theta)
        // The canonical vector is the concatenation of the file's tensors in name order.
        let file = try SafeTensorsFile(path: path)
        #expect(try file.entries.flatMap { try file.floats($0.name) } == theta)
    }

    @Test func refusesCheckpointWithWrongTensors() throws {
        let model = try MLP(.init(inputs: 3, hidden: [2], classes: 2, activation: .relu))
        let other = try MLP(.init(inputs: 4, hidden: [2], classes: 2, activation: .relu))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensorsWriter.write(other.layout.tensors(from: other.initialParameters(seed: 1)), to: path)
        #expect(throws: ModelError.shapeMismatch(name: "layers.0.weight", got: [2, 4], want: [2, 3])) {
            try model.layout.load(SafeTensorsFile(path: path))
        }
        var tensors = model.layout.tensors(from: model.initialParameters(seed: 1))
        tensors.append(.init(name: "extra", shape: [1], floats: [0]))
        try SafeTensorsWriter.write(tensors, to: path)
        #expect(throws: ModelError.unexpectedTensor("extra")) { try model.layout.load(SafeTensorsFile(path: path)) }
        try SafeTensorsWriter.write(Array(tensors.prefix(1)), to: path)
        #expect(throws: ModelError.missingTensor("layers.0.weight")) { try model.layout.load(SafeTensorsFile(path: path)) }
    }

    @Test func refusesMalformedBatchesAndConfigs() throws {
        let mlp = try MLP(.init(inputs: 2, hidden: [], classes: 3, activation: .tanh))
        let theta = mlp.initialParameters(seed: 1)
        #expect(throws: ModelError.labelOutOfRange(index: 1, label: 3, classes: 3)) {
            try mlp.loss(parameters: theta, batch: MLPBatch(features: [0, 0, 0, 0], labels: [0, 3]))
        }
        #expect(throws: ModelError.batchShapeMismatch(field: "features", got: 3, want: 4)) {
            try mlp.loss(parameters: theta, batch: MLPBatch(features: [0, 0, 0], labels: [0, 1]))
        }
        #expect(throws: ModelError.parameterCountMismatch(got: 1, want: theta.count)) {
            try mlp.loss(parameters: [0], batch: MLPBatch(features: [0, 0], labels: [0]))
        }
        #expect(throws: ModelError.emptyBatch) { try mlp.loss(parameters: theta, batch: MLPBatch(features: [], labels: [])) }
        #expect(throws: ModelError.self) { try MLP(.init(inputs: 2, hidden: [0], classes: 3, activation: .tanh)) }
        #expect(throws: ModelError.self) { try GPT(.init(layers: 1, channels: 6, heads: 4, context: 8)) }

        let gpt = try GPT(.init(layers: 1, channels: 4, heads: 2, context: 4))
        let g = gpt.initialParameters(seed: 1)
        #expect(try gpt.loss(parameters: g, batch: TextBatch(inputs: [1, 2, 3, 4], targets: [2, 3, 4, 5], T: 4)) > 0)
        #expect(throws: ModelError.batchShapeMismatch(field: "T", got: 5, want: 4)) {
            try gpt.loss(parameters: g, batch: TextBatch(inputs: [1, 2, 3, 4, 5], targets: [2, 3, 4, 5, 6], T: 5))
        }
        #expect(throws: ModelError.labelOutOfRange(index: 0, label: 256, classes: 256)) {
            try gpt.loss(parameters: g, batch: TextBatch(inputs: [1], targets: [256], T: 1))
        }
    }
}
