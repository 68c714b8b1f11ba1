import Foundation
import Testing
@testable import Verification

/// The "gpt2" architecture: transformers' tensor names and shapes, the numpy reference
/// (tools/reference_models.py, written from docs/protocol-parts/models.md), checkpoints with
/// the attention buffers older transformers versions save, and config.json fields.
struct GPT2Tests {
    /// V = 300 (above a byte), n_inner 40 (not 4C), 2 layers, C = 16, 4 heads, 12 positions.
    static let config = GPT2.Config(layers: 2, channels: 16, heads: 4, positions: 12, vocabulary: 300, inner: 40,
                                    layerNormEpsilon: 1e-5)
    static let configJSON = "{\"n_layer\":2,\"n_embd\":16,\"n_head\":4,\"n_positions\":12,\"vocab_size\":300,\"n_inner\":40,"
        + "\"layer_norm_epsilon\":1e-05,\"resid_pdrop\":0,\"embd_pdrop\":0,\"attn_pdrop\":0}"

    @Test func layoutHasTransformersNamesShapesAndCount() throws {
        let model = try GPT2(Self.config)
        #expect(model.layout.count == Self.config.parameterCount)
        #expect(model.layout["transformer.h.1.attn.c_attn.weight"].shape == [16, 48])
        #expect(model.layout["transformer.h.0.mlp.c_fc.weight"].shape == [16, 40])
        #expect(model.layout["transformer.h.0.mlp.c_proj.weight"].shape == [40, 16])
        #expect(model.layout["transformer.wte.weight"].shape == [300, 16])
        #expect(model.layout.slots.first?.name == "transformer.h.0.attn.c_attn.bias")
        #expect(model.layout.slots.last?.name == "transformer.wte.weight")
        #expect(!model.layout.slots.contains { $0.name.hasPrefix("lm_head") })
        // GPT-2 small: 124,439,808 parameters (transformers' count without the tied head).
        #expect(GPT2.Config(layers: 12, channels: 768, heads: 12, positions: 1_024, vocabulary: 50_257).parameterCount == 124_439_808)
    }

