import Foundation
import TestSupport
import Testing
@testable import Verification

/// A checkpoint written by transformers itself (`GPT2LMHeadModel(GPT2Config(...)).save_pretrained`,
/// Tests/Fixtures/gpt2-transformers, made by tools/make_gpt2_transformers_fixture.py with every
/// parameter moved off its initial value): its config.json and model.safetensors load as
/// theta_0 as they are, and the loss and gradient on the recorded token windows are the ones
/// transformers computed in fp32.
struct GPT2TransformersCheckpointTests {
    static let directory = Repository.url("Tests/Fixtures/gpt2-transformers")

    struct Reference: Decodable {
        let transformers: String
        let B: Int
        let T: Int
        let windows: [[Int32]]
        let loss: Double
    }

    static func load() throws -> (model: GPT2, theta: [Float], batch: TextBatch, reference: Reference) {
        let configBytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("config.json")))
        let config = try GPT2ConfigJSON.parse(JSONCursor.parse(configBytes), limits: .init())
        let model = try GPT2(config)
        let theta = try model.layout.load(SafeTensorsFile(path: directory.appendingPathComponent("model.safetensors").path))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("reference.json")))
        #expect(reference.windows.count == reference.B && reference.windows.allSatisfy { $0.count == reference.T + 1 })
        let batch = TextBatch(inputs: reference.windows.flatMap { $0.dropLast() }, targets: reference.windows.flatMap { $0.dropFirst() },
                              T: reference.T)
        return (model, theta, batch, reference)
    }

    @Test func configAndWeightsLoadAsTheyAreWritten() throws {
        let (model, theta, _, reference) = try Self.load()
        #expect(reference.transformers.hasPrefix("5."))
        #expect(model.config == GPT2.Config(layers: 2, channels: 32, heads: 4, positions: 24, vocabulary: 384, layerNormEpsilon: 1e-5))
        #expect(theta.count == 38_528)  // transformers' parameter count (the tied head counted once)
    }

    @Test func lossIsTransformersLossWithin1e5Relative() throws {
        let (model, theta, batch, reference) = try Self.load()
        let loss = try model.loss(parameters: theta, batch: batch)
        #expect(abs(Double(loss) - reference.loss) / reference.loss <= 1e-5, "verifier \(loss), transformers \(reference.loss)")
        // A window off by one token gives another loss: the comparison can fail.
        let shifted = TextBatch(inputs: reference.windows.flatMap { $0.dropFirst() }, targets: reference.windows.flatMap { $0.dropLast() },
                                T: reference.T)
        #expect(abs(Double(try model.loss(parameters: theta, batch: shifted)) - reference.loss) / reference.loss > 1e-3)
    }

    @Test func gradientIsTransformersGradientAndPassesTheVerifierComparison() throws {
        let (model, theta, batch, _) = try Self.load()
        var gradient: [Float] = []
        _ = try model.lossAndGradient(parameters: theta, batch: batch, gradient: &gradient)
        let torch = try model.layout.load(SafeTensorsFile(path: Self.directory.appendingPathComponent("gradient.safetensors").path))
        #expect(gradientError(gradient, torch) < 1e-4)
        // PyTorch's gradient, committed as a miner would, passes the comparison against ours.
        try expectCommittedGradientPasses(torch, against: gradient)
    }
}
