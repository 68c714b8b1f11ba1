internal import Foundation
internal import Verification

/// `verifier bench-poq`: times the PoQ encoder on query/passage pairs (a developer tool used
/// by scripts/bench-poq, not part of the service API).
///
/// Pairs are `[CLS] query [SEP] passage [SEP]`; with `--seq N` every sequence is padded to
/// exactly N tokens (truncated to N first), else each batch is padded to its longest pair.
/// A timed pass runs every batch through the encoder and mean-pools and normalises its
/// outputs; tokenization is done before timing (onnxruntime's side also tokenizes untimed).
/// One untimed warm-up pass precedes the timed runs. `--threads N` splits each batch's work
/// across N Dispatch tasks (`BertEncoder.hiddenStates(threads:)`), each sgemm on one OpenBLAS
/// thread. Prints one JSON line: batch, seq, threads, pairs, runs, median ms per pair. With `--dump FILE` it times
/// nothing and writes the outputs of one pass instead (see `PoQBenchDump`).
enum BenchPoQCommand: Subcommand {
    static let name = "bench-poq"
    static let usage = "bench-poq --model DIR --pairs FILE [--batch N] [--seq N] [--runs N] [--threads N] [--dump FILE]"

    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try ArgumentScanner(arguments, valued: ["--model", "--pairs", "--batch", "--seq", "--runs", "--threads", "--dump"])
        guard let model = args.value("--model"), let pairsPath = args.value("--pairs") else {
            throw UsageError("--model and --pairs are required")
        }
        let batch = try args.int("--batch") ?? 1
        let seq = try args.int("--seq")
        let runs = try args.int("--runs") ?? 3
        let threads = try args.int("--threads") ?? 1
        guard batch >= 1, runs >= 1, threads >= 1 else { throw UsageError("--batch, --runs and --threads must be at least 1") }
        // [CLS] and two [SEP] need 3 positions; a shorter limit leaves no room for text.
        if let seq, seq < 3 { throw UsageError("--seq must be at least 3, got \(seq)") }
        setBLASThreadCount(1)
        // One pair per line, query and passage separated by a tab.
        let lines = try String(contentsOfFile: pairsPath, encoding: .utf8).split(separator: "\n")
        let pairs = lines.compactMap { line -> (String, String)? in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        guard !pairs.isEmpty else { throw UsageError("no tab-separated pairs in \(pairsPath)") }
        let evaluator = try PoQEvaluator(directory: model, limits: PoQLimits(maxSequenceTokens: seq ?? 512))
        let encodings = pairs.map { evaluator.tokenizer.encodePair($0.0, $0.1) }
        let batches = stride(from: 0, to: encodings.count, by: batch).map {
            Array(encodings[$0..<min(encodings.count, $0 + batch)])
        }
        if let dump = args.value("--dump") {
            let states = batches.map { evaluator.encoder.hiddenStates($0, paddedLength: seq, threads: threads) }
            let outputs = PoQBenchDump(batch: batch, seq: seq, threads: threads, batches: batches, states: states)
            try outputs.json.write(toFile: dump, atomically: true, encoding: .utf8)
            return 0
        }
        // The same work onnxruntime's graph does per batch: hidden states, then pooling.
        let pass = {
            for chunk in batches {
                _ = evaluator.encoder.hiddenStates(chunk, paddedLength: seq, threads: threads).meanPooledNormalized()
            }
        }
        pass()
        var perPair: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            pass()
            let elapsed = (ContinuousClock.now - start) / .milliseconds(1)
            perPair.append(elapsed / Double(encodings.count))
        }
        perPair.sort()
        let meanTokens = Double(encodings.map(\.count).reduce(0, +)) / Double(encodings.count)
        let seqText = seq.map(String.init) ?? "\"unpadded\""
        print("{\"impl\":\"swift\",\"batch\":\(batch),\"seq\":\(seqText),\"threads\":\(threads),\"pairs\":\(encodings.count),"
            + "\"meanTokens\":\(String(format: "%.1f", meanTokens)),\"runs\":\(runs),"
            + "\"msPerPair\":\(String(format: "%.3f", perPair[perPair.count / 2]))}")
        return 0
    }
}