    @Test func lossAndGradientMatchNumpyReference() throws {
        let model = try GPT2(Self.config)
        var parameters = model.initialParameters(seed: 5)
        var rng = TestRandom(seed: 6)
        let noise = rng.floats(parameters.count, scale: 0.3)
        for i in parameters.indices { parameters[i] += noise[i] }
        let (B, T) = (3, 10)
        let tokens = rng.ints(B * (T + 1), below: 300)
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
            arch: "gpt2", config: Self.configJSON, layout: model.layout, parameters: parameters,
            batch: [ReferenceRunner.int32Tensor("inputs", shape: [B, T], inputs),
                    ReferenceRunner.int32Tensor("targets", shape: [B, T], targets)])
        #expect(abs(Double(loss) - ref.loss) / ref.loss < 1e-5)
        #expect(gradientError(gradient, ref.gradient) < 1e-4)
        for slot in model.layout.slots {
            let got = Array(gradient[slot.offset..<slot.offset + slot.count])
            let want = Array(ref.gradient[slot.offset..<slot.offset + slot.count])
            // The key third of c_attn.bias is rounding noise (softmax ignores a constant per row).
            if slot.name.hasSuffix("attn.c_attn.bias") { continue }
            #expect(gradientError(got, want) < 1e-3, "tensor \(slot.name)")
        }
        // The reference's gradient, committed as a miner would, passes the verifier's comparison
        // against the Swift gradient on every leaf (noise floor and tolerances of the default policy).
        try expectCommittedGradientPasses(ref.gradient, against: gradient)
    }

    @Test func checkpointAttentionBuffersAreIgnoredByRule() throws {
        let model = try GPT2(Self.config)
        let parameters = model.initialParameters(seed: 1)
        var tensors = model.layout.tensors(from: parameters)
        for i in 0..<2 {
            tensors.append(.init(name: "transformer.h.\(i).attn.bias", dtype: .bool, shape: [1, 1, 12, 12],
                                 bytes: [UInt8](repeating: 1, count: 144)))
            tensors.append(.init(name: "transformer.h.\(i).attn.masked_bias", shape: [], floats: [-1e4]))
        }
        let file = try Self.file(tensors)
        #expect(try model.layout.load(file) == parameters)

        let withHead = try Self.file(
            model.layout.tensors(from: parameters) + [.init(name: "lm_head.weight", shape: [300, 16], floats: [Float](repeating: 0, count: 4800))])
        #expect(throws: ModelError.unexpectedTensor("lm_head.weight")) { try model.layout.load(withHead) }
    }

    static func file(_ tensors: [SafeTensorsWriter.Tensor]) throws -> SafeTensorsFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpt2-\(UUID().uuidString).safetensors").path
        try SafeTensorsWriter.write(tensors, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try SafeTensorsFile(path: path)
    }

    @Test(arguments: [false, true])
    func activationEstimateIsWhatThePassAllocates(backward: Bool) throws {
        let model = try GPT2(Self.config)
        let batch = TextBatch(inputs: (0..<36).map { Int32($0 * 7 % 300) }, targets: (0..<36).map { Int32($0 * 11 % 300) }, T: 12)
        let arena = FloatArena()
        var gradient: [Float] = []
        _ = try model.run(model.initialParameters(seed: 1), batch, gradient: &gradient, backward: backward, arena: arena)
        #expect(arena.allocatedFloats == 3 * model.activationFloats(T: 12, backward: backward) + (backward ? 12 * 12 : 0))
    }

    @Test func gpt2SmallExampleFitsTheDefaultPassBudget() throws {
        // GPT-2 small at 1,024 tokens with its 50,257-token head: one example per pass, so a
        // 124M-parameter bundle is re-executed in full by default (not only leaf-checked).
        let small = try GPT2(GPT2.Config(layers: 12, channels: 768, heads: 12, positions: 1_024, vocabulary: 50_257))
        let bytes = 4 * small.activationFloats(T: 1_024, backward: true)
        #expect(bytes <= VerificationPolicy().activationBudgetBytes && bytes > 1_400_000_000, "\(bytes)")
        #expect(small.layout.count <= VerificationPolicy().maxReexecutedParameters)
        // The estimated peak with 2 challenged steps and two concurrent passes (the figures of
        // verification.md, "Which mode"): with AdamW it fits the 8 GiB of re-execution memory of
        // a 9 GiB replica but not the 7 GiB of an 8 GiB one; with SGD it fits both.
        let pass = try #require(PoGOWorkload.activationBytesPerExample(model: .gpt2(small.config), backward: true))
        func peak(_ optimizer: Optimizer) -> Int {
            ReexecutionCost.fixedBytes + ReexecutionCost.bytesPerParameter(challengedSteps: 2, optimizer: optimizer) * small.layout.count + 2 * pass
        }
        #expect(peak(.adamw(AdamW())) <= 8 << 30 && peak(.adamw(AdamW())) > 7 << 30, "\(peak(.adamw(AdamW())))")
        #expect(peak(.sgd) <= 7 << 30, "\(peak(.sgd))")
        // The cap: the largest round count whose SGD estimate with two full passes fits 8 GiB.
        let cap = VerificationPolicy().maxReexecutedParameters, budget = VerificationPolicy().activationBudgetBytes
        #expect(ReexecutionCost.fixedBytes + ReexecutionCost.bytesPerParameter(challengedSteps: 2) * cap + 2 * budget <= 8 << 30)
        #expect(ReexecutionCost.fixedBytes + ReexecutionCost.bytesPerParameter(challengedSteps: 2) * (cap + 10_000_000) + 2 * budget > 8 << 30)
    }

    @Test func refusesTokensOutsideTheVocabulary() throws {
        let model = try GPT2(Self.config)
        let batch = TextBatch(inputs: [1, 2, 300], targets: [2, 3, 4], T: 3)
        #expect(throws: ModelError.labelOutOfRange(index: 2, label: 300, classes: 300)) {
            try model.loss(parameters: model.initialParameters(seed: 1), batch: batch)
        }
    }

    @Test func configJSONUsesTransformersFieldsAndDefaults() throws {
        let parsed = try GPT2ConfigJSON.parse(JSONCursor.parse(Array(Self.configJSON.utf8)), limits: .init())
        #expect(parsed == Self.config)
        let minimal = "{\"n_layer\":1,\"n_embd\":8,\"n_head\":2,\"n_positions\":4,\"vocab_size\":256,\"n_inner\":null,"
            + "\"resid_pdrop\":0.0,\"embd_pdrop\":0,\"attn_pdrop\":0,\"architectures\":[\"GPT2LMHeadModel\"],"
            + "\"task_specific_params\":{\"text-generation\":{\"do_sample\":true}},\"bos_token_id\":50256}"
        let defaults = try GPT2ConfigJSON.parse(JSONCursor.parse(Array(minimal.utf8)), limits: .init())
        #expect(defaults == GPT2.Config(layers: 1, channels: 8, heads: 2, positions: 4, vocabulary: 256, inner: 32, layerNormEpsilon: 1e-5))
    }

    @Test(arguments: [
        ("\"activation_function\":\"gelu\"", "activation_function"),
        ("\"scale_attn_by_inverse_layer_idx\":true", "scale_attn_by_inverse_layer_idx"),
        ("\"reorder_and_upcast_attn\":true", "reorder_and_upcast_attn"),
        ("\"scale_attn_weights\":false", "scale_attn_weights"),
        ("\"rotary\":true", "rotary"),
    ])
    func refusesConfigFieldsItDoesNotImplementByName(field: String, name: String) throws {
        let json = String(Self.configJSON.dropLast()) + "," + field + "}"
        do {
            _ = try GPT2ConfigJSON.parse(JSONCursor.parse(Array(json.utf8)), limits: .init())
            Issue.record("accepted \(field)")
        } catch {
            #expect(error.field == name, "\(error)")
        }
    }

    @Test(arguments: ["resid_pdrop", "embd_pdrop", "attn_pdrop"])
    func refusesDropoutThatIsNotZeroOrAbsent(name: String) throws {
        let nonZero = Self.configJSON.replacingOccurrences(of: "\"\(name)\":0", with: "\"\(name)\":0.1")
        let absent = Self.configJSON.replacingOccurrences(of: ",\"\(name)\":0", with: "")
        for json in [nonZero, absent] {
            do {
                _ = try GPT2ConfigJSON.parse(JSONCursor.parse(Array(json.utf8)), limits: .init())
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.field == name, "\(error)")
            }
        }
    }
}

