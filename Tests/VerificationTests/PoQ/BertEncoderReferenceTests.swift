import Foundation
import TestSupport
import Testing
@testable import Verification

/// The encoder on the real all-MiniLM-L6-v2 weights against tools/bert_reference.py, an
/// independent float64 numpy implementation run live; tolerance 1e-4 absolute throughout.
@Suite(.serialized)
struct BertEncoderReferenceTests {
    struct Reference: Decodable {
        let texts: [String]
        let ids: [[Int32]]
        let hidden: [[Double]]
        let embeddings: [[Double]]
        let cosines: [Double]
        let pairs: [[String]]
        let pairIds: [[Int32]]
        let pooling: [String: [[Double]]]
        let pooled: [[Double]]
        let logits: [Double]
    }

    static let tolerance = 1e-4

    nonisolated(unsafe) private static var cached: Reference?

    /// The reference's outputs, computed once per test process (the suite runs serialized).
    static func reference() throws -> Reference {
        if let cached { return cached }
        let reference = try JSONDecoder().decode(Reference.self, from: Python.output("bert_reference.py", ["compare"]))
        cached = reference
        return reference
    }

    static func maxDifference(_ a: some Collection<Float>, _ b: [Double]) -> Double {
        #expect(a.count == b.count)
        return zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
    }

    @Test func hiddenStatesEmbeddingsAndCosinesMatchReference() throws {
        let reference = try Self.reference()
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let encodings = reference.texts.map { evaluator.tokenizer.encode($0) }
        #expect(encodings.map(\.ids) == reference.ids)
        let states = evaluator.encoder.hiddenStates(encodings)
        #expect(states.paddedLength == reference.ids.map(\.count).max())
        for (b, want) in reference.hidden.enumerated() {
            var got: [Float] = []
            for t in 0..<states.lengths[b] { got.append(contentsOf: states.row(b, t)) }
            let diff = Self.maxDifference(got, want)
            #expect(diff <= Self.tolerance, "text \(b): hidden states differ by \(diff)")
        }
        let embeddings = states.meanPooledNormalized()
        for (b, want) in reference.embeddings.enumerated() {
            let diff = Self.maxDifference(embeddings[b], want)
            #expect(diff <= Self.tolerance, "text \(b): embedding differs by \(diff)")
        }
        let scores = try evaluator.score(prompt: reference.texts[0], outputs: Array(reference.texts))
        for (i, cosine) in reference.cosines.enumerated() {
            #expect(abs(scores[i] - (cosine + 1) / 2) <= Self.tolerance, "cosine \(i): \(scores[i]) vs \((cosine + 1) / 2)")
        }
    }

    /// A sequence's hidden states are the same to the bit alone, in a batch, padded further and
    /// split across threads in each of the three ways (steps split with projections by panels
    /// of output columns under 256 rows per task, or by rows for one sequence of 512 rows on
    /// 2 threads; groups of whole sequences for two sequences of 512 tokens), and the reference
    /// texts still match the reference.
    @Test func encoderRowsDoNotDependOnBatchPaddingOrThreads() throws {
        let reference = try Self.reference()
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let encodings = reference.texts.map { evaluator.tokenizer.encode($0) }
        try #require(encodings.count >= 3 && encodings.count < 7)
        let alone = encodings.map { evaluator.encoder.hiddenStates([$0]) }
        let cases: [(sequences: Int, threads: Int, padded: Int?)] = [
            (encodings.count, 1, nil), (encodings.count, 2, 40), (encodings.count, 7, 40),
            (encodings.count, 2, nil), (encodings.count, 2, 128), (1, 2, 40), (1, 3, nil), (1, 2, 512),
        ]
        for (sequences, threads, padded) in cases {
            let batch = Array(encodings.prefix(sequences))
            let states = evaluator.encoder.hiddenStates(batch, paddedLength: padded, threads: threads)
            let label = "\(sequences) sequences, \(threads) threads, padded to \(padded.map(String.init) ?? "longest")"
            #expect(states.paddedLength == padded ?? batch.map(\.count).max() && states.lengths == batch.map(\.count), "\(label)")
            for b in 0..<sequences {
                let own = alone[b].values[0..<batch[b].count * states.channels]
                let start = b * states.paddedLength * states.channels
                let rows = Array(states.values[start..<start + batch[b].count * states.channels])
                #expect(rows == Array(own), "\(label), sequence \(b)")
                let difference = Self.maxDifference(rows, reference.hidden[b])
                #expect(difference <= Self.tolerance, "\(label), text \(b)")
            }
        }
        let long = [reference.texts[1], reference.texts[2]].map { evaluator.tokenizer.encode(String(repeating: $0 + " ", count: 80)) }
        // Truncated at the checkpoint's maximum length (256 for all-MiniLM-L6-v2).
        let full = evaluator.tokenizer.maxLength
        try #require(long.map(\.count) == [full, full])
        // Four long sequences and a short one (at least 512 tokens per thread): groups of whole
        // sequences with near-equal tokens, each on its own thread; the padding stays zero.
        let mixed = long + long + [encodings[0]]
        let grouped = evaluator.encoder.hiddenStates(mixed, threads: 2)
        let width = full * grouped.channels
        for (b, encoding) in mixed.enumerated() {
            let own = evaluator.encoder.hiddenStates([encoding]).values
            #expect(Array(grouped.values[b * width..<b * width + own.count]) == own, "sequence \(b) in groups on 2 threads")
            #expect(grouped.values[b * width + own.count..<(b + 1) * width].allSatisfy { $0 == 0 }, "padding of sequence \(b)")
        }
    }

