import Foundation
import TestSupport
import Testing
import Verification

/// Swift finalization against tools/finalize_reference.py (pyca/cryptography, its own PAE and
/// base64, exact Fractions): on the committed fixtures and on random requests (fixed seed).
struct FinalizationCrossCheckTests {
    typealias S = FinalizationTestSupport
    static let fixtures = Repository.url("Tests/Fixtures/finalization")
    static let script = "finalize_reference.py"

    /// Expects equal results apart from rejection details, which are informative, not specified.
    static func expectSame(_ swift: FinalizationResult, _ reference: FinalizationResult, _ comment: Comment = "") {
        #expect(swift.kind == reference.kind && swift.subject == reference.subject, comment)
        #expect(swift.decision == reference.decision, comment)
        #expect(swift.stake == reference.stake, comment)
        #expect(swift.voters == reference.voters && swift.votes == reference.votes, comment)
        #expect(swift.equivocating == reference.equivocating, comment)
        #expect(swift.consensus == reference.consensus && swift.outliers == reference.outliers, comment)
        let key: (FinalizationResult.Rejected) -> String = { "\($0.index) \($0.reason) \($0.signers)" }
        #expect(swift.rejected.map(key) == reference.rejected.map(key), comment)
    }

    static func python(_ requestPath: String, keySearchBudget: Int = FinalizationLimits().maxKeySearchChecks) throws -> FinalizationResult {
        let output = try Python.run(script, [requestPath, String(keySearchBudget)])
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONDecoderBox.decode(Array(output.stdout.utf8))
    }