/// gpt2 configs inside a bundle: errors name the field under `model.config`, and the vocabulary
/// limit admits 65,536 (uint16 tokens) and refuses 65,537.
struct GPT2BundleConfigTests {
    static func bundleText() throws -> String {
        let run = try PoGOTestSupport.mine(try PoGOTestSupport.gpt2Miner(), steps: 1)
        return String(decoding: try run.bundleJSON(.inline), as: UTF8.self)
    }

    @Test func bundleErrorsNameTheConfigField() throws {
        let text = try Self.bundleText()
        #expect(try ProofBundle(bytes: Array(text.utf8)).model == .gpt2(GPT2.Config(layers: 1, channels: 32, heads: 2, positions: 16, vocabulary: 256)))
        for (old, new, field) in [
            ("\"activation_function\":\"gelu_new\"", "\"activation_function\":\"relu\"", "model.config.activation_function"),
            ("\"resid_pdrop\":0", "\"resid_pdrop\":0.1", "model.config.resid_pdrop"),
            ("\"n_head\":2", "\"n_head\":3", "model.config.n_head"),
            ("\"n_inner\":128", "\"n_inner\":128,\"scale_attn_by_inverse_layer_idx\":true", "model.config.scale_attn_by_inverse_layer_idx"),
        ] {
            #expect(text.contains(old), "\(old)")
            do {
                _ = try ProofBundle(bytes: Array(text.replacingOccurrences(of: old, with: new).utf8))
                Issue.record("accepted \(new)")
            } catch {
                #expect(error.field == field, "\(error)")
            }
        }
    }

    @Test func vocabularyLimitAdmitsUInt16TokensOnly() throws {
        func parse(_ vocab: Int) throws(JSONFieldError) -> GPT2.Config {
            let json = "{\"n_layer\":1,\"n_embd\":8,\"n_head\":2,\"n_positions\":4,\"vocab_size\":\(vocab),\"resid_pdrop\":0,\"embd_pdrop\":0,\"attn_pdrop\":0}"
            return try GPT2ConfigJSON.parse(JSONCursor.parse(Array(json.utf8)), limits: .init())
        }
        #expect(try parse(65_536).vocabulary == 65_536)
        do {
            _ = try parse(65_537)
            Issue.record("accepted vocab_size 65,537")
        } catch {
            #expect(error.field == "vocab_size" && error.limit == 65_536, "\(error)")
        }
    }
}
