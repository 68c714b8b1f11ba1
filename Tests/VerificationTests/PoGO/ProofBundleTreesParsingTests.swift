import Testing
import Verification

/// The optional tree-file members of `artifacts`: all three or none, one tree per step.
@Suite struct ProofBundleTreesParsingTests {
    static func withTrees(theta0: Bool = true, weights: Int? = 2, gradients: Int? = 2) -> [UInt8] {
        ProofBundleParsingTests.bundle(steps: 2) { b in
            var artifacts = b["artifacts"] as! [String: Any]
            if theta0 { artifacts["theta0Tree"] = ["uri": "https://example.org/theta0.tree"] }
            if let weights { artifacts["weightTrees"] = (0..<weights).map { ["uri": "https://example.org/w\($0).tree"] } }
            if let gradients { artifacts["gradientTrees"] = (0..<gradients).map { _ in ["inline": "AAAA"] } }
            b["artifacts"] = artifacts
        }
    }

    @Test func parsesAllThreeTreeMembers() throws {
        let b = try ProofBundle(bytes: Self.withTrees())
        #expect(b.trees?.theta0 == .uri("https://example.org/theta0.tree"))
        #expect(b.trees?.weights == [.uri("https://example.org/w0.tree"), .uri("https://example.org/w1.tree")])
        #expect(b.trees?.gradients == [.inline([0, 0, 0]), .inline([0, 0, 0])])
    }

    @Test func bundleWithoutTreesHasNone() throws {
        #expect(try ProofBundle(bytes: ProofBundleParsingTests.bundle()).trees == nil)
    }

    @Test func refusesSomeTreeMembersWithoutTheOthers() {
        #expect(ProofBundleParsingTests.refusal(Self.withTrees(theta0: false))?.field == "artifacts")
        #expect(ProofBundleParsingTests.refusal(Self.withTrees(weights: nil))?.field == "artifacts")
    }

    @Test func refusesTreeCountOtherThanStepCount() {
        #expect(ProofBundleParsingTests.refusal(Self.withTrees(weights: 3))?.field == "artifacts.weightTrees")
        #expect(ProofBundleParsingTests.refusal(Self.withTrees(gradients: 1))?.field == "artifacts.gradientTrees")
    }
}
