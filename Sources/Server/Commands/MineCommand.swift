internal import Foundation
internal import Verification

/// `verifier mine`: the reference PoGO miner. Trains an "mlp" on data/digits.csv or a "gpt" on
/// data/shakespeare.txt with the pogo/1 quantized update rule and writes DIR/bundle.json plus
/// its artifacts (inline base64 with --inline, else DIR/theta0.safetensors and
/// DIR/grad-NNNN.safetensors named by absolute file:// URIs). Prints a JSON summary.
enum MineCommand: Subcommand {
    static let name = "mine"
    static let usage = "mine --arch mlp|gpt [--hidden 32,16 --activation tanh | --layers L --channels C --heads H --context T] "
        + "--steps N --lr X --batch B --eval-batch E --seed S --block-seed HEX --out DIR [--inline] [--dataset PATH]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: [
            "--arch", "--hidden", "--activation", "--layers", "--channels", "--heads", "--context", "--steps", "--lr",
            "--batch", "--eval-batch", "--seed", "--block-seed", "--out", "--dataset",
        ], flags: ["--inline"])
        guard args.positionals.isEmpty else { throw UsageError("unexpected argument \(args.positionals[0])") }
        let model: ProofBundle.Model
        let defaultDataset: String
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
        default:
            throw UsageError("--arch must be mlp or gpt")
        }
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
            evaluationBatchSize: try args.int("--eval-batch") ?? 128, blockSeed: blockSeed)
        // One BLAS thread, as in the server: the machine is shared with concurrent work.
        setBLASThreadCount(1)
        let miner = try PoGOMiner(settings: settings, datasetBytes: bytes)
        let start = Date()
        let theta0 = miner.workload.initialParameters(seed: UInt64(try args.int("--seed") ?? 0))
        let mined = try miner.mine(theta0: theta0, steps: steps)
        let mineMs = Date().timeIntervalSince(start) * 1000
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let json = try mined.bundleJSON(args.isSet("--inline") ? .inline : .files(directory: out))
        let bundlePath = out + "/bundle.json"
        try Data(json).write(to: URL(fileURLWithPath: bundlePath))
        try JSONOutput.print([
            "bundle": bundlePath, "digest": SHA256.hash(json).hex, "parameters": mined.layout.count, "steps": steps,
            "mineMs": mineMs, "initialLoss": Double(mined.initialEvaluationLoss), "finalLoss": Double(mined.finalEvaluationLoss),
        ])
        return 0
    }
}
