import Testing
import Verification

/// What a miner who adapts to the verifiers cannot turn into a confirmation: positives from
/// leaf-only verification, and challenges drawn from a beacon the caller chose.
struct FinalizationAdaptiveMinerTests {
    typealias S = FinalizationTestSupport
    let k0 = S.key(0), k1 = S.key(1), k2 = S.key(2)

    @Test func leafOnlyPositivesNeverCountTowardConfirm() throws {
        let all = [k0, k1, k2].map { S.pogo($0, .positive, mode: .leafOnly) }
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], all))
        #expect(result.decision == .undecided)
        #expect(result.stake == .init(total: 3, voted: 3, abstained: 0, equivocated: 0, positive: 0, negative: 0, leafOnlyPositive: 3))
        #expect(result.votes.allSatisfy { $0.mode == .leafOnly && $0.countsToward == .neither })
        // One full-mode positive beside them is 1/3, below the confirm threshold.
        let mixed = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                     [S.pogo(k0, .positive), S.pogo(k1, .positive, mode: .leafOnly), S.pogo(k2, .positive, mode: .leafOnly)]))
        #expect(mixed.decision == .undecided && mixed.stake.positive == 1 && mixed.stake.leafOnlyPositive == 2)
    }

    @Test func leafOnlyNegativesCountTowardSlash() throws {
        // A failed opening is proof, whatever mode found it.
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                      [S.pogo(k0, .negative, mode: .leafOnly), S.pogo(k1, .positive, mode: .leafOnly)]))
        #expect(result.decision == .slash)
        #expect(result.stake.negative == 1 && result.stake.positive == 0 && result.stake.leafOnlyPositive == 1)
        #expect(result.votes.first { $0.keyID == k0.keyID }?.countsToward == .slash)
    }

    @Test func callerChosenBeaconCountsOnlyWhenTheRequestNamesIt() throws {
        let chosen = S.callerBeacon
        let votes = [k0, k1].map { S.pogo($0, .positive, beacon: chosen) }
        let unnamed = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], votes))
        #expect(unnamed.decision == .undecided && unnamed.voters == 0)
        #expect(unnamed.rejected.map(\.reason) == [.unboundBeacon, .unboundBeacon])
        #expect(unnamed.rejected.map(\.signers) == [[k0.keyID], [k1.keyID]])
        let other = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], votes, beacon: S.otherBundle))
        #expect(other.decision == .undecided && other.rejected.map(\.reason) == [.unboundBeacon, .unboundBeacon])
        let named = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], votes, beacon: chosen.value))
        #expect(named.decision == .confirm && named.rejected.isEmpty)
    }

    @Test func verifierDrawnBeaconsCountWhateverTheRequestNames() throws {
        let votes = [k0, k1].map { S.pogo($0, .positive) }
        #expect(Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], votes)).decision == .confirm)
        #expect(Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1], votes, beacon: S.callerBeacon.value)).decision == .confirm)
    }

    @Test func aKeyThatSignsBothModesEquivocates() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                      [S.pogo(k0, .positive), S.pogo(k0, .positive, mode: .leafOnly), S.pogo(k1, .positive)]))
        #expect(result.equivocating.map(\.keyID) == [k0.keyID])
        #expect(result.decision == .undecided)
    }

    @Test func requestBeaconIsReadForPoGOAndRefusedForPoQ() throws {
        let hex = S.callerBeacon.value.hex
        let request = try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [], extra: ",\"beacon\":\"\(hex)\""))
        #expect(request.beacon == S.callerBeacon.value)
        #expect(try FinalizationRequest(json: S.requestJSON(verifiers: [(k0, 1)], attestations: [], extra: ",\"beacon\":null")).beacon == nil)
        for (kind, value) in [("poq", "\"\(hex)\""), ("pogo", "\"abc\""), ("pogo", "7")] {
            let error = try #require(throws: FinalizationError.self) {
                try FinalizationRequest(json: S.requestJSON(kind: kind, verifiers: [(k0, 1)], attestations: [], extra: ",\"beacon\":\(value)"))
            }
            #expect(error.field == "beacon", "\(kind) \(value): \(error)")
        }
    }

    @Test func resultListsHowEachVoteCounted() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                      [S.pogo(k0, .positive), S.pogo(k1, .positive, mode: .leafOnly), S.pogo(k2, .negative)]))
        let text = String(decoding: try result.jsonBytes(), as: UTF8.self)
        for field in ["\"countsToward\":\"confirm\"", "\"countsToward\":\"neither\"", "\"countsToward\":\"slash\"",
                      "\"mode\":\"leafOnly\"", "\"leafOnlyPositive\":1"] {
            #expect(text.contains(field), "\(field) missing from \(text)")
        }
    }
}
