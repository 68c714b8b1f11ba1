internal import Foundation
internal import Verification

/// `verifier bench-poq`: times the PoQ encoder on query/passage pairs (a developer tool used
/// by scripts/bench-poq, not part of the service API).
///
/// Pairs are `[CLS] query [SEP] passage [SEP]`; with `--seq N` every sequence is padded to
/// exactly N tokens (truncated to N first), else each batch is padded to its longest pair.
/// Prints one JSON line: batch, seq, pairs, runs, median ms per pair.
enum BenchPoQCommand: Subcommand {
    static let name = "bench-poq"
    static let usage = "bench-poq --model DIR --pairs FILE [--batch N] [--seq N] [--runs N] [--threads N]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--model", "--pairs", "--batch", "--seq", "--runs", "--threads"])
        guard let model = args.value("--model"), let pairsPath = args.value("--pairs") else {
            throw UsageError("--model and --pairs are required")
        }
        let batch = try args.int("--batch") ?? 1
        let seq = try args.int("--seq")
        let runs = try args.int("--runs") ?? 3
        setBLASThreadCount(try args.int("--threads") ?? 1)
        // One pair per line, query and passage separated by a tab.
        let lines = try String(contentsOfFile: pairsPath, encoding: .utf8).split(separator: "\n")
        let pairs = lines.compactMap { line -> (String, String)? in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        let evaluator = try PoQEvaluator(directory: model, limits: PoQLimits(maxSequenceTokens: seq ?? 512))
        let encodings = pairs.map { evaluator.tokenizer.encodePair($0.0, $0.1) }
        var perPair: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            for first in stride(from: 0, to: encodings.count, by: batch) {
                let chunk = Array(encodings[first..<min(encodings.count, first + batch)])
                _ = evaluator.encoder.hiddenStates(chunk, paddedLength: seq)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            perPair.append(elapsed / Double(encodings.count))
        }
        perPair.sort()
        let meanTokens = Double(encodings.map(\.count).reduce(0, +)) / Double(max(1, encodings.count))
        print("{\"impl\":\"swift\",\"batch\":\(batch),\"seq\":\(seq.map(String.init) ?? "\"unpadded\""),\"pairs\":\(encodings.count),\"meanTokens\":\(String(format: "%.1f", meanTokens)),\"runs\":\(runs),\"msPerPair\":\(String(format: "%.3f", perPair[perPair.count / 2]))}")
        return 0
    }
}