    @Test func crossEncoderPooledAndLogitsMatchReference() throws {
        let reference = try Self.reference()
        let directory = try PoQTestSupport.crossEncoderDirectory()
        let evaluator = try PoQEvaluator(directory: directory)
        #expect(evaluator.mode == .crossEncoder)
        let encodings = reference.pairs.map { evaluator.tokenizer.encodePair($0[0], $0[1]) }
        #expect(encodings.map(\.ids) == reference.pairIds)
        let states = evaluator.encoder.hiddenStates(encodings)
        let pooled = try #require(evaluator.encoder.pooled(states))
        for (b, want) in reference.pooled.enumerated() {
            let diff = Self.maxDifference(pooled[b], want)
            #expect(diff <= Self.tolerance, "pair \(b): pooled differs by \(diff)")
        }
        let logits = try #require(evaluator.encoder.logits(states))
        #expect(Self.maxDifference(logits, reference.logits) <= Self.tolerance)
        for (pair, logit) in zip(reference.pairs, reference.logits) {
            let score = try evaluator.score(prompt: pair[0], outputs: [pair[1]])[0]
            #expect(abs(score - 1 / (1 + exp(-logit))) <= Self.tolerance)
        }
    }

    @Test func berlinPopulationOutranksNewYorkMuseums() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let scores = try evaluator.score(prompt: "How many people live in Berlin?", outputs: [
            "Berlin has a population of 3,520,031 registered inhabitants in an area of 891.82 square kilometers.",
            "New York City is famous for the Metropolitan Museum of Art.",
        ])
        #expect(scores[0] > scores[1] + 0.1, "\(scores)")
    }

    /// Outputs of very different lengths, more than one encoder run of them, a repeated one:
    /// each score is the same to the bit as the output scored alone, in the outputs' order.
    @Test func scoresAreTheSameAloneOrBatched() throws {
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let long = String(repeating: "a considerably longer output that forces the others to be padded ", count: 12)
        let outputs = ["short", long, "mid length text", "short"] + (0..<16).map { "output number \($0)" }
        let batched = try evaluator.score(prompt: "a prompt", outputs: outputs)
        #expect(batched.count == outputs.count && batched[0] == batched[3])
        for (i, output) in outputs.enumerated() {
            #expect(try evaluator.score(prompt: "a prompt", outputs: [output])[0] == batched[i], "output \(i)")
        }
    }
}

extension BertEncoderReferenceTests {
    /// sentence-transformers' other pooling modes and a concatenation of three, on the real
    /// hidden states, against the reference's `pool` (max over real tokens, padding excluded).
    @Test func poolingModesMatchReference() throws {
        let reference = try Self.reference()
        let evaluator = try PoQTestSupport.similarityEvaluator()
        let states = evaluator.encoder.hiddenStates(reference.texts.map { evaluator.tokenizer.encode($0) })
        #expect(reference.pooling.count == 4)
        for (names, want) in reference.pooling {
            let modes = Set(names.split(separator: "+"))
            let pooling = SentencePooling(cls: modes.contains("cls"), max: modes.contains("max"), mean: modes.contains("mean"),
                                          meanSqrtLength: modes.contains("mean_sqrt_len_tokens"))
            #expect(pooling.names.joined(separator: "+") == names)
            let got = states.sentenceEmbeddings(pooling)
            for (b, row) in want.enumerated() {
                let diff = Self.maxDifference(got[b], row)
                #expect(diff <= Self.tolerance, "\(names), text \(b): differs by \(diff)")
            }
        }
    }

    /// A checkpoint whose files say CLS pooling, no Normalize module and 128 tokens is scored
    /// that way: cosines of the reference's CLS embeddings.
    @Test func followsTheCheckpointsPoolingAndNormalizeModules() throws {
        let reference = try Self.reference()
        let directory = try PoQCheckpointFixtures.realModelVariant("cls-pooling") { dir in
            var pooling = try PoQCheckpointFixtures.realJSON("1_Pooling/config.json")
            pooling["pooling_mode_mean_tokens"] = false
            pooling["pooling_mode_cls_token"] = true
            try PoQCheckpointFixtures.replaceJSON(pooling, dir, "1_Pooling/config.json")
            let modules = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/modules.json"))) as! [Any]
            try PoQCheckpointFixtures.replaceJSON(Array(modules.prefix(2)), dir, "modules.json")
            try PoQCheckpointFixtures.replaceJSON(["max_seq_length": 128, "do_lower_case": false], dir, "sentence_bert_config.json")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let evaluator = try PoQEvaluator(directory: directory)
        #expect(evaluator.descriptor.scoring == .similarity(pooling: SentencePooling(cls: true), normalize: false))
        #expect(evaluator.tokenizer.maxLength == 128)
        let cls = try #require(reference.pooling["cls"])
        func unit(_ v: [Double]) -> [Double] {
            let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
            return v.map { $0 / norm }
        }
        let scores = try evaluator.score(prompt: reference.texts[0], outputs: reference.texts)
        for (i, row) in cls.enumerated() {
            let cosine = zip(unit(row), unit(cls[0])).map(*).reduce(0, +)
            #expect(abs(scores[i] - (cosine + 1) / 2) <= Self.tolerance, "text \(i): \(scores[i]) vs \((cosine + 1) / 2)")
        }
    }
}
