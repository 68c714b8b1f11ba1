import Foundation
import TestSupport
import Testing
@testable import Verification

/// The evaluator identity against tools/poq_identity.py, an independent Python reference:
/// one identity however a checkpoint is written, another for any change that can change a score.
@Suite(.serialized)
struct PoQEvaluatorIdentityTests {
    struct Reference: Decodable {
        let descriptor: String
        let identity: String
        let weightsRoot: String
    }

    /// The reference's answer for each of `directories`.
    static func reference(_ directories: [String], maxLength: Int? = nil) throws -> [Reference] {
        let arguments = (maxLength.map { ["--max-length", String($0)] } ?? []) + directories
        let output = try Python.output("poq_identity.py", arguments)
        return try output.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Reference.self, from: Data($0)) }
    }

    static func expectMatches(_ evaluator: PoQEvaluator, _ reference: Reference, _ label: String) {
        #expect(String(decoding: evaluator.descriptor.json, as: UTF8.self) == reference.descriptor, "\(label)")
        #expect(evaluator.identity.description == reference.identity, "\(label)")
        #expect(evaluator.identity.weightsRoot.hex == reference.weightsRoot, "\(label)")
    }

    /// Known answer: tools/poq_identity.py models/all-MiniLM-L6-v2 (docs/protocol-parts/poq.md,
    /// worked example); 22,565,376 parameters are the model's F32 tensors less the pooler,
    /// which similarity scores never read.
    @Test func bundledModelIdentityMatchesReferenceAndWorkedExample() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let reference = try Self.reference([try PoQTestSupport.requireModel()])[0]
        Self.expectMatches(evaluator, reference, "bundled model")
        #expect(evaluator.identity.description
            == "poq/1 similarity sha256:e8b14687d0842b6b065769ec205b1c9f95f9fda7b87636e875c676949e19c52d")
        #expect(evaluator.descriptor.weights == ParameterCommitment(
            root: Digest(hex: "dfe6d6ec233a111b4cb7c2ee6465f7f5c10fce4b564d48463c278c8148914950")!,
            leafCount: 22_037, parameterCount: 22_565_376))
    }

    /// The real weights stored with a `bert.` prefix, without the position_ids buffer, in
    /// reverse order, with vocab.txt and no tokenizer.json: the bundled model's identity.
    @Test func realModelWrittenAnotherWayKeepsItsIdentity() throws {
        let model = try PoQTestSupport.requireModel()
        let base = try SafeTensorsFile(path: model + "/model.safetensors")
        let directory = try PoQCheckpointFixtures.realModelVariant("rewritten", removing: ["model.safetensors", "tokenizer.json"]) { dir in
            let tensors = try base.entries.filter { $0.dtype == .f32 }.map {
                SafeTensorsWriter.Tensor(name: "bert." + $0.name, shape: $0.shape, floats: try base.floats($0.name))
            }
            _ = try CheckpointFixtures.write(CheckpointFixtures.bytes(tensors, physicalOrder: Array(tensors.indices.reversed())),
                                             in: URL(fileURLWithPath: dir))
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rewritten = try PoQEvaluator(directory: directory)
        #expect(rewritten.identity == (try PoQTestSupport.similarityEvaluator()).identity)
        #expect(rewritten.descriptor == (try PoQTestSupport.similarityEvaluator()).descriptor)
    }

    /// Each way of writing the same tiny model on its own: one identity, the reference's.
    @Test func identityIgnoresHowTheCheckpointIsWritten() throws {
        var layouts: [(String, TinyCheckpoint)] = [("base", TinyCheckpoint())]
        var prefixed = TinyCheckpoint(); prefixed.prefix = "bert."
        var buffer = TinyCheckpoint(); buffer.positionIds = true
        var reversed = TinyCheckpoint(); reversed.reversed = true
        var fromJSON = TinyCheckpoint(); fromJSON.vocabTxt = false; fromJSON.tokenizerJSON = true
        var both = TinyCheckpoint(); both.tokenizerJSON = true
        layouts += [("bert-prefix", prefixed), ("position-ids", buffer), ("reversed", reversed),
                    ("tokenizer-json", fromJSON), ("both-tokenizer-files", both)]
        let directories = try layouts.map { try $0.1.write($0.0) }
        defer { for d in directories { try? FileManager.default.removeItem(atPath: d) } }
        let references = try Self.reference(directories)
        let identities = try zip(layouts, zip(directories, references)).map { layout, pair in
            let evaluator = try PoQEvaluator(directory: pair.0)
            Self.expectMatches(evaluator, pair.1, layout.0)
            return evaluator.identity
        }
        #expect(Set(identities).count == 1, "\(identities)")
    }

    /// Every change that can change a score gives a new identity, the reference's: one weight,
    /// the maximum length, the pooling, the normalization, lower-casing, the vocabulary, and a
    /// classifier head (and then one of its weights).
    @Test func identityChangesWithEveryScoreChangingEdit() throws {
        var edits: [(String, TinyCheckpoint)] = [("base", TinyCheckpoint())]
        var weight = TinyCheckpoint(); weight.perturbed = "encoder.layer.0.output.dense.weight"
        var length = TinyCheckpoint(); length.sentenceTransformers?.maxSeqLength = 16
        var cls = TinyCheckpoint(); cls.sentenceTransformers?.pooling = ["word_embedding_dimension": 8, "pooling_mode_cls_token": true,
                                                                         "pooling_mode_mean_tokens": false]
        var plain = TinyCheckpoint(); plain.sentenceTransformers?.normalize = false
        var cased = TinyCheckpoint(); cased.tokenizerConfig = ["do_lower_case": false]
        var vocabulary = TinyCheckpoint(); vocabulary.tokens[11] = "an"
        var crossEncoder = TinyCheckpoint(); crossEncoder.classifier = true; crossEncoder.sentenceTransformers = nil
        var head = crossEncoder; head.perturbed = "classifier.bias"
        edits += [("weight", weight), ("max-length", length), ("pooling", cls), ("normalize", plain), ("lowercase", cased),
                  ("vocabulary", vocabulary), ("cross-encoder", crossEncoder), ("classifier-weight", head)]
        let directories = try edits.map { try $0.1.write($0.0) }
        defer { for d in directories { try? FileManager.default.removeItem(atPath: d) } }
        let references = try Self.reference(directories)
        var identities: [PoQEvaluatorIdentity] = []
        for (edit, (directory, reference)) in zip(edits, zip(directories, references)) {
            let evaluator = try PoQEvaluator(directory: directory)
            Self.expectMatches(evaluator, reference, edit.0)
            identities.append(evaluator.identity)
        }
        let overridden = try PoQEvaluator(directory: directories[0], limits: PoQLimits(maxSequenceTokens: 20))
        Self.expectMatches(overridden, try Self.reference([directories[0]], maxLength: 20)[0], "limit override")
        identities.append(overridden.identity)
        #expect(Set(identities).count == identities.count, "\(identities)")
        #expect(identities.map(\.mode) == Array(repeating: .similarity, count: 7) + [.crossEncoder, .crossEncoder, .similarity])
    }

    /// The descriptor's members are in byte-wise key order, and it is what the digest covers.
    @Test func identityIsTheDigestOfTheLabelledDescriptor() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        #expect(evaluator.identity.digest == SHA256.hash(Array("poq/1/evaluator".utf8) + evaluator.descriptor.json))
        let object = try JSONSerialization.jsonObject(with: Data(evaluator.descriptor.json)) as! [String: Any]
        #expect(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            == Data(evaluator.descriptor.json))
    }
}
