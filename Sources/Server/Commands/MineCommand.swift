internal import Foundation
internal import Verification

/// `verifier mine`: the reference PoGO miner. Trains an "mlp" on data/digits.csv, a "gpt" on
/// data/shakespeare.txt or a "gpt2" on data/shakespeare-bytes.tokens (an llm.c token file;
/// theta_0 seeded, or a transformers `save_pretrained` folder with --checkpoint) with the
/// pogo/1 quantized update rule (SGD, or AdamW with --optimizer adamw) and writes DIR/bundle.json plus
/// its artifacts (inline base64 with --inline, else DIR/theta0.safetensors and
/// DIR/grad-NNNN.safetensors named by absolute file:// URIs, or by BASE/<file> with
/// --base-url BASE). With --trees, also writes the tree files of every root (theta0.tree,
/// weights-NNNN.tree, grad-NNNN.tree) for leaf-only verification. Prints a JSON summary.
enum MineCommand: Subcommand {
    static let name = "mine"
    static let usage = "mine --arch mlp|gpt|gpt2 [--hidden 32,16 --activation tanh | --layers L --channels C --heads H --context T "
        + "[--vocab V | --checkpoint DIR]] [--optimizer sgd|adamw [--beta1 B1 --beta2 B2 --eps E --weight-decay W]] "
        + "--steps N --lr X --batch B --eval-batch E --seed S --block-seed HEX --out DIR [--inline | --base-url URL] [--trees] [--dataset PATH]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: [
            "--arch", "--hidden", "--activation", "--layers", "--channels", "--heads", "--context", "--steps", "--lr",
            "--batch", "--eval-batch", "--seed", "--block-seed", "--out", "--dataset", "--base-url",
            "--vocab", "--checkpoint", "--optimizer", "--beta1", "--beta2", "--eps", "--weight-decay",
        ], flags: ["--inline", "--trees"])
        guard args.positionals.isEmpty else { throw UsageError("unexpected argument \(args.positionals[0])") }
        let model: ProofBundle.Model
        let defaultDataset: String
        var checkpoint: String?
        switch args.value("--arch") {
        case "mlp":
            let hidden = try (args.value("--hidden") ?? "32").split(separator: ",").map { part -> Int in
                guard let n = Int(part), n >= 1 else { throw UsageError("--hidden must be comma-separated widths, got \(part)") }
                return n
            }
            model = .mlp(inputs: TabularDataset.featureCount, hidden: hidden, classes: TabularDataset.classes,
                         activation: args.value("--activation") ?? "tanh")
            defaultDataset = "data/digits.csv"
        case "gpt":
            model = .gpt(layers: try args.int("--layers") ?? 1, channels: try args.int("--channels") ?? 32,
                         heads: try args.int("--heads") ?? 2, context: try args.int("--context") ?? 16)
            defaultDataset = "data/shakespeare.txt"
        case "gpt2":
            if let dir = args.value("--checkpoint") {
                guard let config = FileManager.default.contents(atPath: dir + "/config.json") else {
                    throw UsageError("cannot read \(dir)/config.json")
                }
                do {
                    model = .gpt2(try GPT2ConfigJSON.parse(JSONCursor.parse([UInt8](config)), limits: ProofBundleLimits()))
                } catch {
                    throw UsageError("\(dir)/config.json: \(error.field) \(error.reason)")
                }
                checkpoint = dir + "/model.safetensors"
            } else {
                model = .gpt2(GPT2.Config(layers: try args.int("--layers") ?? 1, channels: try args.int("--channels") ?? 32,
                                          heads: try args.int("--heads") ?? 2, positions: try args.int("--context") ?? 16,
                                          vocabulary: try args.int("--vocab") ?? 256))
            }
            defaultDataset = "data/shakespeare-bytes.tokens"
        default:
            throw UsageError("--arch must be mlp, gpt or gpt2")
        }
        let optimizer = try Self.optimizer(args)
        guard let steps = try args.int("--steps"), steps >= 1 else { throw UsageError("--steps N (at least 1) is required") }
        guard let lrText = args.value("--lr"), let lr = Float(lrText), lr.isFinite, lr > 0 else {
            throw UsageError("--lr must be a positive number")
        }
        guard let blockSeedText = args.value("--block-seed"), let blockSeed = Digest(hex: blockSeedText) else {
            throw UsageError("--block-seed must be 64 hex characters")
        }
        guard let out = args.value("--out") else { throw UsageError("--out DIR is required") }
        let datasetPath = args.value("--dataset") ?? defaultDataset
        guard let data = FileManager.default.contents(atPath: datasetPath) else { throw UsageError("cannot read data set \(datasetPath)") }
        let bytes = [UInt8](data)
        let settings = PoGOMiner.Settings(
            model: model, datasetDigest: SHA256.hash(bytes), learningRate: lr, batchSize: try args.int("--batch") ?? 32,
            evaluationBatchSize: try args.int("--eval-batch") ?? 128, blockSeed: blockSeed, optimizer: optimizer)
        // One BLAS thread, as in the server: the machine is shared with concurrent work.
        setBLASThreadCount(1)
        let miner = try PoGOMiner(settings: settings, datasetBytes: bytes)
        let start = ContinuousClock.now
        let theta0 = try checkpoint.map { try miner.workload.layout.load(SafeTensorsFile(path: $0)) }
            ?? miner.workload.initialParameters(seed: UInt64(try args.int("--seed") ?? 0))
        let mined = try miner.mine(theta0: theta0, steps: steps)
        let mineMs = (ContinuousClock.now - start) / .milliseconds(1)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let placement: MinedRun.Placement
        switch (args.isSet("--inline"), args.value("--base-url")) {
        case (true, nil): placement = .inline
        case (false, nil): placement = .files(directory: out)
        case let (false, base?): placement = .published(directory: out, baseURL: base.hasSuffix("/") ? String(base.dropLast()) : base)
        case (true, _?): throw UsageError("--inline and --base-url exclude each other")
        }
        let json = try mined.bundleJSON(placement, trees: args.isSet("--trees"))
        let bundlePath = out + "/bundle.json"
        try Data(json).write(to: URL(fileURLWithPath: bundlePath))
        try JSONOutput.print([
            "bundle": bundlePath, "digest": SHA256.hash(json).hex, "parameters": mined.layout.count, "steps": steps,
            "mineMs": mineMs, "initialLoss": Double(mined.initialEvaluationLoss), "finalLoss": Double(mined.finalEvaluationLoss),
        ])
        return 0
    }

    /// SGD unless --optimizer adamw; AdamW's values default to PyTorch's (weight decay 0.01).
    private static func optimizer(_ args: ArgumentScanner) throws -> Optimizer {
        switch args.value("--optimizer") ?? "sgd" {
        case "sgd":
            return .sgd
        case "adamw":
            func value(_ key: String, _ fallback: Float) throws -> Float {
                guard let text = args.value(key) else { return fallback }
                guard let v = Float(text) else { throw UsageError("\(key) must be a number, got \(text)") }
                return v
            }
            let adam = AdamW(beta1: try value("--beta1", 0.9), beta2: try value("--beta2", 0.999), eps: try value("--eps", 1e-8),
                             weightDecay: try value("--weight-decay", 0.01))
            if let (field, reason) = adam.invalid { throw UsageError("--optimizer adamw: \(field) \(reason)") }
            return .adamw(adam)
        case let other:
            throw UsageError("--optimizer must be sgd or adamw, got \(other)")
        }
    }
}
