import Testing
import Verification

/// Attestations that do not vote are listed with their reason and do not fail the request.
struct FinalizationRejectionTests {
    typealias S = FinalizationTestSupport
    let k0 = S.key(0), k1 = S.key(1), k2 = S.key(2)

    func rejection(_ attestation: FinalizationRequest.Attestation, kind: FinalizationKind = .pogo) throws -> FinalizationResult.Rejected? {
        let result = Finalizer.finalize(try S.request(kind, stakes: [1, 1, 1], [attestation]))
        #expect(result.voters == 0)
        return result.rejected.first
    }

    @Test func rejectsBadSignature() throws {
        guard case let .envelope(envelope) = S.pogo(k0, .positive) else { return }
        var sig = envelope.signatures[0].bytes
        sig[5] ^= 0x40
        let forged = DSSEEnvelope(payloadType: envelope.payloadType, payload: envelope.payload,
                                  signatures: [.init(keyID: k0.keyID, bytes: sig)])
        #expect(try rejection(.envelope(forged))?.reason == .badSignature)
        // A valid signature of a non-verifier relabelled as k0's does not hold under any verifier.
        guard case let .envelope(other) = S.pogo(S.key(7), .positive) else { return }
        let relabelled = DSSEEnvelope(payloadType: other.payloadType, payload: other.payload,
                                      signatures: [.init(keyID: k0.keyID, bytes: other.signatures[0].bytes)])
        #expect(try rejection(.envelope(relabelled))?.reason == .badSignature)
    }

