import Foundation
import TestSupport
import Testing
import Verification

/// Challenge derivation against vectors from the independent pure-Python reference
/// (tools/challenge_reference.py): the committed file without Python, then the script's
/// live output (fixed and random cases).
struct ChallengeVectorTests {
    static let fixture = Repository.url("Tests/Fixtures/challenge/vectors.json")

    @Test func matchesCommittedVectorFile() throws {
        let count = try ChallengeVectorRunner.run(try Data(contentsOf: Self.fixture))
        #expect(count == 28)
    }

    @Test func committedVectorFileIsWhatTheScriptGenerates() throws {
        let live = try Python.output("challenge_reference.py", ["vectors"])
        #expect(live == (try Data(contentsOf: Self.fixture)), "regenerate with: .venv/bin/python tools/challenge_reference.py vectors > Tests/Fixtures/challenge/vectors.json")
    }

    @Test(arguments: [1, 2, 3])
    func matchesReferenceOnRandomCases(seed: Int) throws {
        let data = try Python.output("challenge_reference.py", ["random", "--seed", String(seed)])
        #expect(try ChallengeVectorRunner.run(data) > 20)
    }
}

/// Checks every case of a vector file ({"cases": [...]}) and returns how many were checked.
enum ChallengeVectorRunner {
    static func run(_ data: Data) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: data)
        let root = try #require(object as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        for c in cases { try check(c) }
        return cases.count
    }

    private static func digest(_ c: [String: Any], _ key: String) throws -> Digest {
        let text = try #require(c[key] as? String, "\(key) is not a string")
        return try #require(Digest(hex: text), "\(key) is not 64 hex characters")
    }

    private static func int(_ c: [String: Any], _ key: String) throws -> Int {
        try #require(c[key] as? Int, "\(key) is not an integer")
    }

    private static func ints(_ c: [String: Any], _ key: String) throws -> [Int] {
        try #require(c[key] as? [Int], "\(key) is not a list of integers")
    }

    private static func check(_ c: [String: Any]) throws {
        let kind = try #require(c["kind"] as? String)
        switch kind {
        case "stream":
            var stream = ChallengeStream(seed: try digest(c, "seed"))
            let want = try #require(c["bytes"] as? String)
            // Read in uneven pieces to cross block boundaries.
            let got = stream.nextBytes(7) + stream.nextBytes(30) + stream.nextBytes(63)
            #expect(Hex.encode(got) == want)
        case "uniform":
            var stream = ChallengeStream(seed: try digest(c, "seed"))
            let nText = try #require(c["n"] as? String)
            let n = try #require(Int(nText))
            let want = try #require(c["draws"] as? [String])
            let got = (0..<want.count).map { _ in String(IndexSampler.uniform(below: n, from: &stream)) }
            #expect(got == want, "uniform(below: \(n))")
        case "distinct":
            var stream = ChallengeStream(seed: try digest(c, "seed"))
            let got = try IndexSampler.distinct(count: try int(c, "count"), below: try int(c, "n"), from: &stream)
            #expect(got == (try ints(c, "indices")))
        case "batch":
            let got = try ChallengeDerivation.batchIndices(
                datasetDigest: try digest(c, "dataset"), blockSeed: try digest(c, "block_seed"), step: try int(c, "step"),
                batchSize: try int(c, "batch_size"), exampleCount: try int(c, "n"))
            #expect(got == (try ints(c, "indices")))
        case "eval_public":
            let got = try ChallengeDerivation.publicEvaluationBatch(
                datasetDigest: try digest(c, "dataset"), blockSeed: try digest(c, "block_seed"),
                batchSize: try int(c, "batch_size"), exampleCount: try int(c, "n"))
            #expect(got == (try ints(c, "indices")))
        case "challenge_seed":
            let got = ChallengeDerivation.challengeSeed(commitmentDigest: try digest(c, "bundle"), beacon: try digest(c, "beacon"))
            #expect(got == (try digest(c, "seed")))
        case "steps":
            let got = try ChallengeDerivation.challengedSteps(
                challengeSeed: try digest(c, "challenge_seed"), stepCount: try int(c, "step_count"), count: try int(c, "count"))
            #expect(got == (try ints(c, "steps")))
        case "leaves":
            let got = try ChallengeDerivation.challengedLeaves(
                challengeSeed: try digest(c, "challenge_seed"), step: try int(c, "step"),
                leafCount: try int(c, "leaf_count"), count: try int(c, "count"))
            #expect(got == (try ints(c, "leaves")))
        case "eval_secret":
            let got = try ChallengeDerivation.secretEvaluationBatch(
                challengeSeed: try digest(c, "challenge_seed"), batchSize: try int(c, "batch_size"), exampleCount: try int(c, "n"))
            #expect(got == (try ints(c, "indices")))
        default:
            Issue.record("unknown vector kind \(kind)")
        }
    }
}