    @Test(arguments: ["pogo", "poq"])
    func committedFixtureGivesTheReferenceResult(kind: String) throws {
        let request = try Data(contentsOf: Self.fixtures.appendingPathComponent("\(kind)-request.json"))
        let expected = try JSONDecoderBox.decode(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("\(kind)-expected.json"))))
        let result = Finalizer.finalize(try FinalizationRequest(json: Array(request)))
        Self.expectSame(result, expected)
        // unboundBeacon applies to pogo only, wrongEvaluator to poq only; the search budget needs
        // thousands of signatures (FinalizationKeyMatchingTests).
        #expect(Set(result.rejected.map(\.reason)).count == 7, "the fixture exercises every other rejection reason")
        #expect(!result.rejected.contains { $0.reason == .keySearchBudgetExhausted })
        #expect(!result.equivocating.isEmpty && result.votes.contains { $0.attestations.count > 1 })
    }

    @Test(arguments: ["pogo", "poq"])
    func pythonReferenceReproducesCommittedFixture(kind: String) throws {
        let expected = try JSONDecoderBox.decode(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("\(kind)-expected.json"))))
        #expect(try Self.python(Self.fixtures.appendingPathComponent("\(kind)-request.json").path) == expected)
    }

    /// Statements that repeat a key are malformed for both implementations (a reader keeping
    /// the first value and one keeping the last would count different ballots).
    @Test func repeatedKeysAreMalformedForBothImplementations() throws {
        let keys = (0..<3).map(S.key)
        let payloads = [
            S.statementJSON(predicate: S.pogoPredicate("\"verdict\":\"negative\",\"verdict\":\"positive\"")),
            S.statementJSON(predicate: S.pogoPredicate()).replacingOccurrences(of: "{\"sha256\"", with: "{\"sha256\":\"00\",\"sha256\""),
            S.statementJSON(predicate: S.pogoPredicate()),
        ]
        let envelopes = zip(keys, payloads).map { DSSEEnvelope.sign(payload: Array($1.utf8), payloadType: InTotoStatement.payloadType, key: $0) }
        let json = S.requestJSON(kind: "pogo", verifiers: keys.map { ($0, 1) }, attestations: envelopes)
        let path = try Scratch.directory("attest").appendingPathComponent("repeated.json").path
        try Data(json).write(to: URL(fileURLWithPath: path))
        let result = Finalizer.finalize(try FinalizationRequest(json: json))
        #expect(result.rejected.map(\.reason) == [.malformed, .malformed] && result.voters == 1)
        Self.expectSame(result, try Self.python(path))
    }

    /// The strict Ed25519 rules hold in both: an identity verifier key refuses the request, and
    /// R = identity with S = h*a under an honest key (which the group equation alone accepts) is no ballot.
    @Test func bothImplementationsRefuseSmallOrderKeysAndR() throws {
        let keys = (0..<2).map(S.key)
        let directory = try Scratch.directory("attest")
        let honest = String(decoding: S.requestJSON(verifiers: [(keys[0], 2), (keys[1], 1)], attestations: []), as: UTF8.self)
        let weak = Array(honest.replacingOccurrences(of: keys[1].publicKey.base64URL,
                                                     with: Base64.encodeURLSafe(Ed25519StrictTests.identity)).utf8)
        let weakPath = directory.appendingPathComponent("weak.json").path
        try Data(weak).write(to: URL(fileURLWithPath: weakPath))
        #expect(throws: FinalizationError.self) { try FinalizationRequest(json: weak) }
        #expect(try Python.run(Self.script, [weakPath]).status == 2)

        guard case let .envelope(envelope) = S.pogo(keys[0], .positive) else { return }
        let forged = try Ed25519StrictCrossCheckTests.identityRSignature(
            seed: S.seed(0),
            message: DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: envelope.payload))
        let ballot = DSSEEnvelope(payloadType: envelope.payloadType, payload: envelope.payload, signatures: [.init(keyID: keys[0].keyID, bytes: forged)])
        let json = S.requestJSON(verifiers: [(keys[0], 2), (keys[1], 1)], attestations: [ballot])
        let path = directory.appendingPathComponent("identity-r.json").path
        try Data(json).write(to: URL(fileURLWithPath: path))
        let result = Finalizer.finalize(try FinalizationRequest(json: json))
        #expect(result.rejected.map(\.reason) == [.badSignature] && result.decision == .undecided)
        Self.expectSame(result, try Self.python(path))
    }

    @Test(arguments: [FinalizationKind.pogo, .poq])
    func pythonReferenceAgreesOnRandomRequests(kind: FinalizationKind) throws {
        var rng = FinalizationRandom(seed: kind == .pogo ? 13 : 12)
        let directory = try Scratch.directory("attest")
        let keys = (0..<8).map(S.key)
        var decisions: Set<FinalizationResult.Decision> = []
        // PoQ scores name the evaluator the request may name, another one, or none.
        let evaluators = ["poq/1 similarity sha256:" + S.bundle.hex, "poq/1 cross-encoder sha256:" + S.bundle.hex, nil]
        for round in 0..<8 {
            let n = Int.random(in: 1...8, using: &rng)
            let verifiers = (0..<n).map { (keys[$0], Double(UInt64.random(in: 1...(round % 2 == 0 ? 5 : 1 << 40), using: &rng))) }
            var envelopes: [DSSEEnvelope] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                let signer = Int.random(in: 0...8, using: &rng) < 8 ? keys[Int.random(in: 0..<8, using: &rng)] : S.key(50)
                let subject = Int.random(in: 0..<10, using: &rng) == 0 ? S.otherBundle : S.bundle
                // PoGO ballots vary in mode and in beacon: drawn, the caller's named one, another caller's.
                let beacons = [S.drawnBeacon, S.callerBeacon, ChallengeBeacon(S.otherBundle, source: .caller)]
                let statement = kind == .pogo
                    ? try AttestationPredicate.pogoStatement(
                        commitment: subject, verdict: Bool.random(using: &rng) ? .positive : .negative,
                        mode: Int.random(in: 0..<3, using: &rng) == 0 ? .leafOnly : .full,
                        beacon: beacons[Int.random(in: 0..<3, using: &rng)])
                    : try AttestationPredicate.poqStatement(output: subject, score: Double.random(in: 0...1, using: &rng),
                                                            evaluator: evaluators[Int.random(in: 0..<3, using: &rng)])
                // The key id is ours, securesystemslib's, absent or foreign: a hint only.
                let signed = statement.signed(by: signer)
                let hints = [signer.keyID, signer.publicKey.securesystemslibKeyID, nil, "foreign"]
                envelopes.append(DSSEEnvelope(payloadType: signed.payloadType, payload: signed.payload,
                                              signatures: [.init(keyID: hints[Int.random(in: 0..<4, using: &rng)], bytes: signed.signatures[0].bytes)]))
                if Bool.random(using: &rng), let last = envelopes.last { envelopes.append(last) }
            }
            let named = Bool.random(using: &rng) ? ",\"beacon\":\"\(S.callerBeacon.value.hex)\"" : ""
            let extra = kind == .pogo
                ? ",\"thresholds\":{\"confirm\":\(Double.random(in: 0.5...1, using: &rng)),\"slash\":\(Double.random(in: 0.1...0.5, using: &rng))}" + named
                : ",\"thresholds\":{\"outlierDistance\":\(Double.random(in: 0...0.3, using: &rng)),\"quorum\":\(Double.random(in: 0.05...1, using: &rng))}"
                    + (Bool.random(using: &rng) ? ",\"evaluator\":\"\(evaluators[0]!)\"" : "")
            let json = S.requestJSON(kind: kind.rawValue, verifiers: verifiers, attestations: envelopes, extra: extra)
            let path = directory.appendingPathComponent("request-\(round).json").path
            try Data(json).write(to: URL(fileURLWithPath: path))
            let result = Finalizer.finalize(try FinalizationRequest(json: json))
            decisions.insert(result.decision)
            Self.expectSame(result, try Self.python(path), "round \(round): \(path)")
        }
        #expect(decisions.count >= 2, "the random requests reach more than one decision: \(decisions)")
    }
}
