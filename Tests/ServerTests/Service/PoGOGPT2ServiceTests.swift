import Foundation
import TestSupport
import Testing
@testable import Verification

/// `verifier mine --arch gpt2 --optimizer adamw` end to end: the bundle it writes is verified by
/// `verify-bundle` and by the service (a signed positive attestation), a transformers-style
/// checkpoint folder is accepted as theta_0, and a weight-decay lie ends in a signed negative.
@Suite(.serialized)
struct PoGOGPT2ServiceTests {
    static let blockSeed = String(repeating: "cd", count: 32)

    /// A data set folder holding the first 65,536 bytes of Shakespeare as an llm.c token file.
    static func tokenDirectory() throws -> (directory: String, file: String) {
        let dir = try Scratch.directory("gpt2-data").path
        let text = try Data(contentsOf: Repository.url("data/shakespeare.txt"))
        let file = dir + "/shakespeare-head.tokens"
        try Data(TokenDataset.encode(tokens: text.prefix(65_536).map(UInt16.init))).write(to: URL(fileURLWithPath: file))
        return (dir, file)
    }

    static func mine(_ extra: [String], dataset: String, out: String) throws -> String {
        let arguments = ["mine", "--arch", "gpt2", "--optimizer", "adamw", "--weight-decay", "0.1", "--steps", "4", "--lr", "0.002",
                         "--batch", "8", "--eval-batch", "64", "--seed", "3", "--block-seed", blockSeed, "--dataset", dataset,
                         "--out", out] + extra
        let mined = try Subprocess.run(Repository.binary, arguments)
        guard mined.status == 0 else { throw ServiceTestError.failed("mine failed: \(mined.stderr)") }
        return out + "/bundle.json"
    }

    @Test func minedGPT2AdamWBundleIsVerifiedByTheCommandAndTheService() throws {
        let work = try Scratch.directory("gpt2-adamw").path
        let data = try Self.tokenDirectory()
        let filesBundle = try Self.mine(["--layers", "2", "--channels", "32", "--heads", "4", "--context", "16"],
                                        dataset: data.file, out: work + "/files")
        let verified = try Subprocess.run(Repository.binary, ["verify-bundle", filesBundle, "--beacon", Self.blockSeed,
                                                               "--artifact-root", work + "/files", "--dataset-dir", data.directory])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("\"verdict\":\"positive\""))

        let inline = try Self.mine(["--inline"], dataset: data.file, out: work + "/inline")
        let service = try ServiceProcess(dataDirectory: work + "/var", environment: ["VERIFIER_DATASET_DIR": data.directory])
        let honest = try Curl.post(service.url + "/v1/pogo/bundles", file: inline)
        #expect(honest.status == 202)
        let job = try Curl.pollJob(service, id: try #require(honest.json["id"] as? String))
        #expect(job["status"] as? String == "verified", "job: \(job)")
        #expect((job["report"] as? [String: Any])?["verdict"] as? String == "positive", "job: \(job)")
        let predicate = try statement(of: try #require(job["attestation"]))["predicate"] as? [String: Any]
        #expect(predicate?["verdict"] as? String == "positive")

        // The same artifacts claimed with another weight decay: the replayed roots differ.
        var text = try String(contentsOfFile: inline, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"weightDecay\":0.1", with: "\"weightDecay\":0.2")
        let liePath = work + "/lie.json"
        try text.write(toFile: liePath, atomically: true, encoding: .utf8)
        let lie = try Curl.post(service.url + "/v1/pogo/bundles", file: liePath)
        #expect(lie.status == 202)
        let rejected = try Curl.pollJob(service, id: try #require(lie.json["id"] as? String))
        let report = try #require(rejected["report"] as? [String: Any])
        #expect(report["verdict"] as? String == "negative")
        let failed = (report["checks"] as? [[String: Any]])?.filter { $0["passed"] as? Bool == false }.compactMap { $0["name"] as? String }
        #expect(failed?.contains("replay.weightsRoots") == true, "\(report)")
        #expect((try statement(of: try #require(rejected["attestation"]))["predicate"] as? [String: Any])?["verdict"] as? String == "negative")
        _ = service.terminate()
    }

    @Test func savePretrainedFolderIsAcceptedAsTheta0() throws {
        let work = try Scratch.directory("gpt2-checkpoint").path
        let data = try Self.tokenDirectory()
        let config = GPT2.Config(layers: 1, channels: 16, heads: 2, positions: 8, vocabulary: 256)
        let model = try GPT2(config)
        let theta0 = model.initialParameters(seed: 9)
        // As transformers versions before 4.x wrote it: config fields it ignores, and the attention buffers.
        let json = "{\"architectures\":[\"GPT2LMHeadModel\"],\"model_type\":\"gpt2\",\"n_layer\":1,\"n_embd\":16,\"n_head\":2,"
            + "\"n_positions\":8,\"n_ctx\":8,\"vocab_size\":256,\"n_inner\":null,\"activation_function\":\"gelu_new\","
            + "\"resid_pdrop\":0.0,\"embd_pdrop\":0.0,\"attn_pdrop\":0.0,\"layer_norm_epsilon\":1e-05,\"initializer_range\":0.02,"
            + "\"bos_token_id\":50256,\"eos_token_id\":50256,\"use_cache\":true,\"torch_dtype\":\"float32\",\"transformers_version\":\"4.46.3\"}"
        let dir = work + "/ckpt"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try json.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        let buffers: [SafeTensorsWriter.Tensor] = [
            .init(name: "transformer.h.0.attn.bias", dtype: .bool, shape: [1, 1, 8, 8], bytes: [UInt8](repeating: 1, count: 64)),
            .init(name: "transformer.h.0.attn.masked_bias", shape: [], floats: [-1e4]),
        ]
        try SafeTensorsWriter.write(model.layout.tensors(from: theta0) + buffers, metadata: ["format": "pt"], to: dir + "/model.safetensors")
        let bundlePath = try Self.mine(["--checkpoint", dir, "--inline"], dataset: data.file, out: work + "/out")
        let bundle = try ProofBundle(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundlePath))))
        #expect(bundle.model == .gpt2(config))
        #expect(bundle.theta0Root == (try ParameterCommitment(parameters: theta0)).root)
        let verified = try Subprocess.run(Repository.binary, ["verify-bundle", bundlePath, "--beacon", Self.blockSeed,
                                                               "--dataset-dir", data.directory])
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
