import Foundation
import TestSupport
import Testing
@testable import Verification

/// The run key and commitment digest: one per commitment whatever its encoding, and any change
/// of a committed value changes the right one. Checked against tools/commitment_reference.py.
struct ProofBundleCommitmentTests {
    static let fixture = Repository.path("Tests/Fixtures/commitment/bundle.json")
    static var text: String { String(decoding: PoGOTestSupport.bytes(fixture), as: UTF8.self) }

    static func parse(_ text: String) throws -> ProofBundle { try ProofBundle(bytes: Array(text.utf8)) }

    /// `text` with the first occurrence of `old` replaced; fails the test when `old` is absent.
    static func edit(_ old: String, _ new: String, in text: String = text) -> String {
        #expect(text.contains(old), "fixture lacks \(old)")
        guard let range = text.range(of: old) else { return text }
        return text.replacingCharacters(in: range, with: new)
    }

    @Test func fixtureHasTheDocumentedDigests() throws {
        // The worked example of docs/protocol-parts/bundle.md, computed by tools/commitment_reference.py.
        let bundle = try Self.parse(Self.text)
        #expect(bundle.runKey.hex == "5f1de09a5c63a69d9527924ea8c46c808b18565fa2e157f60661024e8462cb94")
        #expect(bundle.commitmentDigest.hex == "5f75683eaa9891c707b55056791e77fe9afedf1530f5a646708da1c893c1dc98")
    }

    @Test func reEncodingsKeepTheCommitment() throws {
        let base = try Self.parse(Self.text)
        let compact = String(decoding: try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(Self.text.utf8)),
                                                                  options: [.sortedKeys]), as: UTF8.self)
        let variants = [
            "whitespace": "\n  " + Self.text.replacingOccurrences(of: "\n", with: "\r\n\t") + "   ",
            "sorted members, compact": compact,
            "lr as 1e-1": Self.edit("\"lr\": 0.1", "\"lr\": 1e-1"),
            "lr as the decimal of its fp32": Self.edit("\"lr\": 0.1", "\"lr\": 0.100000001490116119384765625"),
            "a loss with more digits than fp32 keeps": Self.edit("0.6931", "0.69310000000001"),
            "initial loss as 7E-1": Self.edit("\"initialLoss\": 0.7", "\"initialLoss\": 7E-1"),
            "artifact by URI instead of inline": Self.edit("{\"inline\": \"AA==\"}", "{\"uri\": \"https://example.org/theta0.safetensors\"}"),
            "tree files added": Self.edit("\"gradients\": [", "\"theta0Tree\": {\"inline\": \"AA==\"}, \"weightTrees\": [{\"inline\": \"AA==\"}, "
                                          + "{\"inline\": \"AA==\"}], \"gradientTrees\": [{\"inline\": \"AA==\"}, {\"inline\": \"AA==\"}], \"gradients\": ["),
        ]
        for (name, text) in variants {
            let bundle = try Self.parse(text)
            #expect(bundle.digest != base.digest, "\(name): other bytes")
            #expect(bundle.commitmentDigest == base.commitmentDigest && bundle.runKey == base.runKey, "\(name)")
        }
        // The sign of a zero loss is not a second spelling either.
        let zero = try Self.parse(Self.edit("0.6875", "0")), negativeZero = try Self.parse(Self.edit("0.6875", "-0.0"))
        #expect(zero.commitmentDigest == negativeZero.commitmentDigest)
    }

    @Test func changesToTheTrajectoryChangeTheRunAndChangesToClaimsOnlyTheCommitment() throws {
        let base = try Self.parse(Self.text)
        let other = SHA256.hash(Array("other".utf8)).hex
        let sameRun = [
            "one step's loss by one fp32 ulp": Self.edit("0.6931", "0.69310004"),
            "a weights root": Self.edit(base.steps[1].weightsRoot.hex, other),
            "a gradient root": Self.edit(base.steps[0].gradientRoot.hex, other),
            "the final evaluation loss": Self.edit("\"finalLoss\": 0.65", "\"finalLoss\": 0.6"),
            "the evaluation batch size": Self.edit("\"batchSize\": 64", "\"batchSize\": 65"),
        ]
        for (name, text) in sameRun {
            let bundle = try Self.parse(text)
            #expect(bundle.runKey == base.runKey && bundle.commitmentDigest != base.commitmentDigest, "\(name)")
        }
        let otherRun = [
            "lr": Self.edit("\"lr\": 0.1", "\"lr\": 0.2"),
            "batch size": Self.edit("\"batchSize\": 4", "\"batchSize\": 5"),
            "activation": Self.edit("\"tanh\"", "\"relu\""),
            "block seed": Self.edit(base.blockSeed.hex, other),
            "theta0 root": Self.edit(base.theta0Root.hex, other),
            "data set": Self.edit(base.datasetDigest.hex, other),
        ]
        for (name, text) in otherRun {
            let bundle = try Self.parse(text)
            #expect(bundle.runKey != base.runKey && bundle.commitmentDigest != base.commitmentDigest, "\(name)")
        }
    }

    @Test func pythonReferenceAgreesOnTheFixtureAndOnItsMinersBundles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("commitment-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Python.output("miner.py", ["--arch", "mlp", "--hidden", "8", "--steps", "3", "--lr", "0.05", "--batch", "16", "--eval-batch", "64",
                                           "--seed", "2", "--block-seed", PoGOTestSupport.blockSeed.hex, "--out", directory, "--inline"])
        for path in [Self.fixture, directory + "/bundle.json"] {
            let output = try Python.run("commitment_reference.py", [path])
            #expect(output.status == 0, "\(output.stderr)")
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String])
            let bundle = try ProofBundle(bytes: PoGOTestSupport.bytes(path))
            #expect(reference["runKey"] == bundle.runKey.hex && reference["commitment"] == bundle.commitmentDigest.hex, "\(path)")
        }
    }
}

