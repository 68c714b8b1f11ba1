import Testing
import Verification

/// Stake-weighted PoGO decisions: confirm, slash, undecided, boundaries, one vote per key.
struct FinalizationPoGOTests {
    typealias S = FinalizationTestSupport
    let k0 = S.key(0), k1 = S.key(1), k2 = S.key(2)

    @Test func confirmsWhenPositiveStakeReachesTwoThirds() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [5, 3, 2], [S.pogo(k0, .positive), S.pogo(k1, .positive), S.pogo(k2, .negative)]))
        #expect(result.decision == .confirm)
        #expect(result.stake == .init(total: 10, voted: 10, abstained: 0, equivocated: 0, positive: 8, negative: 2, leafOnlyPositive: 0))
        #expect(result.voters == 3)
        #expect(result.votes.map(\.keyID) == [k0, k1, k2].map(\.keyID).sorted())
        #expect(result.rejected.isEmpty && result.equivocating.isEmpty)
    }

    @Test func slashesWhenNegativeStakeReachesOneThird() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [5, 3, 2], [S.pogo(k0, .negative), S.pogo(k1, .positive)]))
        #expect(result.decision == .slash)
        #expect(result.stake == .init(total: 10, voted: 8, abstained: 2, equivocated: 0, positive: 3, negative: 5, leafOnlyPositive: 0))
    }

    @Test func staysUndecidedWhenNeitherThresholdIsMet() throws {
        // 6/10 positive < 2/3, 3/10 negative < 1/3, 1 abstains.
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [6, 3, 1], [S.pogo(k0, .positive), S.pogo(k1, .negative)]))
        #expect(result.decision == .undecided)
        #expect(result.stake.abstained == 1)
        let none = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], []))
        #expect(none.decision == .undecided)
        #expect(none.stake == .init(total: 3, voted: 0, abstained: 3, equivocated: 0, positive: 0, negative: 0, leafOnlyPositive: 0))
    }

    @Test func confirmsAtExactlyTwoOfThreeAndNotBelow() throws {
        let exact = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [S.pogo(k0, .positive), S.pogo(k1, .positive)]))
        #expect(exact.decision == .confirm)
        // One unit below two thirds of 3,000,000,000,000,001 (a rounding-prone total).
        let big: UInt64 = 3_000_000_000_000_001
        let twoThirdsCeil = (2 * big + 2) / 3
        let below = Finalizer.finalize(try S.request(.pogo, stakes: [twoThirdsCeil - 1, big - twoThirdsCeil + 1], [S.pogo(k0, .positive)]))
        #expect(below.decision == .undecided)
        let at = Finalizer.finalize(try S.request(.pogo, stakes: [twoThirdsCeil, big - twoThirdsCeil], [S.pogo(k0, .positive)]))
        #expect(at.decision == .confirm)
    }

    @Test func slashesAtExactlyOneThird() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [S.pogo(k0, .negative)]))
        #expect(result.decision == .slash)
    }

    @Test func staysUndecidedWhenBothThresholdsHold() throws {
        // 2/3 positive and 1/3 negative meet both default thresholds exactly: a conflict.
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [S.pogo(k0, .positive), S.pogo(k1, .positive), S.pogo(k2, .negative)]))
        #expect(result.decision == .undecided)
        #expect(result.stake.positive == 2 && result.stake.negative == 1)
    }

    @Test func appliesCustomThresholdsExactly() throws {
        let thresholds = FinalizationRequest.Thresholds(confirm: StakeThreshold(0.6667)!, slash: StakeThreshold(0.5)!)
        let twoOfThree = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [S.pogo(k0, .positive), S.pogo(k1, .positive)], thresholds: thresholds))
        #expect(twoOfThree.decision == .undecided)
        let half = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1], [S.pogo(k0, .negative)], thresholds: thresholds))
        #expect(half.decision == .slash)
    }

    @Test func countsIdenticalDuplicateVotesOnce() throws {
        let vote = S.pogo(k0, .positive)
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [vote, vote, S.pogo(k0, .positive), S.pogo(k1, .negative)]))
        #expect(result.stake.positive == 1 && result.stake.negative == 1)
        #expect(result.voters == 2)
        #expect(result.votes.first { $0.keyID == k0.keyID }?.attestations == [0, 1, 2])
        #expect(result.decision == .slash)
    }

    @Test func equivocatingKeyCountsForNeitherSide() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [2, 1, 1],
                                                      [S.pogo(k0, .positive), S.pogo(k1, .positive), S.pogo(k0, .negative), S.pogo(k2, .positive)]))
        #expect(result.equivocating == [.init(keyID: k0.keyID, stake: 2, attestations: [0, 2])])
        #expect(result.stake == .init(total: 4, voted: 2, abstained: 0, equivocated: 2, positive: 2, negative: 0, leafOnlyPositive: 0))
        #expect(!result.votes.contains { $0.keyID == k0.keyID })
        #expect(result.decision == .undecided)
    }

    @Test func countsEveryVerifierThatCoSignedAnEnvelope() throws {
        let statement = try AttestationPredicate.pogoStatement(commitment: S.bundle, verdict: .positive, beacon: S.drawnBeacon)
        let envelope = DSSEEnvelope.sign(payload: statement.jsonBytes(), payloadType: InTotoStatement.payloadType, keys: [k0, k1, S.key(9)])
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [.envelope(envelope)]))
        #expect(result.decision == .confirm)
        #expect(result.votes.map(\.keyID) == [k0.keyID, k1.keyID].sorted())
    }

    @Test func resultJSONUsesDocumentedFieldNames() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], [S.pogo(k0, .positive)]))
        let text = String(decoding: try result.jsonBytes(), as: UTF8.self)
        for field in ["\"decision\":\"undecided\"", "\"kind\":\"pogo\"", "\"positive\":1", "\"negative\":0", "\"abstained\":2",
                      "\"total\":3", "\"voters\":1", "\"verdict\":\"positive\"", "\"keyId\":\"\(k0.keyID)\"", "\"equivocating\":[]",
                      "\"rejected\":[]", "\"subject\":\"\(S.bundle.hex)\""] {
            #expect(text.contains(field), "\(field) missing from \(text)")
        }
        #expect(!text.contains("consensus") && !text.contains("outliers"))
        #expect(try JSONDecoderBox.decode(result.jsonBytes()) == result)
    }
}
