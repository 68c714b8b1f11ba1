import Foundation
import Testing
@testable import Verification

/// Leaf-only verification on inline bundles with tree files: the parameter cap selects the
/// mode, honest runs pass with the mode and the checks not run stated, and tampered leaves,
/// proofs and update rules are rejected.
@Suite struct PoGOLeafOnlyTests {
    /// The test MLP has 2,410 parameters: a cap of 2,409 forces leaf-only mode.
    static let leafOnly = VerificationPolicy(challengedSteps: 3, challengedLeaves: 3, maxReexecutedParameters: 2_409)

    static func minedRun() throws -> MinedRun {
        try PoGOTestSupport.mine(try PoGOTestSupport.mlpMiner(), steps: 3)
    }

    static func verify(_ json: [UInt8], policy: VerificationPolicy = leafOnly) throws -> VerificationReport {
        let bundle = try ProofBundle(bytes: json)
        return try PoGOTestSupport.verify(bundle, beacon: SHA256.hash(Array("leaf-only".utf8)), policy: policy)
    }

    /// Replaces the n-th occurrence of `"member":{"inline":"..."}`'s decoded bytes via `edit`.
    static func editInline(_ json: [UInt8], member: String, index: Int = 0, _ edit: (inout [UInt8]) -> Void) throws -> [UInt8] {
        var text = String(decoding: json, as: UTF8.self)
        guard let memberRange = text.range(of: "\"\(member)\":") else { throw TestFailure("no member \(member)") }
        var search = memberRange.upperBound
        var found: Range<String.Index>? = nil
        for _ in 0...index {
            guard let open = text.range(of: "{\"inline\":\"", range: search..<text.endIndex) else { throw TestFailure("no inline artifact") }
            guard let close = text.range(of: "\"}", range: open.upperBound..<text.endIndex) else { throw TestFailure("unterminated") }
            found = open.upperBound..<close.lowerBound
            search = close.upperBound
        }
        var bytes = [UInt8](Data(base64Encoded: String(text[found!]))!)
        edit(&bytes)
        text.replaceSubrange(found!, with: Data(bytes).base64EncodedString())
        return Array(text.utf8)
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    @Test func capAtParameterCountStillReexecutes() throws {
        var policy = Self.leafOnly
        policy.maxReexecutedParameters = 2_410
        let report = try Self.verify(try Self.minedRun().bundleJSON(.inline, trees: true), policy: policy)
        #expect(report.mode == .full)
        #expect(report.checksNotRun == nil)
        #expect(report.verdict == .positive, "\(report.failedChecks)")
    }

    @Test func honestBundleVerifiesLeafOnlyAndSaysSo() throws {
        let report = try Self.verify(try Self.minedRun().bundleJSON(.inline, trees: true))
        #expect(report.verdict == .positive, "\(report.checks.filter { !$0.passed }.map(\.detail))")
        #expect(report.mode == .leafOnly)
        #expect(report.checksNotRun?.contains(.stepGradient) == true)
        #expect(report.checksNotRun?.contains(.progressSecretImprovement) == true)
        #expect(report.check(.stepLoss) == nil)
        for t in report.stepsChecked {
            for name in [.leafTheta0Opening, .leafGradientOpenings, .leafPreviousWeights, .leafUpdateRule] as [VerificationReport.CheckName] {
                #expect(report.check(name, step: t)?.passed == true, "\(name)[\(t)]")
            }
        }
        let statement = String(decoding: try PoGOAttestation.statement(for: report).jsonBytes(), as: UTF8.self)
        #expect(statement.contains("\"mode\":\"leafOnly\""))
        #expect(statement.contains("\"checksNotRun\":["))
    }

    @Test func fullModeAttestationHasNoChecksNotRun() throws {
        var policy = Self.leafOnly
        policy.maxReexecutedParameters = 10_000
        let report = try Self.verify(try Self.minedRun().bundleJSON(.inline, trees: true), policy: policy)
        let statement = String(decoding: try PoGOAttestation.statement(for: report).jsonBytes(), as: UTF8.self)
        #expect(!statement.contains("checksNotRun"))
        #expect(statement.contains("\"mode\":\"full\""))
    }

    @Test func refusesLeafOnlyWithoutTreeFiles() throws {
        #expect(throws: PoGOVerificationError.treeFilesRequired(reason: "the model has 2410 parameters, above the re-execution cap 2409")) {
            try Self.verify(try Self.minedRun().bundleJSON(.inline))
        }
    }

    @Test func rejectsTamperedTheta0Leaf() throws {
        let json = try Self.editInline(try Self.minedRun().bundleJSON(.inline, trees: true), member: "theta0") { bytes in
            bytes[bytes.count - 1] ^= 0x01
        }
        let report = try Self.verify(json)
        #expect(report.verdict == .negative)
        #expect(report.failed(.leafTheta0Opening))
    }

    @Test func rejectsWrongProofInGradientTree() throws {
        // Corrupt every node above the leaves of gradient 1's tree: any opening needs one.
        let json = try Self.editInline(try Self.minedRun().bundleJSON(.inline, trees: true), member: "gradientTrees") { bytes in
            for k in stride(from: 3 * 32, to: bytes.count, by: 32) { bytes[k] ^= 0x80 }
        }
        let report = try Self.verify(json)
        #expect(report.verdict == .negative)
        #expect(report.failed(.leafGradientOpenings))
        #expect(!report.failed(.leafTheta0Opening))
    }

    @Test func rejectsTruncatedTreeFile() throws {
        let json = try Self.editInline(try Self.minedRun().bundleJSON(.inline, trees: true), member: "theta0Tree") { bytes in
            bytes.removeLast(40)
        }
        let report = try Self.verify(json)
        #expect(report.failed(.leafTheta0Opening))
    }

    @Test func rejectsUpdateRuleViolation() throws {
        var run = try Self.minedRun()
        // Step 2 commits a gradient 10% larger than the one that produced theta_2: codes equal,
        // scales larger, so its leaves open but the update rule does not give theta_2.
        let scaled = try QuantizedGradient(quantizing: run.gradients[1].dequantized().map { $0 * 1.1 })
        run.gradients[1] = scaled
        run.steps[1].gradientRoot = scaled.merkleRoot()
        let bundle = try ProofBundle(bytes: try run.bundleJSON(.inline, trees: true))
        let beacon = try PoGOTestSupport.beacon(challenging: 2, in: bundle, policy: Self.leafOnly)
        let report = try PoGOTestSupport.verify(bundle, beacon: beacon, policy: Self.leafOnly)
        #expect(report.verdict == .negative)
        #expect(report.check(.leafGradientOpenings, step: 2)?.passed == true)
        #expect(report.check(.leafUpdateRule, step: 2)?.passed == false)
    }

    @Test func rejectsTheta0WithWrongTensors() throws {
        var run = try Self.minedRun()
        run.layout = ParameterLayout(run.layout.slots.map { (name: $0.name == "layers.0.bias" ? "layers.0.b" : $0.name, shape: $0.shape) })
        let report = try Self.verify(try run.bundleJSON(.inline, trees: true))
        #expect(report.failed(.leafTheta0Header))
        #expect(report.mode == .leafOnly)
    }
}