/// The optimizer member: absent and {"name": "sgd"} are one commitment (the digests SGD
/// bundles had before optimizers existed); AdamW's values enter the run key; bad values are
/// refused with the field named.
struct ProofBundleOptimizerTests {
    static let text = ProofBundleCommitmentTests.text

    @Test func explicitSGDKeepsTheDigestsOfBundlesWithoutOptimizer() throws {
        let base = try ProofBundleCommitmentTests.parse(Self.text)
        let sgd = try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", "\"optimizer\": {\"name\": \"sgd\"}, \"lr\": 0.1"))
        #expect(sgd.optimizer == .sgd)
        #expect(sgd.runKey == base.runKey && sgd.commitmentDigest == base.commitmentDigest)
        #expect(base.runKey.hex == "5f1de09a5c63a69d9527924ea8c46c808b18565fa2e157f60661024e8462cb94")
    }

    @Test func refusesNullOptimizer() throws {
        #expect(throws: JSONFieldError(field: "optimizer", reason: "must be an object (omit it for SGD)")) {
            try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", "\"optimizer\": null, \"lr\": 0.1"))
        }
    }

    @Test func adamWValuesEnterTheRunKey() throws {
        let adam = "\"optimizer\": {\"name\": \"adamw\", \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-8, \"weightDecay\": 0.01}, \"lr\": 0.1"
        let base = try ProofBundleCommitmentTests.parse(Self.text)
        let a = try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", adam))
        #expect(a.optimizer == .adamw(AdamW(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01)))
        #expect(a.runKey != base.runKey && a.commitmentDigest != base.commitmentDigest)
        for (old, new) in [("0.999", "0.99"), ("1e-8", "1e-7"), ("0.01", "0.1"), ("\"beta1\": 0.9", "\"beta1\": 0.8")] {
            let changed = try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", adam.replacingOccurrences(of: old, with: new)))
            #expect(changed.runKey != a.runKey, "\(old) -> \(new)")
        }
        // Same fp32 values, other spelling: one commitment.
        let respelled = try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", adam.replacingOccurrences(of: "1e-8", with: "0.00000001")))
        #expect(respelled.runKey == a.runKey)
    }

    @Test(arguments: [
        ("\"name\": \"adam\"", "optimizer.name"),
        ("\"name\": \"adamw\", \"beta1\": 1, \"beta2\": 0.999, \"eps\": 1e-8, \"weightDecay\": 0", "optimizer.beta1"),
        ("\"name\": \"adamw\", \"beta1\": 0.9, \"beta2\": -0.1, \"eps\": 1e-8, \"weightDecay\": 0", "optimizer.beta2"),
        ("\"name\": \"adamw\", \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 0, \"weightDecay\": 0", "optimizer.eps"),
        ("\"name\": \"adamw\", \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-8, \"weightDecay\": -1", "optimizer.weightDecay"),
        ("\"name\": \"adamw\", \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-8", "optimizer.weightDecay"),
        ("\"name\": \"sgd\", \"beta1\": 0.9", "optimizer.beta1"),
        ("\"name\": \"adamw\", \"momentum\": 0.9", "optimizer.momentum"),
    ])
    func refusesBadOptimizerNamingTheField(member: String, field: String) throws {
        do {
            _ = try ProofBundleCommitmentTests.parse(ProofBundleCommitmentTests.edit("\"lr\": 0.1", "\"optimizer\": {\(member)}, \"lr\": 0.1"))
            Issue.record("accepted \(member)")
        } catch let error as JSONFieldError {
            #expect(error.field == field, "\(error)")
        }
    }
}
