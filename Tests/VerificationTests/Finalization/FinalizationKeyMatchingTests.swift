import Foundation
import TestSupport
import Testing
import Verification

/// A signature's key id is a hint: finalization finds its verifier by checking the named key
/// first and then the others, within the request's budget of search checks.
struct FinalizationKeyMatchingTests {
    typealias S = FinalizationTestSupport

    /// `attestation` re-signed with one signature whose key id is `hint` (nil: none).
    static func relabelled(_ attestation: FinalizationRequest.Attestation, hint: String?) -> DSSEEnvelope {
        guard case let .envelope(envelope) = attestation else { preconditionFailure("not an envelope") }
        return DSSEEnvelope(payloadType: envelope.payloadType, payload: envelope.payload,
                            signatures: [.init(keyID: hint, bytes: envelope.signatures[0].bytes)])
    }

    static func finalize(_ verifiers: [(SigningKey, Double)], _ envelopes: [DSSEEnvelope], budget: Int) throws -> FinalizationResult {
        let json = S.requestJSON(verifiers: verifiers, attestations: envelopes)
        return Finalizer.finalize(try FinalizationRequest(json: json, limits: FinalizationLimits(maxKeySearchChecks: budget)))
    }

    @Test(arguments: ["none", "securesystemslib", "foreign"])
    func countsVerifierSignatureWhateverItsKeyID(style: String) throws {
        let keys = (0..<3).map(S.key)
        let hint: String? = switch style {
        case "securesystemslib": keys[2].publicKey.securesystemslibKeyID
        case "foreign": "sslib:" + String(repeating: "ab", count: 32)
        default: nil
        }
        let ballot = Self.relabelled(S.pogo(keys[2], .positive), hint: hint)
        let result = try Self.finalize(keys.map { ($0, 1) }, [ballot], budget: 8_000)
        #expect(result.rejected.isEmpty && result.votes.map(\.keyID) == [keys[2].keyID], "\(result.rejected)")
    }

    @Test func countsNamedSignatureWithoutSpendingTheSearchBudget() throws {
        let keys = (0..<3).map(S.key)
        let ours = Self.relabelled(S.pogo(keys[1], .positive), hint: keys[1].keyID)
        let theirs = Self.relabelled(S.pogo(keys[2], .positive), hint: keys[2].publicKey.securesystemslibKeyID)
        let result = try Self.finalize(keys.map { ($0, 1) }, [ours, theirs], budget: 0)
        #expect(result.votes.map(\.keyID) == [keys[1], keys[2]].map(\.keyID).sorted())
    }

    @Test func attributesMislabelledSignatureToTheVerifierWhoseKeyHolds() throws {
        let keys = (0..<3).map(S.key)
        let mislabelled = Self.relabelled(S.pogo(keys[2], .negative), hint: keys[0].keyID)
        let result = try Self.finalize(keys.map { ($0, 1) }, [mislabelled], budget: 8_000)
        #expect(result.votes.map(\.keyID) == [keys[2].keyID] && result.stake.negative == 1)
    }

    /// Anonymous signatures by the last of 4 verifiers cost 4 search checks each: 2 of them
    /// need 8. A budget of 8 counts both; 7 rejects the second, whose search was cut short.
    @Test(arguments: [8, 7])
    func searchBudgetOfNChecksCountsAndOneMoreIsRejected(budget: Int) throws {
        let keys = (0..<4).map(S.key)
        let envelopes = [S.pogo(keys[3], .positive), S.pogo(keys[3], .positive, mode: .leafOnly)].map { Self.relabelled($0, hint: nil) }
        let result = try Self.finalize(keys.map { ($0, 1) }, envelopes, budget: budget)
        if budget == 8 {
            #expect(result.rejected.isEmpty && result.equivocating.map(\.keyID) == [keys[3].keyID])
        } else {
            #expect(result.rejected.map(\.reason) == [.keySearchBudgetExhausted] && result.rejected.map(\.index) == [1])
            #expect(result.votes.map(\.keyID) == [keys[3].keyID])
        }
        let path = try Scratch.directory("attest").appendingPathComponent("budget-\(budget).json").path
        try Data(S.requestJSON(verifiers: keys.map { ($0, 1) }, attestations: envelopes)).write(to: URL(fileURLWithPath: path))
        FinalizationCrossCheckTests.expectSame(result, try FinalizationCrossCheckTests.python(path, keySearchBudget: budget))
    }

    /// At the default limits: 1,000 verifiers, anonymous ballots of the last one cost 1,000
    /// checks each, so the 8,000-check budget counts 8 of them and rejects the 9th.
    @Test func defaultBudgetCountsEightThousandChecksAndRejectsTheNext() throws {
        let limits = FinalizationLimits()
        #expect(limits.maxKeySearchChecks == 8_000 && limits.maxVerifiers == 1_000)
        let keys = (0..<limits.maxVerifiers).map(S.key)
        let last = keys[keys.count - 1]
        let envelopes = (0..<9).map { i in Self.relabelled(S.poq(last, 0.5), hint: i == 8 ? "not a verifier" : nil) }
        let json = S.requestJSON(kind: "poq", verifiers: keys.map { ($0, 1) }, attestations: envelopes)
        let result = Finalizer.finalize(try FinalizationRequest(json: json))
        #expect(result.votes.first?.attestations == Array(0..<8))
        #expect(result.rejected.map(\.index) == [8] && result.rejected.map(\.reason) == [.keySearchBudgetExhausted])
    }
}