    /// R = identity with S = h*a fits the group equation under k0's own key (OpenSSL alone
    /// accepts it) but R has small order: the ballot does not count.
    @Test func rejectsSignatureWithSmallOrderR() throws {
        guard case let .envelope(envelope) = S.pogo(k0, .positive) else { return }
        let forged = try Ed25519StrictCrossCheckTests.identityRSignature(
            seed: S.seed(0), message: DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: envelope.payload))
        let attestation = DSSEEnvelope(payloadType: envelope.payloadType, payload: envelope.payload,
                                       signatures: [.init(keyID: k0.keyID, bytes: forged)])
        #expect(try rejection(.envelope(attestation))?.reason == .badSignature)
    }

    @Test func rejectsUnknownSigner() throws {
        #expect(try rejection(S.pogo(S.key(7), .positive))?.reason == .unknownSigner)
        // Without a key id, the signature is tried against every verifier, and none holds.
        guard case let .envelope(envelope) = S.pogo(S.key(7), .positive) else { return }
        let anonymous = DSSEEnvelope(payloadType: envelope.payloadType, payload: envelope.payload,
                                     signatures: [.init(keyID: nil, bytes: envelope.signatures[0].bytes)])
        #expect(try rejection(.envelope(anonymous))?.reason == .unknownSigner)
    }

    @Test func rejectsWrongSubject() throws {
        let rejected = try rejection(S.pogo(k0, .positive, subject: S.otherBundle))
        #expect(rejected?.reason == .wrongSubject)
        #expect(rejected?.signers == [k0.keyID])
        let twoSubjects = try InTotoStatement(subjects: [.init(name: "a", sha256: S.bundle), .init(name: "b", sha256: S.otherBundle)],
                                              predicateType: PredicateType.pogoAttestation, predicate: ["verdict": "positive"])
        #expect(try rejection(.envelope(twoSubjects.signed(by: k0)))?.reason == .wrongSubject)
    }

    @Test func rejectsWrongPredicateType() throws {
        #expect(try rejection(S.poq(k0, 0.5))?.reason == .wrongPredicateType)
        #expect(try rejection(S.pogo(k0, .positive), kind: .poq)?.reason == .wrongPredicateType)
    }

    @Test func rejectsWrongPayloadType() throws {
        let payload = S.statementJSON(predicate: S.pogoPredicate())
        #expect(try rejection(S.signed(payload: payload, payloadType: "application/json", by: k0))?.reason == .wrongPayloadType)
    }

    @Test func rejectsMalformedStatementsAndPredicates() throws {
        let hex = S.drawnBeacon.value.hex
        for predicate in ["{}", S.pogoPredicate("\"verdict\":\"maybe\""), S.pogoPredicate("\"verdict\":true"), "{\"verdict\":\"positive\"}",
                          S.pogoPredicate(mode: "partial"), S.pogoPredicate(source: "miner"), S.pogoPredicate(beacon: hex.uppercased()),
                          S.pogoPredicate(beacon: String(hex.dropLast(2))),
                          "{\"beacon\":\"\(hex)\",\"beaconSource\":\"verifier\",\"verdict\":\"positive\"}",
                          "{\"beacon\":\"\(hex)\",\"mode\":\"full\",\"verdict\":\"positive\"}",
                          "{\"beaconSource\":\"verifier\",\"mode\":\"full\",\"verdict\":\"positive\"}"] {
            #expect(try rejection(S.signed(payload: S.statementJSON(predicate: predicate), by: k0))?.reason == .malformed, "\(predicate)")
        }
        for predicate in ["{}", "{\"score\":1.5}", "{\"score\":-0.1}", "{\"score\":\"0.5\"}", "{\"score\":true}"] {
            let payload = S.statementJSON(predicate: predicate, predicateType: PredicateType.poqScore)
            #expect(try rejection(S.signed(payload: payload, by: k0), kind: .poq)?.reason == .malformed, "\(predicate)")
        }
        #expect(try rejection(S.signed(payload: "not json", by: k0))?.reason == .malformed)
        #expect(try rejection(.malformed("junk"))?.reason == .malformed)
        // A repeated key anywhere in the signed statement makes it malformed: readers that keep
        // the first and readers that keep the last would count different ballots.
        let repeated = [
            S.statementJSON(predicate: S.pogoPredicate("\"verdict\":\"negative\",\"verdict\":\"positive\"")),
            S.statementJSON(predicate: S.pogoPredicate()).replacingOccurrences(of: "{\"_type\"", with: "{\"predicateType\":\"x\",\"_type\""),
            S.statementJSON(predicate: S.pogoPredicate()).replacingOccurrences(of: "{\"sha256\"", with: "{\"sha256\":\"00\",\"sha256\""),
        ]
        for payload in repeated {
            #expect(try rejection(S.signed(payload: payload, by: k0))?.reason == .malformed, "\(payload)")
        }
        let poq = S.statementJSON(predicate: "{\"score\":0.9,\"score\":0.1}", predicateType: PredicateType.poqScore)
        #expect(try rejection(S.signed(payload: poq, by: k0), kind: .poq)?.reason == .malformed)
    }

    @Test func acceptsScoresAtTheEndsOfTheRange() throws {
        // 1E-1 and 0.1000000000000000055511151231257827 both name the double nearest 0.1; the
        // score is read from the literal as signed, correctly rounded.
        for (predicate, score) in [("{\"score\":0}", 0.0), ("{\"score\":1}", 1.0), ("{\"score\":1.0}", 1.0), ("{\"score\":0.25,\"evaluator\":\"x\"}", 0.25),
                                   ("{\"score\":1E-1}", 0.1), ("{\"score\":0.1000000000000000055511151231257827}", 0.1),
                                   ("{\"score\":0.30000000000000004}", 0.1 + 0.2)] {
            let payload = S.statementJSON(predicate: predicate, predicateType: PredicateType.poqScore)
            let result = Finalizer.finalize(try S.request(.poq, stakes: [1], [S.signed(payload: payload, by: k0)]))
            #expect(result.consensus == score, "\(predicate)")
        }
    }

    @Test func junkBesideValidVotesDoesNotFailTheRequest() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                      [.malformed("x"), S.pogo(k0, .positive), S.pogo(S.key(8), .negative), S.pogo(k1, .positive)]))
        #expect(result.decision == .confirm)
        #expect(result.rejected.map(\.index) == [0, 2])
        #expect(result.rejected.map(\.reason) == [.malformed, .unknownSigner])
    }

    @Test func rejectedAttestationsOfAKeyDoNotMakeItEquivocate() throws {
        let result = Finalizer.finalize(try S.request(.pogo, stakes: [1, 1, 1],
                                                      [S.pogo(k0, .positive), S.pogo(k0, .negative, subject: S.otherBundle)]))
        #expect(result.equivocating.isEmpty)
        #expect(result.stake.positive == 1)
    }
}
