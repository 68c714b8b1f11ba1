import Foundation
import TestSupport
import Testing
import Verification

/// `verifier bench-poq` run as a process: `--dump` writes the encoder's outputs in the bench's
/// batching (checked against the in-process evaluator), and its argument limits.
struct BenchPoQCommandTests {
    static let model = Repository.path("models/all-MiniLM-L6-v2")

    struct Dump: Decodable {
        let impl: String
        let batch: Int
        let seq: Int
        let threads: Int
        let paddedLengths: [Int]
        let ids: [[Int32]]
        let hidden: [[Float]]
        let embeddings: [[Float]]
    }

    static let pairs = [
        ("How many people live in Berlin?", "Berlin has a population of 3,520,031 registered inhabitants."),
        ("What is the capital of France?", "Paris."),
        ("Who wrote Pride and Prejudice?", "Jane Austen wrote it in 1813."),
    ]

    private func verifier(_ arguments: [String]) throws -> Int32 {
        try Subprocess.run(Repository.binary, arguments).status
    }

    /// A fresh folder holding the pairs file; fails when scripts/setup has not fetched the model.
    private func folder() throws -> URL {
        try #require(FileManager.default.fileExists(atPath: Self.model + "/model.safetensors"),
                     "models/all-MiniLM-L6-v2 is missing: run scripts/setup")
        let url = try Scratch.directory("bench-poq")
        let text = Self.pairs.map { "\($0.0)\t\($0.1)\n" }.joined()
        try text.write(to: url.appendingPathComponent("pairs.tsv"), atomically: true, encoding: .utf8)
        return url
    }

    private func arguments(_ dir: URL, _ extra: [String]) -> [String] {
        ["bench-poq", "--model", Self.model, "--pairs", dir.appendingPathComponent("pairs.tsv").path] + extra
    }

    @Test func dumpHoldsTheEncoderOutputsOfEveryPairPaddedToSeq() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dump.json").path
        #expect(try verifier(arguments(dir, ["--batch", "2", "--seq", "40", "--threads", "1", "--dump", path])) == 0)
        let dump = try JSONDecoder().decode(Dump.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(dump.impl == "swift" && dump.batch == 2 && dump.seq == 40 && dump.threads == 1)
        #expect(dump.paddedLengths == [40, 40])

        let evaluator = try PoQEvaluator(directory: Self.model, limits: PoQLimits(maxSequenceTokens: 40))
        let encodings = Self.pairs.map { evaluator.tokenizer.encodePair($0.0, $0.1) }
        #expect(dump.ids == encodings.map(\.ids))
        let states = evaluator.encoder.hiddenStates(encodings, paddedLength: 40)
        let embeddings = states.meanPooledNormalized()
        for (i, encoding) in encodings.enumerated() {
            let rows = (0..<encoding.count).flatMap { states.row(i, $0) }
            #expect(dump.hidden[i].count == encoding.count * 384)
            #expect(zip(dump.hidden[i], rows).allSatisfy { abs($0 - $1) <= 1e-5 }, "pair \(i) hidden states")
            #expect(zip(dump.embeddings[i], embeddings[i]).allSatisfy { abs($0 - $1) <= 1e-6 }, "pair \(i) embedding")
        }
    }

    @Test func seqOfThreeIsAcceptedAndTwoRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dump.json").path
        #expect(try verifier(arguments(dir, ["--seq", "3", "--dump", path])) == 0)
        #expect(try verifier(arguments(dir, ["--seq", "2", "--dump", path])) == 2)
    }

    @Test func batchAndRunsOfOneAreAcceptedAndZeroRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try verifier(arguments(dir, ["--batch", "1", "--runs", "1", "--seq", "8"])) == 0)
        #expect(try verifier(arguments(dir, ["--batch", "0", "--runs", "1"])) == 2)
        #expect(try verifier(arguments(dir, ["--batch", "1", "--runs", "0"])) == 2)
    }
}

/// `verifier bench-gemm` run as a process: one JSON line naming the kernel build the process
/// runs (the one `verifier version` reports), and its argument limits.
struct BenchGEMMCommandTests {
    struct Line: Decodable {
        let impl: String
        let kernels: String
        let rows: Int
        let runs: Int
        let bestGflops: Double
        let medianGflops: Double
    }

    @Test func printsOneLineForTheKernelsThisProcessRuns() throws {
        let result = try Subprocess.run(Repository.binary, ["bench-gemm", "--rows", "7", "--runs", "2"])
        #expect(result.status == 0)
        let line = try JSONDecoder().decode(Line.self, from: result.output)
        #expect(line.impl == "swift" && line.rows == 7 && line.runs == 2)
        #expect(line.bestGflops >= line.medianGflops && line.medianGflops > 0)
        let version = try Subprocess.run(Repository.binary, ["version"])
        #expect(String(decoding: version.output, as: UTF8.self).contains("kernels=\(line.kernels)"))
    }

    @Test func rowsAndRunsOutOfRangeAreRefused() throws {
        for arguments in [["--rows", "0"], ["--rows", "4097"], ["--runs", "0"]] {
            #expect(try Subprocess.run(Repository.binary, ["bench-gemm"] + arguments).status == 2, "\(arguments)")
        }
    }
}
