internal import Foundation
internal import Verification

/// `verifier bench-step`: times what a verifier does for one challenged step of a "gpt2" or
/// "gpt" run (a developer tool used by scripts/bench-pogo, not part of the service API): the
/// forward and backward pass on training batch 1 (chunked to the activation budget as in
/// verification), quantizing the gradient, and one replay step (update rule and commitment
/// root, with AdamW when --optimizer adamw). Prints one JSON line with the times in ms and the
/// process's peak resident memory.
enum BenchStepCommand: Subcommand {
    static let name = "bench-step"
    static let usage = "bench-step --arch gpt2|gpt --layers L --channels C --heads H --context T [--vocab V] --batch B "
        + "--dataset PATH [--threads N] [--optimizer sgd|adamw]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--arch", "--layers", "--channels", "--heads", "--context", "--vocab",
                                                           "--batch", "--dataset", "--threads", "--optimizer"])
        guard let layers = try args.int("--layers"), let channels = try args.int("--channels"), let heads = try args.int("--heads"),
              let context = try args.int("--context"), let batch = try args.int("--batch"), batch >= 1,
              let datasetPath = args.value("--dataset") else {
            throw UsageError("--layers, --channels, --heads, --context, --batch and --dataset are required")
        }
        let model: ProofBundle.Model
        switch args.value("--arch") {
        case "gpt2":
            model = .gpt2(GPT2.Config(layers: layers, channels: channels, heads: heads, positions: context,
                                      vocabulary: try args.int("--vocab") ?? 50_257))
        case "gpt":
            model = .gpt(layers: layers, channels: channels, heads: heads, context: context)
        default:
            throw UsageError("--arch must be gpt2 or gpt")
        }
        let optimizer: Optimizer
        switch args.value("--optimizer") ?? "adamw" {
        case "adamw": optimizer = .adamw(AdamW())
        case "sgd": optimizer = .sgd
        case let other: throw UsageError("--optimizer must be sgd or adamw, got \(other)")
        }
        guard let data = FileManager.default.contents(atPath: datasetPath) else { throw UsageError("cannot read \(datasetPath)") }
        let threads = try args.int("--threads") ?? ProcessInfo.processInfo.activeProcessorCount
        guard threads >= 1 else { throw UsageError("--threads must be at least 1") }
        setBLASThreadCount(threads)
        let bytes = [UInt8](data)
        let workload = try PoGOWorkload(model: model, datasetBytes: bytes)
        let theta = workload.initialParameters(seed: 1)
        let indices = try ChallengeDerivation.batchIndices(
            datasetDigest: SHA256.hash(bytes), blockSeed: SHA256.hash(Array("bench".utf8)), step: 1, batchSize: batch,
            exampleCount: workload.exampleCount)

        let clock = ContinuousClock()
        var gradient: [Float] = []
        var loss: Float = 0
        let step = try clock.measure { loss = try workload.lossAndGradient(parameters: theta, indices: indices, gradient: &gradient) }
        var quantized: QuantizedGradient?
        let quantize = try clock.measure { quantized = try QuantizedGradient(quantizing: gradient) }
        let rule = UpdateRule(learningRate: 1e-4, optimizer: optimizer)
        var state = rule.initialState(count: theta.count)
        var replayed = theta
        let replay = try clock.measure { _ = try rule.applyAndCommit(quantized!, step: 1, to: &replayed, state: &state) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        try JSONOutput.print([
            "parameters": theta.count, "batch": batch, "T": context, "threads": threads, "loss": Double(loss),
            "examplesPerPass": workload.examplesPerPass(backward: true),
            "forwardBackwardMs": step / .milliseconds(1), "quantizeMs": quantize / .milliseconds(1),
            "replayStepMs": replay / .milliseconds(1),
            "peakRSSBytes": usage.ru_maxrss * 1024,
        ])
        return 0
    }
}
